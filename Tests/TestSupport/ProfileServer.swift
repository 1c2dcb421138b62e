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
        let (process, port) = try await LoopbackServerScript.start("profile_server.py", [], folder: folder)
        self.process = process
        base = "http://127.0.0.1:\(port)"
    }

    deinit {
        process.kill()
        try? FileManager.default.removeItem(at: folder)
    }

    public func url(_ path: String) -> String { base + "/" + path }
}
