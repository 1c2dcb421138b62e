import Foundation

/// Runs the real `leadgate` executable that `swift test` built next to the test bundle.
struct LeadgateBinary {
    struct Result {
        var status: Int32
        var stdout: Data
        var stderr: String
        var stdoutText: String { String(decoding: stdout, as: UTF8.self) }

        func json() throws -> [String: Any] {
            guard let object = try JSONSerialization.jsonObject(with: stdout) as? [String: Any] else {
                throw CocoaError(.propertyListReadCorrupt)
            }
            return object
        }
    }

    static let url: URL = {
        // The test bundle and the products share one build folder.
        if let override = ProcessInfo.processInfo.environment["LEADGATE_BINARY"] { return URL(fileURLWithPath: override) }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("leadgate")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return packageRoot.appendingPathComponent(".build/debug/leadgate")
    }()

    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Runs the binary to its end. Through posix_spawn and waitpid (SpawnedProcess), not
    /// Foundation's Process, which in the test process can miss a child's exit and hang.
    static func run(_ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:]) throws -> Result {
        let inPath = FileManager.default.temporaryDirectory.appendingPathComponent("leadgate-stdin-\(UUID().uuidString)").path
        FileManager.default.createFile(atPath: inPath, contents: stdin ?? Data())
        defer { try? FileManager.default.removeItem(atPath: inPath) }
        let process = try SpawnedProcess(url.path, arguments, environment: environment, stdinPath: inPath)
        let status = try process.waitBlocking()
        let stdoutData = (try? Data(contentsOf: URL(fileURLWithPath: process.stdoutPath))) ?? Data()
        let stderrData = (try? Data(contentsOf: URL(fileURLWithPath: process.stderrPath))) ?? Data()
        try? FileManager.default.removeItem(atPath: process.stdoutPath)
        try? FileManager.default.removeItem(atPath: process.stderrPath)
        return Result(status: status, stdout: stdoutData, stderr: String(decoding: stderrData, as: UTF8.self))
    }
}
