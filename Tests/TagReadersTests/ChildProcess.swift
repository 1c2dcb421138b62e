import Foundation

/// Starts helper programs (the pcscd script, the virtual tag) with posix_spawn and reaps them
/// with waitpid.
///
/// Not Foundation's Process: in a test process its exit monitoring can miss SIGCHLD (the
/// child stays a zombie and waitUntilExit never returns), and its children inherit the signal
/// mask of whichever thread started them, so a blocked SIGTERM could not stop a virtual tag.
enum ChildProcess {
    struct Output: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Starts a program with stdin from /dev/null and stdout, stderr into files.
    static func spawn(_ executable: String, _ arguments: [String], stdout: String, stderr: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
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
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        guard result == 0 else { throw VirtualReaderFailure("cannot start \(executable): error \(result)") }
        return pid
    }

    /// The exit status (128 + N for signal N) once the process has ended; `nil` while it runs.
    static func status(of pid: pid_t, waiting: Bool) -> Int32? {
        var status: Int32 = 0
        let result = waitpid(pid, &status, waiting ? 0 : WNOHANG)
        if result == 0 { return nil }
        if result < 0 { return errno == EINTR ? (waiting ? Self.status(of: pid, waiting: true) : nil) : -1 }
        return status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    }

    /// Runs a program to its end, waiting on a thread of its own.
    static func run(_ executable: String, _ arguments: [String]) async throws -> Output {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("leadgate-child-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("stdout").path, err = dir.appendingPathComponent("stderr").path
        let pid = try spawn(executable, arguments, stdout: out, stderr: err)
        let exitStatus: Int32 = await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: Self.status(of: pid, waiting: true) ?? -1) }
            thread.start()
        }
        return Output(status: exitStatus, stdout: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
                      stderr: (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
    }
}
