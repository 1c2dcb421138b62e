import Foundation
import Glibc

/// A `leadgate` child started with posix_spawn, so the test can kill it mid-run and read
/// its peak memory from wait4 (Foundation's Process reaps without giving the rusage).
final class SpawnedLeadgate {
    struct Exit {
        /// The exit code, or nil when a signal ended it.
        var status: Int32?
        var signal: Int32?
        /// Peak resident set size in kilobytes (ru_maxrss).
        var peakRSSKilobytes: Int
        var stdout: String
        var stderr: String
    }

    let pid: pid_t
    let folder: URL
    private var exit: Exit?

    init(_ arguments: [String], stdinPath: String = "/dev/null") throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("leadgate-spawn-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdinPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, folder.appendingPathComponent("stdout").path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, folder.appendingPathComponent("stderr").path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv = [LeadgateBinary.url.path] + arguments
        var cArgs = argv.map { strdup($0) } + [nil]
        defer { for p in cArgs { free(p) } }
        let environment = ProcessInfo.processInfo.environment.filter { $0.key != "LEADGATE_LOG_LEVEL" }.map { "\($0.key)=\($0.value)" }
        var cEnv = environment.map { strdup($0) } + [nil]
        defer { for p in cEnv { free(p) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, argv[0], &actions, nil, &cArgs, &cEnv)
        guard rc == 0 else { throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .EIO) }
        pid = child
    }

    deinit {
        if exit == nil { Glibc.kill(pid, SIGKILL); _ = try? wait() }
        try? FileManager.default.removeItem(at: folder)
    }

    func kill(_ signal: Int32) { _ = Glibc.kill(pid, signal) }

    /// Waits for the child to end (once) and collects what it left.
    @discardableResult
    func wait() throws -> Exit {
        if let exit { return exit }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            guard errno == EINTR else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .ECHILD) }
        }
        let signal = status & 0x7F
        let result = Exit(status: signal == 0 ? (status >> 8) & 0xFF : nil, signal: signal == 0 ? nil : signal,
                          peakRSSKilobytes: Int(usage.ru_maxrss),
                          stdout: (try? String(contentsOf: folder.appendingPathComponent("stdout"), encoding: .utf8)) ?? "",
                          stderr: (try? String(contentsOf: folder.appendingPathComponent("stderr"), encoding: .utf8)) ?? "")
        exit = result
        return result
    }
}

/// A folder for one test: a store path, input files, and the sqlite3 shell to inspect the store.
final class CLIWorkspace {
    let folder: URL
    var store: String { folder.appendingPathComponent("store/leads.sqlite").path }
    var input: URL { folder.appendingPathComponent("in") }

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("leadgate-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("in"), withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    @discardableResult
    func write(_ relative: String, _ bytes: [UInt8]) throws -> String {
        let url = input.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
        return url.path
    }

    @discardableResult
    func write(_ relative: String, _ text: String) throws -> String { try write(relative, Array(text.utf8)) }

    /// `count` cards from Benchmarks/make_cards.py in `files` files under `relative`.
    func generateCards(_ count: Int, files: Int, into relative: String = "cards") throws {
        let script = LeadgateBinary.packageRoot.appendingPathComponent("Benchmarks/make_cards.py").path
        let result = try Self.runTool("/usr/bin/env", ["python3", script, "\(count)", input.appendingPathComponent(relative).path,
                                                       "--files", "\(files)"])
        guard result.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSDebugDescriptionErrorKey: result.output]) }
    }

    /// Runs leadgate with this workspace's store.
    func leadgate(_ arguments: [String], stdin: Data? = nil) throws -> LeadgateBinary.Result {
        try LeadgateBinary.run(arguments + ["--store", store], stdin: stdin)
    }

    /// One query through the sqlite3 shell: rows, columns separated by `|`.
    func sql(_ query: String) throws -> [String] {
        let result = try Self.runTool("/usr/bin/sqlite3", ["-bail", store, query])
        guard result.status == 0 else { throw CocoaError(.fileReadUnknown, userInfo: [NSDebugDescriptionErrorKey: result.output]) }
        return result.output.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }

    func count(_ query: String) throws -> Int { Int(try sql(query).first ?? "") ?? -1 }

    static func runTool(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = try SpawnedProcess(executable, arguments)
        let status = try process.waitBlocking()
        defer {
            try? FileManager.default.removeItem(atPath: process.stdoutPath)
            try? FileManager.default.removeItem(atPath: process.stderrPath)
        }
        return (status, process.stdout + process.stderr)
    }
}

enum CardText {
    static func vCard(_ name: String, email: String, extra: [String] = []) -> String {
        (["BEGIN:VCARD", "VERSION:3.0", "FN:\(name)", "EMAIL:\(email)"] + extra + ["END:VCARD"]).map { $0 + "\r\n" }.joined()
    }

    static let torn = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Torn Person\r\nEMAIL:torn@acme.example\r\nTEL:+1 415 55"
}
