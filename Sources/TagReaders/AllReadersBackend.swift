import Logging

/// Every reader at once: the PC/SC readers pcscd serves and the devices libnfc's own scan
/// finds when the stream starts, their events merged into one stream.
///
/// A libnfc device that the scan lists but that cannot be opened (pcscd holding an ACR122U,
/// most likely, which then shows up as a PC/SC reader) is left alone.
public struct AllReadersBackend: TagReader {
    public var logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    public func readers() async throws(TagReaderError) -> [ReaderStatus] {
        let pcsc = try await PCSCBackend(logger: logger).readers()
        let nfc = (try? await LibNFCBackend.discover()) ?? []
        return pcsc + nfc.map { ReaderStatus(name: LibNFCMonitor.readerName($0), isTagPresent: false) }
    }

    public func events(on selection: ReaderSelection = .all) -> AsyncStream<TagEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: TagEvent.self)
        let logger = self.logger
        let merge = Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await event in PCSCBackend(logger: logger).events(on: selection) { continuation.yield(event) }
                }
                let found = (try? await LibNFCBackend.discover()) ?? []
                let names = found.map(LibNFCMonitor.readerName)
                for connstring in found where selection.includes(LibNFCMonitor.readerName(connstring), among: names) {
                    var backend = LibNFCBackend(connstring: connstring, logger: logger)
                    backend.isDiscovered = true
                    group.addTask {
                        for await event in backend.events() {
                            // libnfc's service events would read as pcscd's coming and going.
                            switch event {
                            case .serviceAvailable, .serviceUnavailable: continue
                            default: continuation.yield(event)
                            }
                        }
                    }
                }
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in merge.cancel() }
        return stream
    }
}
