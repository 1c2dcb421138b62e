import ArgumentParser
import Foundation
import LeadStore

/// A command's failure as the user sees it: one line on stderr and a sysexits code.
struct CommandFailure: Error {
    /// sysexits(3) codes, as DESIGN.md assigns them.
    enum Status: Int32 {
        case usage = 64, dataError = 65, noInput = 66, unavailable = 69, software = 70, cannotCreate = 73
    }

    let status: Status
    let message: String

    static func dataError(_ message: String) -> CommandFailure { CommandFailure(status: .dataError, message: message) }
    static func unavailable(_ message: String) -> CommandFailure { CommandFailure(status: .unavailable, message: message) }
    static func usage(_ message: String) -> CommandFailure { CommandFailure(status: .usage, message: message) }
    static func software(_ message: String) -> CommandFailure { CommandFailure(status: .software, message: message) }
    /// A file that cannot be written: a full disk, a read-only folder (73, EX_CANTCREAT).
    static func cannotWrite(_ message: String) -> CommandFailure { CommandFailure(status: .cannotCreate, message: message) }

    /// Prints the error line and gives the exit code for ArgumentParser to exit with.
    func report() -> ExitCode {
        Terminal.printError(message)
        return ExitCode(status.rawValue)
    }
}

extension Error {
    /// Any error as the exit the user sees: a `CommandFailure` as it is, anything else as an
    /// internal error (70), after printing its line.
    func report() -> ExitCode {
        if let failure = self as? CommandFailure { return failure.report() }
        // A full disk under a command with no store path at hand (demo, booth): 73, not 70.
        if let error = self as? StoreError, error.isOutOfSpace { return CommandFailure.storeFailure(error, path: "").report() }
        return CommandFailure.software("\(self)").report()
    }
}

enum Terminal {
    static func printError(_ message: String) {
        let line = "leadgate: error: \(message)\n"
        writeError(line)
    }

    static func printWarning(_ message: String) {
        writeError("leadgate: warning: \(message)\n")
    }

    static var stdoutIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }
    static var stdinIsTerminal: Bool { isatty(STDIN_FILENO) == 1 }
    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// write(2) rather than FileHandle, here and in `write`: FileHandle turns a failed write
    /// (EIO from a terminal that was closed, a full disk under a redirect) into a crash, and a
    /// booth whose terminal closed must still close its readers and end cleanly.
    static func writeError(_ text: String) {
        var text = text
        text.withUTF8 { write(STDERR_FILENO, $0) }
    }

    static func write(_ text: String) {
        var text = text
        text.withUTF8 { write(STDOUT_FILENO, $0) }
    }

    /// All of `bytes` to `descriptor`, or as much as it takes; a write that fails is dropped.
    private static func write(_ descriptor: Int32, _ bytes: UnsafeBufferPointer<UInt8>) {
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            offset += n
        }
    }

    /// Bytes to standard output, written in place (no `Data` copy of a large output).
    static func writeOut(_ bytes: UnsafeBufferPointer<UInt8>) {
        write(STDOUT_FILENO, bytes)
    }
}
