import Foundation
import Synchronization

/// Hardware/virtual_tag.py as a child process: a tag on a vpcd slot of the tests' pcscd
/// (``PrivatePCSCD``: the port comes from the environment), with the JSON lines it prints (one
/// per command answered) collected for the test to look at.
public final class VirtualTag: Sendable {
    public struct Event: Decodable, Sendable {
        public var event: String
        public var tap: Int?
        public var n: Int?
        public var apdus: Int?
        public var command: String?
        public var reason: String?
        public var kind: String?
        public var minimum: Int?
        public var apdusPerTap: [Int]?

        enum CodingKeys: String, CodingKey {
            case event, tap, n, apdus, command, reason, kind, minimum
            case apdusPerTap = "apdus_per_tap"
        }
    }

    /// The tags started and not stopped yet: the suite's trait stops what a test left.
    private static let running = Mutex<[VirtualTag]>([])

    /// The script's process; its stdout is the JSON lines.
    public let process: SpawnedProcess
    public var pid: pid_t { process.pid }
    /// Where the tag writes its JSON lines.
    public var logPath: String { process.stdoutPath }

    /// Starts `virtual_tag.py` with these arguments.
    public init(_ arguments: [String]) throws {
        let script = ChildProcess.packageRoot.appendingPathComponent("Hardware/virtual_tag.py").path
        process = try SpawnedProcess("/usr/bin/env", ["python3", "-u", script] + arguments)
        Self.running.withLock { $0.append(self) }
    }

    public var events: [Event] {
        process.stdout.split(separator: "\n").compactMap { try? JSONDecoder().decode(Event.self, from: Data($0.utf8)) }
    }

    /// The commands the tag answered, in order.
    public var commands: [String] { events.filter { $0.event == "apdu" }.compactMap(\.command) }

    public var isRunning: Bool { process.status == nil }

    /// Waits until the tag has printed `count` events named `name`.
    @discardableResult
    public func waitFor(_ name: String, count: Int = 1, timeout: Duration = .seconds(15)) async throws -> Event {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let matching = events.filter { $0.event == name }
            if matching.count >= count { return matching[count - 1] }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw HarnessFailure("the virtual tag printed no \(name) event within \(timeout); it printed: \(events.map(\.event))")
    }

    /// Takes the tag away (SIGTERM: it prints its summary and leaves) and waits for it to exit.
    @discardableResult
    public func stop() async -> Event? {
        await process.stop()
        Self.running.withLock { $0.removeAll { $0 === self } }
        return events.last { $0.event == "summary" }
    }

    /// Waits for the tag to leave on its own (after `--hold`, `--taps` or `--remove-after`).
    @discardableResult
    public func waitForExit(timeout: Duration = .seconds(30)) async throws -> Event? {
        let deadline = ContinuousClock.now + timeout
        while isRunning {
            guard ContinuousClock.now < deadline else { throw HarnessFailure("the virtual tag did not exit within \(timeout)") }
            try await Task.sleep(for: .milliseconds(20))
        }
        return await stop()
    }

    /// Stops every tag a test left running.
    public static func stopAll() async {
        for tag in running.withLock({ $0 }) { await tag.stop() }
    }
}
