/// The PC/SC calls leadgate makes: libpcsclite in production (``LibPCSCLite``), a script in tests.
///
/// Every call into libpcsclite goes through this one seam, so a test can stand in for pcscd
/// (a service that stops, a reader that goes away) without one. Calls block; callers make
/// them on a dedicated thread, never on the cooperative pool.
protocol PCSCLibrary: Sendable {
    /// `SCardEstablishContext` with system scope.
    func establishContext() throws(TagReaderError) -> PCSCContext
    /// `SCardReleaseContext`; failures are ignored, as the context is gone either way.
    func releaseContext(_ context: PCSCContext)
    /// `SCardListReaders`: the reader names, empty when there are none.
    func listReaders(_ context: PCSCContext) throws(TagReaderError) -> [String]
    /// `SCardGetStatusChange`: fills each state's `eventState` and ATR; `false` if the timeout ran out first.
    func getStatusChange(_ context: PCSCContext, timeout milliseconds: UInt,
                         states: inout [PCSCReaderState]) throws(TagReaderError) -> Bool
    /// `SCardCancel`: ends a `getStatusChange` waiting on the context, from any thread.
    func cancel(_ context: PCSCContext)
    /// `SCardConnect` in shared mode, T=0 or T=1.
    func connect(_ context: PCSCContext, reader: String) throws(TagReaderError) -> PCSCCardHandle
    /// `SCardTransmit`: the response APDU, status word included.
    func transmit(_ card: PCSCCardHandle, _ command: [UInt8]) throws(TagReaderError) -> [UInt8]
    /// `SCardDisconnect`, leaving the card as it is.
    func disconnect(_ card: PCSCCardHandle)
}

/// An `SCARDCONTEXT`.
typealias PCSCContext = Int

/// An `SCARDHANDLE` and the protocol `SCardConnect` chose for it.
struct PCSCCardHandle: Sendable, Hashable {
    var handle: Int
    var activeProtocol: UInt
}

/// One `SCARD_READERSTATE`, with Swift values.
struct PCSCReaderState: Sendable, Hashable {
    /// The pseudo-reader whose state changes when readers are added or removed.
    static let plugAndPlayReader = "\\\\?PnP?\\Notification"

    var reader: String
    var currentState: UInt = 0
    var eventState: UInt = 0
    var atr: [UInt8] = []

    var isPlugAndPlay: Bool { reader == Self.plugAndPlayReader }
    var hasChanged: Bool { eventState & PCSCState.changed != 0 }
    /// A tag is there and answered with an ATR.
    var isTagPresent: Bool { eventState & PCSCState.present != 0 && eventState & PCSCState.mute == 0 }
    /// pcscd no longer knows the reader, or cannot tell its state.
    var isGone: Bool { eventState & (PCSCState.unknown | PCSCState.unavailable) != 0 }
    /// pcsc-lite counts card insertions and removals in the high 16 bits, so a tag swapped
    /// between two waits still shows as a new arrival.
    var eventCount: UInt { eventState >> 16 }
}

/// `SCARD_STATE_*` bits (pcsclite.h).
enum PCSCState {
    static let unaware: UInt = 0x0000
    static let changed: UInt = 0x0002
    static let unknown: UInt = 0x0004
    static let unavailable: UInt = 0x0008
    static let empty: UInt = 0x0010
    static let present: UInt = 0x0020
    static let mute: UInt = 0x0200
}
