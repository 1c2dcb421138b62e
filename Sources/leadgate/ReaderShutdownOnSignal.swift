import Dispatch
import Foundation
import TagReaders

/// SIGINT and SIGTERM close the readers before the process ends, then end it as the signal
/// would have (status 128 + the signal).
///
/// A libnfc device killed mid-command keeps its RF field on, and its serial port keeps the
/// mark libnfc puts on a port it holds, so the next `leadgate read` would be refused.
enum ReaderShutdownOnSignal {
    /// Set once, from the command's own task before it opens readers; never touched after.
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

    /// Installs the handlers once; call it from the command's task before readers are opened.
    static func install() {
        guard sources.isEmpty else { return }
        sources = [SIGINT, SIGTERM].map { number -> any DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                Task {
                    await ReaderChoice.shutDown()
                    exit(128 + number)
                }
            }
            source.resume()
            return source
        }
    }
}
