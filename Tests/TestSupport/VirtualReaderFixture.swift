import Foundation

/// End-to-end fixtures for the reader code: the test process's own pcscd with vpcd
/// (``PrivatePCSCD``), virtual tags (``VirtualTag``) and the leadgate binary. Suites that use
/// them carry the `.virtualReaders` trait.
public enum VirtualReaderFixture {
    public static let slot0 = "Virtual PCD 00 00"
    public static let slot1 = "Virtual PCD 00 01"

    public static let packageRoot = ChildProcess.packageRoot

    /// What the fixtures' scripts understood before pcscd became private: `start`, `stop` and
    /// `kill` (the same now: stop ours), `restart`, and `own` (nothing left to take over).
    public static func pcscd(_ command: String) async throws {
        let pcscd = PrivatePCSCD.shared
        switch command {
        case "start": try await pcscd.start()
        case "stop", "kill": await pcscd.stop()
        case "restart": try await pcscd.restart()
        case "own": break
        default: throw HarnessFailure("unknown pcscd command \(command)")
        }
    }

    /// `pcscd(command)` under the TagReaders tests' old name.
    @discardableResult
    public static func control(_ command: String) async throws -> String {
        try await pcscd(command)
        return ""
    }

    /// Starts a virtual tag (`Hardware/virtual_tag.py ARGUMENTS`); the suite stops what is left.
    public static func tag(_ arguments: [String]) throws -> SpawnedProcess {
        try VirtualTag(arguments).process
    }

    /// Runs the leadgate binary to its end.
    public static func leadgate(_ arguments: [String], timeout: Duration = .seconds(60)) async throws -> (status: Int32, stdout: String, stderr: String) {
        try await SpawnedProcess.run(LeadgateBinary.url.path, arguments, timeout: timeout)
    }

    /// Waits until pcscd no longer shows a tag on the virtual readers, so the next test starts clean.
    public static func waitUntilReadersAreEmpty() async throws {
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline {
            let result = try await leadgate(["readers", "--json"])
            if result.status == 0, !result.stdout.contains("\"tag_present\":true") { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw HarnessFailure("a virtual reader still shows a tag")
    }

    /// One suite at a time drives the process's pcscd and its virtual readers.
    static let turns = AsyncTurns()
}

/// The TagReaders tests' name for the same fixtures.
public typealias VirtualReaders = VirtualReaderFixture
