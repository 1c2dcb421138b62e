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
