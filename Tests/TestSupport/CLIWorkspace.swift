import Foundation

/// A folder for one test: a store path, input files, and the sqlite3 shell to inspect the store.
public final class CLIWorkspace {
    public let folder: URL
    public var store: String { folder.appendingPathComponent("store/leads.sqlite").path }
    public var input: URL { folder.appendingPathComponent("in") }

    public init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("leadgate-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("in"), withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    @discardableResult
    public func write(_ relative: String, _ bytes: [UInt8]) throws -> String {
        let url = input.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
        return url.path
    }

    @discardableResult
    public func write(_ relative: String, _ text: String) throws -> String { try write(relative, Array(text.utf8)) }

    /// `count` cards from Benchmarks/make_cards.py in `files` files under `relative`.
    public func generateCards(_ count: Int, files: Int, into relative: String = "cards") throws {
        let script = LeadgateBinary.packageRoot.appendingPathComponent("Benchmarks/make_cards.py").path
        let result = try Self.runTool("/usr/bin/env", ["python3", script, "\(count)", input.appendingPathComponent(relative).path,
                                                       "--files", "\(files)"])
        guard result.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSDebugDescriptionErrorKey: result.output]) }
    }

    /// Runs leadgate with this workspace's store.
    public func leadgate(_ arguments: [String], stdin: Data? = nil) throws -> LeadgateBinary.Result {
        try LeadgateBinary.run(arguments + ["--store", store], stdin: stdin)
    }

    /// One query through the sqlite3 shell: rows, columns separated by `|`.
    public func sql(_ query: String) throws -> [String] {
        let result = try Self.runTool("/usr/bin/sqlite3", ["-bail", store, query])
        guard result.status == 0 else { throw CocoaError(.fileReadUnknown, userInfo: [NSDebugDescriptionErrorKey: result.output]) }
        return result.output.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }

    public func count(_ query: String) throws -> Int { Int(try sql(query).first ?? "") ?? -1 }

    public static func runTool(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = try SpawnedProcess(executable, arguments)
        let status = try process.waitBlocking()
        return (status, process.stdout + process.stderr)
    }
}
