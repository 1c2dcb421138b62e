import Foundation

/// A ``ChildProcess`` whose stdout and stderr go to files of its own, for tests that watch a
/// running program (a virtual tag, `leadgate read`) and read what it printed so far.
public final class SpawnedProcess: Sendable {
    public let pid: pid_t
    public let stdoutPath: String
    public let stderrPath: String
    private let running: ChildProcess.Running

    public init(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                unsetting: Set<String> = [], stdinPath: String = "/dev/null") throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("leadgate-e2e-\(UUID().uuidString)").path
        stdoutPath = base + ".stdout"
        stderrPath = base + ".stderr"
        running = try ChildProcess.spawn(executable, arguments, environment: environment, unsetting: unsetting,
                                         stdin: stdinPath, stdout: stdoutPath, stderr: stderrPath)
        pid = running.pid
    }

    /// The output files hold what the child printed (cards, among others): they go with the last reference.
    deinit {
        try? FileManager.default.removeItem(atPath: stdoutPath)
        try? FileManager.default.removeItem(atPath: stderrPath)
    }

    public var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    public var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }
    public var stdoutData: Data { (try? Data(contentsOf: URL(fileURLWithPath: stdoutPath))) ?? Data() }

    /// The exit status (128 + N for signal N), or `nil` while running.
    public var status: Int32? { running.status }

    /// Peak resident set size in kilobytes, once it has ended.
    public var peakRSSKilobytes: Int? { running.peakRSSKilobytes }

    public func kill(_ signal: Int32 = SIGKILL) { running.kill(signal) }

    /// Waits on this thread (for synchronous tests); kills the process if it outlives `timeout`.
    @discardableResult
    public func waitBlocking(timeout: Duration = .seconds(300)) throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while status == nil {
            if ContinuousClock.now > deadline {
                kill()
                throw HarnessFailure("process \(pid) did not exit within \(timeout); stderr: \(stderr)")
            }
            usleep(5_000)
        }
        return status ?? -1
    }

    /// Waits for the process to end; kills it if it outlives `timeout`.
    @discardableResult
    public func wait(timeout: Duration = .seconds(60)) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while status == nil {
            if ContinuousClock.now > deadline {
                kill()
                _ = await running.exit.value
                throw HarnessFailure("process \(pid) did not exit within \(timeout); stderr: \(stderr)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return status ?? -1
    }

    /// Stops it with SIGTERM, then SIGKILL after five seconds, and waits.
    public func stop() async {
        guard status == nil else { return }
        kill(SIGTERM)
        _ = try? await wait(timeout: .seconds(5))
    }

    /// Runs a program to its end.
    public static func run(_ executable: String, _ arguments: [String], timeout: Duration = .seconds(60),
                           environment: [String: String] = [:]) async throws -> (status: Int32, stdout: String, stderr: String) {
        let process = try SpawnedProcess(executable, arguments, environment: environment)
        let status = try await process.wait(timeout: timeout)
        return (status, process.stdout, process.stderr)
    }
}
