import Foundation
import Synchronization

/// The controlling terminal in raw mode for the booth screen, restored on every way out.
final class RawTerminal {
    private var saved = termios()
    private(set) var isRaw = false

    /// Switches stdin to raw mode: keys arrive one by one, unechoed, Ctrl-C as byte 3
    /// (so the booth can finish its writes before it exits).
    func enable() {
        guard isatty(STDIN_FILENO) == 1, tcgetattr(STDIN_FILENO, &saved) == 0 else { return }
        var raw = saved
        raw.c_lflag &= ~tcflag_t(ECHO | ICANON | ISIG | IEXTEN)
        raw.c_iflag &= ~tcflag_t(IXON | ICRNL | BRKINT | INPCK | ISTRIP)
        raw.c_cc.6 = 1  // VMIN (index 6 on Linux): a read returns as soon as one byte is there
        raw.c_cc.5 = 0  // VTIME (index 5): no read timeout
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw)
        isRaw = true
        // The alternate screen keeps the rep's shell scrollback intact; the cursor stays visible for typing.
        Terminal.write("\u{1B}[?1049h\u{1B}[H\u{1B}[2J")
        Self.savedForSignals = saved
        Self.isRawForSignals.store(true, ordering: .sequentiallyConsistent)
        // The booth closes its readers on a signal first (ReaderShutdownOnSignal), and puts
        // the terminal back through `restoreAfterSignal`.
        if !ReaderShutdownOnSignal.isInstalled { Self.installSignalRestore() }
    }

    func restore() {
        guard isRaw else { return }
        Terminal.write("\u{1B}[?1049l")
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
        isRaw = false
        Self.isRawForSignals.store(false, ordering: .sequentiallyConsistent)
    }

    /// After SIGTERM or SIGHUP: the terminal as it was before the booth, if it is raw now.
    static func restoreAfterSignal() {
        guard isRawForSignals.exchange(false, ordering: .sequentiallyConsistent) else { return }
        var t = savedForSignals
        tcsetattr(STDIN_FILENO, TCSANOW, &t)
        // write(2), not FileHandle: after a hang-up the terminal answers EIO, which FileHandle
        // turns into a crash before the readers are closed.
        let reset = "\u{1B}[?1049l"
        _ = reset.withCString { Glibc.write(STDOUT_FILENO, $0, strlen($0)) }
    }

    /// Columns and rows of the terminal, or 100x30 when not a terminal.
    static func size() -> (columns: Int, rows: Int) {
        var w = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &w) == 0, w.ws_col > 0, w.ws_row > 0 {
            return (Int(w.ws_col), Int(w.ws_row))
        }
        return (100, 30)
    }

    nonisolated(unsafe) private static var savedForSignals = termios()
    private static let isRawForSignals = Atomic<Bool>(false)

    /// SIGTERM or SIGHUP while raw: put the terminal back before dying.
    private static func installSignalRestore() {
        for sig in [SIGTERM, SIGHUP] {
            signal(sig) { number in
                var t = RawTerminal.savedForSignals
                tcsetattr(STDIN_FILENO, TCSANOW, &t)
                let reset = "\u{1B}[?1049l"
                _ = reset.withCString { write(STDOUT_FILENO, $0, strlen($0)) }
                signal(number, SIG_DFL)
                raise(number)
            }
        }
    }
}

/// Standard input's bytes on a dedicated thread (reads block), as an async stream.
enum StandardInputReader {
    static func bytes() -> AsyncStream<[UInt8]> {
        let (stream, continuation) = AsyncStream.makeStream(of: [UInt8].self)
        let thread = Thread {
            var buffer = [UInt8](repeating: 0, count: 256)
            while true {
                let n = read(STDIN_FILENO, &buffer, buffer.count)
                if n <= 0 { break }
                continuation.yield(Array(buffer[0..<n]))
            }
            continuation.finish()
        }
        thread.start()
        return stream
    }
}
