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
        FileHandle.standardError.write(Data(line.utf8))
    }

    static func printWarning(_ message: String) {
        FileHandle.standardError.write(Data("leadgate: warning: \(message)\n".utf8))
    }

    static var stdoutIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }
    static var stdinIsTerminal: Bool { isatty(STDIN_FILENO) == 1 }
    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    static func writeError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// Bytes to standard output, written in place (no `Data` copy of a large output).
    static func writeOut(_ bytes: UnsafeBufferPointer<UInt8>) {
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(STDOUT_FILENO, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }  // a closed pipe: nothing more to say to it
            offset += n
        }
    }
}
