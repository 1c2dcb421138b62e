import Foundation
import Synchronization
import Testing

// End-to-end fixtures for the reader commands: pcscd with vpcd (Hardware/pcscd-vpcd.sh), the
// virtual tag (Hardware/virtual_tag.py) and the leadgate binary, each a child process. They
// mirror Tests/TagReadersTests/VirtualReaders.swift: test targets cannot share a helper target
// without a change to Package.swift.

/// A child process started with posix_spawn and reaped with waitpid.
///
/// Not Foundation's Process: in the test process its exit monitoring can miss SIGCHLD (the
/// child stays a zombie, waitUntilExit never returns), and a child inherits the signal mask of
/// the starting thread, so a blocked SIGTERM could not stop it.
final class SpawnedProcess: Sendable {
    let pid: pid_t
    let stdoutPath: String
    let stderrPath: String
    private let exitStatus = Mutex<Int32?>(nil)

    init(_ executable: String, _ arguments: [String], environment: [String: String] = [:], stdinPath: String = "/dev/null") throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("leadgate-e2e-\(UUID().uuidString)").path
        stdoutPath = base + ".stdout"
        stderrPath = base + ".stderr"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdinPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGCHLD, SIGPIPE] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else { throw FixtureFailure("cannot start \(executable): error \(result)") }
        self.pid = pid
    }

    /// The output files hold what the child printed (cards, among others): they go with the last reference.
    deinit {
        try? FileManager.default.removeItem(atPath: stdoutPath)
        try? FileManager.default.removeItem(atPath: stderrPath)
    }

    var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// The exit status (128 + N for signal N), or `nil` while running.
    var status: Int32? {
        exitStatus.withLock { known in
            if known == nil {
                var raw: Int32 = 0
                if waitpid(pid, &raw, WNOHANG) == pid {
                    known = raw & 0x7F == 0 ? (raw >> 8) & 0xFF : 128 + (raw & 0x7F)
                }
            }
            return known
        }
    }

    /// Waits on this thread (for synchronous tests); kills the process if it outlives `timeout`.
    @discardableResult
    func waitBlocking(timeout: Duration = .seconds(300)) throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while status == nil {
            if ContinuousClock.now > deadline {
                kill(pid, SIGKILL)
                throw FixtureFailure("process \(pid) did not exit within \(timeout); stderr: \(stderr)")
            }
            usleep(5_000)
        }
        return status ?? -1
    }

    /// Waits for the process to end; kills it if it outlives `timeout`.
    @discardableResult
    func wait(timeout: Duration = .seconds(60)) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while status == nil {
            if ContinuousClock.now > deadline {
                kill(pid, SIGKILL)
                try await Task.sleep(for: .milliseconds(100))
                throw FixtureFailure("process \(pid) did not exit within \(timeout); stderr: \(stderr)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return status ?? -1
    }

    /// Stops it with SIGTERM (then SIGKILL) and waits.
    func stop() async {
        guard status == nil else { return }
        kill(pid, SIGTERM)
        if (try? await wait(timeout: .seconds(5))) == nil { _ = status }
    }

    /// Runs a program to its end.
    static func run(_ executable: String, _ arguments: [String], timeout: Duration = .seconds(60),
                    environment: [String: String] = [:]) async throws -> (status: Int32, stdout: String, stderr: String) {
        let process = try SpawnedProcess(executable, arguments, environment: environment)
        let status = try await process.wait(timeout: timeout)
        return (status, process.stdout, process.stderr)
    }
}

struct FixtureFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

enum VirtualReaderFixture {
    static let slot0 = "Virtual PCD 00 00"
    static let slot1 = "Virtual PCD 00 01"

    static let tags = Mutex<[SpawnedProcess]>([])

    /// Runs `Hardware/pcscd-vpcd.sh COMMAND`.
    static func pcscd(_ command: String) async throws {
        let script = LeadgateBinary.packageRoot.appendingPathComponent("Hardware/pcscd-vpcd.sh").path
        let result = try await SpawnedProcess.run("/bin/bash", [script, command])
        guard result.status == 0 else { throw FixtureFailure("pcscd-vpcd.sh \(command) exited \(result.status): \(result.stderr)") }
    }

    /// Starts a virtual tag (`Hardware/virtual_tag.py ARGUMENTS`); the suite stops what is left.
    static func tag(_ arguments: [String]) throws -> SpawnedProcess {
        let script = LeadgateBinary.packageRoot.appendingPathComponent("Hardware/virtual_tag.py").path
        let tag = try SpawnedProcess("/usr/bin/env", ["python3", "-u", script] + arguments)
        tags.withLock { $0.append(tag) }
        return tag
    }

    /// Runs the leadgate binary to its end.
    static func leadgate(_ arguments: [String], timeout: Duration = .seconds(60)) async throws -> (status: Int32, stdout: String, stderr: String) {
        try await SpawnedProcess.run(LeadgateBinary.url.path, arguments, timeout: timeout)
    }

    /// Waits until pcscd no longer shows a tag on the virtual readers, so the next test starts clean.
    static func waitUntilReadersAreEmpty() async throws {
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline {
            let result = try await leadgate(["readers", "--json"])
            if result.status == 0, !result.stdout.contains("\"tag_present\":true") { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw FixtureFailure("a virtual reader still shows a tag")
    }
}

/// An exclusive lock on /tmp/leadgate-vpcd.lock, shared with the TagReaders end-to-end suite:
/// pcscd and vpcd's ports are one per machine.
final class VPCDLock: Sendable {
    private let descriptor: Int32

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    static func acquire() async -> VPCDLock {
        await withCheckedContinuation { continuation in
            // flock blocks, so it waits on a thread of its own.
            let thread = Thread {
                let descriptor = open("/tmp/leadgate-vpcd.lock", O_CREAT | O_RDWR | O_CLOEXEC, 0o666)
                if descriptor >= 0 { _ = flock(descriptor, LOCK_EX) }
                continuation.resume(returning: VPCDLock(descriptor: descriptor))
            }
            thread.start()
        }
    }

    func release() {
        guard descriptor >= 0 else { return }
        _ = flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}

/// pcscd with vpcd for a whole suite, under the machine lock; afterwards the virtual tags are
/// stopped and the pcscd this started is stopped too.
struct VirtualReaderSuiteTrait: SuiteTrait, TestScoping {
    var isRecursive: Bool { false }

    func provideScope(for test: Test, testCase: Test.Case?,
                      performing function: @Sendable () async throws -> Void) async throws {
        let lock = await VPCDLock.acquire()
        defer { lock.release() }
        var failure: (any Error)?
        do {
            try await VirtualReaderFixture.pcscd("start")
            try await function()
        } catch {
            failure = error
        }
        for tag in VirtualReaderFixture.tags.withLock({ $0 }) { await tag.stop() }
        VirtualReaderFixture.tags.withLock { $0 = [] }
        try? await VirtualReaderFixture.pcscd("stop")
        if let failure { throw failure }
    }
}

extension Trait where Self == VirtualReaderSuiteTrait {
    static var virtualReaders: Self { Self() }
}
