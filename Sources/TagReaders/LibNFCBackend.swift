import Foundation
import Logging

/// Taps from a reader that libnfc drives: PN532 boards on a serial port, PN533 USB readers
/// (SCL3711), an ACR122U that pcscd does not hold, or `Hardware/pn532_emulator.py`.
///
/// Each ``events(on:)`` stream has its own thread (``LibNFCMonitor``) that owns the device:
/// it selects ISO 14443-A tags, reads each once as ``TagSession`` does for PC/SC, checks every
/// ``presenceInterval`` whether the tag is still there, and when the device is unplugged
/// reports it and tries to open it again every ``retryInterval``.
public struct LibNFCBackend: TagReader {
    /// The libnfc connection string, such as `pn532_uart:/dev/ttyUSB0`; `nil` is libnfc's
    /// default device (`LIBNFC_DEVICE`, /etc/nfc/libnfc.conf, else the first its scan finds).
    public var connstring: String?
    public var logger: Logger
    /// How long to wait between attempts to open a device that is away.
    public var retryInterval: Duration
    /// How often a tag lying on the reader is checked for (one command each time).
    public var presenceInterval: Duration
    var isDiscovered = false

    public init(connstring: String?, logger: Logger, retryInterval: Duration = .seconds(2),
                presenceInterval: Duration = .milliseconds(250)) {
        self.connstring = connstring
        self.logger = logger
        self.retryInterval = retryInterval
        self.presenceInterval = presenceInterval
    }

    /// The devices libnfc's own scan finds (`nfc_list_devices`): the ones named in its
    /// configuration and the USB ones; serial ports only if libnfc.conf allows intrusive scans.
    public static func discover() async throws(TagReaderError) -> [String] {
        try await DedicatedThread.run(name: "leadgate.nfc.scan") { () throws(TagReaderError) -> [String] in
            try LibNFCContext().listDevices()
        }
    }

    /// The device this backend opens, as a reader without tag state (finding out would mean
    /// opening the device and polling it). For the default device, what the scan finds.
    public func readers() async throws(TagReaderError) -> [ReaderStatus] {
        let names = if let connstring { [connstring] } else { Array(try await Self.discover().prefix(1)) }
        return names.map { ReaderStatus(name: LibNFCMonitor.readerName($0), isTagPresent: false) }
    }

    /// Watches the device; the selection is not consulted, as the backend has one reader.
    public func events(on selection: ReaderSelection = .all) -> AsyncStream<TagEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: TagEvent.self)
        let monitor = LibNFCMonitor(connstring: connstring, logger: logger, retryInterval: retryInterval,
                                    presenceInterval: presenceInterval, isDiscovered: isDiscovered,
                                    continuation: continuation)
        continuation.onTermination = { _ in monitor.stop() }
        Self.runningMonitors.start(monitor, threadName: "leadgate.nfc.monitor")
        return stream
    }

    private static let runningMonitors = RunningMonitors()

    /// Stops every ``events(on:)`` stream and waits until their devices are closed, at most
    /// `timeout`; `true` if they all were. Call it before the process exits: a PN532 left
    /// open keeps its field on, and its serial port keeps libnfc's "claimed" mark, so the
    /// next program to open it is refused.
    @discardableResult
    public static func shutDown(timeout: Duration = .seconds(3)) async -> Bool {
        await runningMonitors.shutDown(timeout: timeout)
    }
}

extension LibNFCBackend {
    /// Opens the device and closes it again (`nfc_open`, `nfc_initiator_init`, `nfc_close`):
    /// libnfc's name for it, such as `pn532_uart:/dev/ttyUSB0 - PN532 v1.6`, or why it cannot
    /// be opened. For `leadgate doctor`; it takes the device for a moment.
    public static func probe(_ connstring: String?) async -> Result<String, TagReaderError> {
        await DedicatedThread.run(name: "leadgate.nfc.probe") { () -> Result<String, TagReaderError> in
            Result { () throws(TagReaderError) -> String in
                let context = try LibNFCContext()
                return try context.open(connstring).name
            }
        }
    }
}
