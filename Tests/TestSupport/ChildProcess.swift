import Foundation
import Synchronization

/// Runs helper programs (the cluster script, the receiver, the leadgate binary) with
/// posix_spawn and reaps them with wait4 on a thread of their own.
///
/// Not Foundation's `Process`: on Linux its exit notification was lost when several tests
/// spawned at once (the child stayed a zombie and the test waited forever), and its children
/// inherit the spawning pool thread's blocked signals, so SIGTERM could not stop them.
public enum ChildProcess {
    public struct Output: Sendable {
        /// The exit code, or 128 + the signal that ended it.
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// A started program: its pid and, once it ends, its status.
    public struct Running: Sendable {
        public let pid: pid_t
        public let exit: Task<Int32, Never>
        private let ending: Ending

        fileprivate init(pid: pid_t, exit: Task<Int32, Never>, ending: Ending) {
            self.pid = pid
            self.exit = exit
            self.ending = ending
        }

        public func kill(_ signal: Int32 = SIGKILL) { _ = Glibc.kill(pid, signal) }

        /// The exit status (128 + N for signal N) once the program has ended and been reaped;
        /// nil while it runs. Does not wait.
        public var status: Int32? { ending.value.withLock { $0?.status } }

        /// Its peak resident set size in kilobytes (ru_maxrss), once it has ended.
        public var peakRSSKilobytes: Int? { ending.value.withLock { $0?.peakRSSKilobytes } }
    }

    /// What the reaper thread learnt when the child ended, and who waits for it.
    fileprivate final class Ending: Sendable {
        struct Value { var status: Int32; var peakRSSKilobytes: Int }
        let value = Mutex<Value?>(nil)
        private let waiters = Mutex<[CheckedContinuation<Int32, Never>]>([])

        func finish(_ ended: Value) {
            let waiting = waiters.withLock { waiters in
                value.withLock { $0 = ended }
                defer { waiters = [] }
                return waiters
            }
            for waiter in waiting { waiter.resume(returning: ended.status) }
        }

        func wait() async -> Int32 {
            await withCheckedContinuation { continuation in
                let known = waiters.withLock { waiters in
                    let known = value.withLock { $0?.status }
                    if known == nil { waiters.append(continuation) }
                    return known
                }
                if let known { continuation.resume(returning: known) }
            }
        }
    }

    public static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Starts `executable` with stdin from `stdin` (default /dev/null) and stdout/stderr to the
    /// given files (or /dev/null), with no signal blocked.
    ///
    /// The child gets this process's environment, then ``PrivatePCSCD/clientEnvironment`` (so a
    /// leadgate child talks to the tests' own pcscd, never the machine's), then `environment`;
    /// the variables named in `unsetting` are left out.
    public static func spawn(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                             unsetting: Set<String> = [], stdin: String? = nil,
                             stdout: String? = nil, stderr: String? = nil) throws -> Running {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin ?? "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var env = ProcessInfo.processInfo.environment
        for (key, value) in PrivatePCSCD.clientEnvironment { env[key] = value }
        for (key, value) in environment { env[key] = value }
        for key in unsetting { env[key] = nil }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else { throw HarnessFailure("posix_spawn \(executable): \(String(cString: strerror(result)))") }
        let ending = Ending()
        reap(pid, into: ending)
        return Running(pid: pid, exit: Task { await ending.wait() }, ending: ending)
    }

    /// Runs a program to its end; its output as text.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) async throws -> Output {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("leadgate-child-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("stdout").path, err = dir.appendingPathComponent("stderr").path
        let running = try spawn(executable, arguments, environment: environment, stdout: out, stderr: err)
        let status = await running.exit.value
        return Output(status: status, stdout: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
                      stderr: (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
    }

    /// Runs the `leadgate` executable built beside the test bundle.
    public static func leadgate(_ arguments: [String], environment: [String: String] = [:]) async throws -> Output {
        try await run(leadgateURL.path, arguments, environment: environment)
    }

    public static let leadgateURL: URL = {
        if let override = ProcessInfo.processInfo.environment["LEADGATE_BINARY"] { return URL(fileURLWithPath: override) }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("leadgate")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return packageRoot.appendingPathComponent(".build/debug/leadgate")
    }()

    /// Waits for `pid` on a thread of its own (wait4 blocks), started at once so that the
    /// status is known even while the cooperative pool is busy; 128 + signal when killed.
    private static func reap(_ pid: pid_t, into ending: Ending) {
        let thread = Thread {
            var status: Int32 = 0
            var usage = rusage()
            while wait4(pid, &status, 0, &usage) == -1 {
                guard errno == EINTR else {
                    ending.finish(.init(status: -1, peakRSSKilobytes: 0))
                    return
                }
            }
            let signal = status & 0x7F
            ending.finish(.init(status: signal == 0 ? (status >> 8) & 0xFF : 128 + signal,
                                peakRSSKilobytes: Int(usage.ru_maxrss)))
        }
        thread.start()
    }
}

/// A failure of the test's own machinery (a script that did not start), not of the code under test.
public struct HarnessFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// The names the end-to-end fixtures gave their failures before they moved here.
public typealias FixtureFailure = HarnessFailure
public typealias VirtualReaderFailure = HarnessFailure
public typealias TmuxFailure = HarnessFailure
