import Dispatch
import Foundation
import Synchronization
import TagReaders

/// SIGINT and SIGTERM close the readers before the process ends, and the command then ends
/// as the signal would have (status 128 + the signal).
///
/// A libnfc device killed mid-command keeps its RF field on, and its serial port keeps the
/// mark libnfc puts on a port it holds, so the next `leadgate read` would be refused.
enum ReaderShutdownOnSignal {
    /// Set once, from the command's own task before it opens readers; never touched after.
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []
    private static let received = Mutex<Int32?>(nil)

    /// The signal that asked the command to stop, if one did.
    static var signal: Int32? { received.withLock { $0 } }

    /// Installs the handlers once; call it from the command's task before readers are opened.
    /// A signal stops every reader, which ends the tap streams; the command closes them
    /// (``ReaderChoice/shutDown()``) and exits with ``signal``. Should it not, the process
    /// exits 3 s after the readers are closed.
    static func install() {
        guard sources.isEmpty else { return }
        sources = [SIGINT, SIGTERM].map { number -> any DispatchSourceSignal in
            Glibc.signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                received.withLock { $0 = $0 ?? number }
                Task {
                    await ReaderChoice.shutDown()
                    try? await Task.sleep(for: .seconds(3))
                    exit(128 + number)
                }
            }
            source.resume()
            return source
        }
    }
}
