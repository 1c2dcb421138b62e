import ArgumentParser
import Foundation
import LeadStore
import Logging

/// `--store`, which every command takes.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The local store file.",
        discussion: "Default: $LEADGATE_STORE, else $XDG_DATA_HOME/leadgate/leads.sqlite.",
        valueName: "path"))
    var store: String?

    var path: String { store ?? LeadStore.defaultPath() }

    func open(_ logger: Logger = Log.logger("leadgate.store")) throws(CommandFailure) -> LeadStore {
        do {
            return try LeadStore(path: path, logger: logger)
        } catch {
            throw CommandFailure.storeFailure(error, path: path)
        }
    }

    /// Opens a store that must already exist: commands that only read or change leads never
    /// create one, so a mistyped `--store` is an error (66) rather than an empty new store.
    func openExisting(_ logger: Logger = Log.logger("leadgate.store")) throws(CommandFailure) -> LeadStore {
        guard FileManager.default.fileExists(atPath: path) else {
            throw CommandFailure(status: .noInput, message: "store \(path) does not exist: check --store or $LEADGATE_STORE "
                                 + "(booth, import and demo create a store; this command does not)")
        }
        return try open(logger)
    }
}

extension CommandFailure {
    /// A store error as the user sees it: a full disk is "cannot write" (73), a file that
    /// cannot be opened is unavailable (69), a missing id is bad input (65), anything else is
    /// internal (70).
    static func storeFailure(_ error: any Error, path: String) -> CommandFailure {
        if let failure = error as? CommandFailure { return failure }
        guard let error = error as? StoreError else {
            return CommandFailure(status: .software, message: "store \(path): \(error)")
        }
        if error.isOutOfSpace {
            let store = path.isEmpty ? "the store" : "the store \(path)"
            return .cannotWrite("cannot write \(store): the disk is full (\(error.detail)); free some space and run it again")
        }
        switch error.code {
        case .cannotOpen, .schemaTooNew: return CommandFailure(status: .unavailable, message: "store \(path): \(error.detail)")
        case .notFound, .ambiguousID: return CommandFailure(status: .dataError, message: error.detail)
        default: return CommandFailure(status: .software, message: "store \(path): \(error)")
        }
    }
}

/// The process's logging: to stderr, level from `LEADGATE_LOG_LEVEL` (default `warning`,
/// so commands print only their results). Info-level messages carry no personal data.
enum Log {
    private static let bootstrapped: Void = {
        let level = ProcessInfo.processInfo.environment["LEADGATE_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }()

    static func logger(_ label: String) -> Logger {
        _ = bootstrapped
        return Logger(label: label)
    }
}

/// Runs a command body, turning `CommandFailure` into its error line and exit code.
func reportingFailures(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let failure as CommandFailure {
        throw failure.report()
    } catch let error as StoreError {
        throw CommandFailure.storeFailure(error, path: "").report()
    }
}
