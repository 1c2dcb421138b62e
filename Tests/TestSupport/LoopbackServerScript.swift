import Foundation

/// A Python server script under Hardware/ that prints its port on stdout once it listens
/// on loopback (webhook_receiver.py, profile_server.py): started, and its port read.
enum LoopbackServerScript {
    static func start(_ script: String, _ arguments: [String], folder: URL) async throws -> (process: ChildProcess.Running, port: String) {
        let portFile = folder.appendingPathComponent("port")
        let path = ChildProcess.packageRoot.appendingPathComponent("Hardware/\(script)").path
        let process = try ChildProcess.spawn("/usr/bin/env", ["python3", path] + arguments, stdout: portFile.path)
        var port = ""
        for _ in 0..<250 where port.isEmpty {
            try await Task.sleep(for: .milliseconds(20))
            port = ((try? String(contentsOf: portFile, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard !port.isEmpty else {
            process.kill()
            throw HarnessFailure("\(script) did not start")
        }
        return (process, port)
    }
}
