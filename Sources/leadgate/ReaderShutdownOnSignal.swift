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

    /// True once ``install(hangUp:exitAtOnce:)`` ran: the booth's raw terminal then leaves
    /// SIGTERM and SIGHUP to it (and is put back by it) rather than dying at once.
    static var isInstalled: Bool { !sources.isEmpty }

    /// Installs the handlers once; call it from the command's task before readers are opened.
    /// A signal stops every reader, which ends the tap streams; the command closes them
    /// (``ReaderChoice/shutDown()``) and exits with ``signal``. Should it not, the process
    /// exits 3 s after the readers are closed.
    ///
    /// `hangUp` adds SIGHUP (a closed terminal). `exitAtOnce` is for the booth, whose screen
    /// waits for keys rather than taps: its terminal is put back and it exits as soon as the
    /// readers are closed (every tap and note is committed when it is shown, so nothing is lost).
    static func install(hangUp: Bool = false, exitAtOnce: Bool = false) {
        guard sources.isEmpty else { return }
        sources = ([SIGINT, SIGTERM] + (hangUp ? [SIGHUP] : [])).map { number -> any DispatchSourceSignal in
            Glibc.signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                let first = received.withLock { (signal: inout Int32?) -> Bool in
                    defer { signal = signal ?? number }
                    return signal == nil
                }
                guard first else { return }
                if exitAtOnce { RawTerminal.restoreAfterSignal() }
                Task {
                    await ReaderChoice.shutDown()
                    if !exitAtOnce { try? await Task.sleep(for: .seconds(3)) }
                    exit(128 + number)
                }
            }
            source.resume()
            return source
        }
    }
}
