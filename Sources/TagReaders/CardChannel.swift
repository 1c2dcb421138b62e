/// A connection to the tag on a reader, which sends it command APDUs.
///
/// ``TagSession`` reads a tag through this, so the PC/SC backend, the simulated one and tests
/// share one reading logic. A channel is used from one thread at a time.
public protocol CardChannel: AnyObject {
    /// Sends a command APDU and returns the response APDU, status word included.
    ///
    /// Throws ``TagReaderError/Code/tagRemoved`` when the tag is gone.
    func transmit(_ command: [UInt8]) throws(TagReaderError) -> [UInt8]
}

/// A channel that reaches a Type 2 tag directly, so it can send FAST_READ (`3A`), which NTAG21x
/// chips have: many pages in one command where `FF B0` reads four. PC/SC readers have no
/// pseudo-APDU for it; the libnfc channel has.
protocol FastReadChannel: CardChannel {
    /// Pages `first` through `last`, 4 bytes each. Throws ``TagReaderError/Code/tagRemoved``
    /// when the tag is gone.
    func fastRead(from first: Int, through last: Int) throws(TagReaderError) -> [UInt8]
}
