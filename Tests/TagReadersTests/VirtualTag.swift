import Foundation
import Synchronization

/// Hardware/virtual_tag.py as a child process: a tag on a vpcd slot, with the JSON lines it
/// prints (one per command answered) collected for the test to look at.
final class VirtualTag: Sendable {
    struct Event: Decodable, Sendable {
        var event: String
        var tap: Int?
        var n: Int?
        var apdus: Int?
        var command: String?
        var reason: String?
        var kind: String?
        var minimum: Int?
        var apdusPerTap: [Int]?

        enum CodingKeys: String, CodingKey {
            case event, tap, n, apdus, command, reason, kind, minimum
            case apdusPerTap = "apdus_per_tap"
        }
    }

    private static let running = Mutex<[VirtualTag]>([])

    let pid: pid_t
    /// Where the tag writes its JSON lines.
    let logPath: String
    private let stderrPath: String
    private let exitStatus = Mutex<Int32?>(nil)

    /// Starts `virtual_tag.py` with these arguments.
    init(_ arguments: [String]) throws {
        let script = VirtualReaders.packageRoot.appendingPathComponent("Hardware/virtual_tag.py").path
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("leadgate-tag-\(UUID().uuidString)").path
        logPath = base + ".jsonl"
        stderrPath = base + ".stderr"
        pid = try ChildProcess.spawn("/usr/bin/env", ["python3", "-u", script] + arguments, stdout: logPath, stderr: stderrPath)
        Self.running.withLock { $0.append(self) }
    }

    /// The log holds what the tag served (cards): it goes with the last reference.
    deinit {
        try? FileManager.default.removeItem(atPath: logPath)
        try? FileManager.default.removeItem(atPath: stderrPath)
    }

    var events: [Event] {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { try? JSONDecoder().decode(Event.self, from: Data($0.utf8)) }
    }

    /// The commands the tag answered, in order.
    var commands: [String] { events.filter { $0.event == "apdu" }.compactMap(\.command) }

    var isRunning: Bool {
        exitStatus.withLock { status in
            if status == nil { status = ChildProcess.status(of: pid, waiting: false) }
            return status == nil
        }
    }

    /// Waits until the tag has printed `count` events named `name`.
    @discardableResult
    func waitFor(_ name: String, count: Int = 1, timeout: Duration = .seconds(15)) async throws -> Event {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let matching = events.filter { $0.event == name }
            if matching.count >= count { return matching[count - 1] }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw VirtualReaderFailure("the virtual tag printed no \(name) event within \(timeout); it printed: \(events.map(\.event))")
    }

    /// Takes the tag away (SIGTERM: it prints its summary and leaves) and waits for it to exit.
    @discardableResult
    func stop() async -> Event? {
        if isRunning { kill(pid, SIGTERM) }
        let deadline = ContinuousClock.now + .seconds(5)
        while isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if isRunning {
            kill(pid, SIGKILL)
            exitStatus.withLock { $0 = ChildProcess.status(of: pid, waiting: true) }
        }
        Self.running.withLock { $0.removeAll { $0 === self } }
        return events.last { $0.event == "summary" }
    }

    /// Waits for the tag to leave on its own (after `--hold`, `--taps` or `--remove-after`).
    @discardableResult
    func waitForExit(timeout: Duration = .seconds(30)) async throws -> Event? {
        let deadline = ContinuousClock.now + timeout
        while isRunning {
            guard ContinuousClock.now < deadline else { throw VirtualReaderFailure("the virtual tag did not exit within \(timeout)") }
            try await Task.sleep(for: .milliseconds(20))
        }
        return await stop()
    }

    /// Stops every tag a test left running.
    static func stopAll() async {
        for tag in running.withLock({ $0 }) { await tag.stop() }
    }
}
