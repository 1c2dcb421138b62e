import Foundation
import Logging

/// Taps from the PC/SC readers that pcscd serves: any USB CCID contactless reader (ACR122U,
/// ACR1252U, SCL3711 with the right driver...) or vpcd's virtual ones.
///
/// Each ``events(on:)`` stream has its own thread waiting in `SCardGetStatusChange`, with the
/// `\\?PnP?\Notification` pseudo-reader so readers can come and go. When pcscd stops or
/// restarts, the stream reports ``TagEvent/serviceUnavailable(_:)``, retries every
/// ``retryInterval``, and carries on when it is back.
public struct PCSCBackend: TagReader {
    let library: any PCSCLibrary
    public var logger: Logger
    /// How long to wait between attempts to reach pcscd while it is away.
    public var retryInterval: Duration

    public init(logger: Logger, retryInterval: Duration = .milliseconds(500)) {
        self.init(library: LibPCSCLite(), logger: logger, retryInterval: retryInterval)
    }

    init(library: any PCSCLibrary, logger: Logger, retryInterval: Duration = .milliseconds(500)) {
        self.library = library
        self.logger = logger
        self.retryInterval = retryInterval
    }

    public func readers() async throws(TagReaderError) -> [ReaderStatus] {
        let library = self.library
        return try await DedicatedThread.run(name: "leadgate.pcsc.readers") { () throws(TagReaderError) -> [ReaderStatus] in
            let context = try library.establishContext()
            defer { library.releaseContext(context) }
            let names = try library.listReaders(context)
            guard !names.isEmpty else { return [] }
            var states = names.map { PCSCReaderState(reader: $0) }
            // States that start unaware come back at once: a snapshot, no waiting.
            _ = try library.getStatusChange(context, timeout: 0, states: &states)
            return states.map { ReaderStatus(name: $0.reader, isTagPresent: $0.isTagPresent, atr: $0.isTagPresent ? $0.atr : []) }
        }
    }

    public func events(on selection: ReaderSelection = .all) -> AsyncStream<TagEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: TagEvent.self)
        let monitor = PCSCMonitor(library: library, selection: selection, logger: logger,
                                  retryInterval: retryInterval, continuation: continuation)
        continuation.onTermination = { _ in monitor.stop() }
        Self.runningMonitors.start(monitor, threadName: "leadgate.pcsc.monitor")
        return stream
    }

    private static let runningMonitors = RunningMonitors()

    /// Stops every ``events(on:)`` stream (they finish) and waits until their threads have
    /// returned, at most `timeout`; `true` if they all did. Call it before the process exits.
    ///
    /// libpcsclite frees its list of contexts in an exit-time destructor, so a monitor thread
    /// still inside `SCardGetStatusChange` or `SCardReleaseContext` when `exit` runs crashes the
    /// process with SIGSEGV. A stream still referenced (or one whose consumer has merely stopped
    /// iterating) does not stop its monitor by itself. A stopped monitor returns at once when
    /// `SCardCancel` reaches it, within ``PCSCMonitor/waitLimitMilliseconds`` at worst.
    @discardableResult
    public static func shutDown(timeout: Duration = .seconds(3)) async -> Bool {
        await runningMonitors.shutDown(timeout: timeout)
    }
}
