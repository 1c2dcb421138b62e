import Foundation

/// Hardware/profile_server.py on a free loopback port: profile pages (vCard link, vCard,
/// JSON-LD, h-card) and hostile ones (10 MB, a redirect loop, redirects to private and
/// link-local addresses, a slow answer), for the profile-link tests.
public final class ProfileServer: Sendable {
    /// `http://127.0.0.1:PORT`, no trailing slash.
    public let base: String
    private let process: ChildProcess.Running
    private let folder: URL

    public init() async throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("leadgate-profiles-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let portFile = folder.appendingPathComponent("port")
        let script = ChildProcess.packageRoot.appendingPathComponent("Hardware/profile_server.py").path
        let process = try ChildProcess.spawn("/usr/bin/env", ["python3", script], stdout: portFile.path)
        self.process = process
        var port = ""
        for _ in 0..<250 where port.isEmpty {
            try await Task.sleep(for: .milliseconds(20))
            port = ((try? String(contentsOf: portFile, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard !port.isEmpty else {
            process.kill()
            throw HarnessFailure("profile_server.py did not start")
        }
        base = "http://127.0.0.1:\(port)"
    }

    deinit {
        process.kill()
        try? FileManager.default.removeItem(at: folder)
    }

    public func url(_ path: String) -> String { base + "/" + path }
}
