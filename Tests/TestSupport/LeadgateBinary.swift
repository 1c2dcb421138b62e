import Foundation

/// Runs the real `leadgate` executable that `swift test` built next to the test bundle.
public struct LeadgateBinary {
    public struct Result {
        public var status: Int32
        public var stdout: Data
        public var stderr: String
        public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }

        public func json() throws -> [String: Any] {
            guard let object = try JSONSerialization.jsonObject(with: stdout) as? [String: Any] else {
                throw CocoaError(.propertyListReadCorrupt)
            }
            return object
        }
    }

    public static var url: URL { ChildProcess.leadgateURL }
    public static var packageRoot: URL { ChildProcess.packageRoot }

    /// Runs the binary to its end, waiting on this thread (for synchronous tests).
    public static func run(_ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:]) throws -> Result {
        let inPath = FileManager.default.temporaryDirectory.appendingPathComponent("leadgate-stdin-\(UUID().uuidString)").path
        _ = FileManager.default.createFile(atPath: inPath, contents: stdin ?? Data())
        defer { try? FileManager.default.removeItem(atPath: inPath) }
        let process = try SpawnedProcess(url.path, arguments, environment: environment, stdinPath: inPath)
        let status = try process.waitBlocking()
        return Result(status: status, stdout: process.stdoutData, stderr: process.stderr)
    }
}
