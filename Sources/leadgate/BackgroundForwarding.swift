import Foundation
import Forwarding
import LeadStore
import Synchronization

/// The forwarder running beside booth, demo (and kiosk) mode: `leadgate forward` as a child
/// process on the same store.
///
/// A process rather than a task so a stuck network call or a crash in a sink can never stall
/// or take down the screen the rep types into; the two share the store through SQLite's WAL,
/// and the booth header reads the outbox state the forwarder records there.
///
/// The child dies with its parent (see ForwarderParent): it is started from a thread of its
/// own that then waits for it, because the kernel's parent-death signal follows the thread
/// that started the child, and a thread of the shared pool may end while the booth runs on.
/// The destination goes to the child in its environment (`LEADGATE_FORWARD`), never in its
/// arguments, which any user can read with `ps`.
final class BackgroundForwarding: Sendable {
    let pid: pid_t
    private let child: ChildState

    private init(pid: pid_t, child: ChildState) {
        self.pid = pid
        self.child = child
    }

    var isRunning: Bool { !child.exited.load(ordering: .acquiring) }

    /// Opens the store and starts the forwarder beside it, as booth and demo mode do; a
    /// failure of either is reported and becomes the exit code.
    static func openStore(_ options: StoreOptions, forwardingTo destination: String?) throws -> (LeadStore, BackgroundForwarding?) {
        do {
            let store = try options.open()
            return (store, try start(destination: destination, storePath: options.path))
        } catch {
            throw error.report()
        }
    }

    /// Starts forwarding to `destination`, else `$LEADGATE_FORWARD`; nil when neither is set.
    static func start(destination: String?, storePath: String) throws(CommandFailure) -> BackgroundForwarding? {
        let environment = ProcessInfo.processInfo.environment
        guard let url = destination ?? environment["LEADGATE_FORWARD"], !url.isEmpty else { return nil }
        let scheme = url.prefix(while: { $0 != ":" }).lowercased()
        guard ["postgres", "postgresql", "https", "http"].contains(scheme) && url.contains("://") else {
            throw CommandFailure.usage("--forward \(Destination.redacted(url)): use postgres://... or https://...")
        }
        var executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
        if !FileManager.default.isExecutableFile(atPath: executable), let path = Bundle.main.executablePath { executable = path }
        var childEnvironment = environment
        childEnvironment["LEADGATE_FORWARD"] = url
        childEnvironment[ForwarderParent.environmentVariable] = String(getpid())
        let log = storePath + ".forward.log"
        do {
            return try spawn(executable, ["forward", "--store", storePath], environment: childEnvironment, log: log)
        } catch {
            throw CommandFailure.unavailable("cannot start the forwarder: \(String(cString: strerror(error.code)))")
        }
    }

    /// Starts the child on a new thread, which then waits for it to end.
    private static func spawn(_ executable: String, _ arguments: [String], environment: [String: String],
                              log: String) throws(SpawnError) -> BackgroundForwarding {
        let started = DispatchSemaphore(value: 0)
        let child = ChildState()
        let thread = Thread {
            let spawned = spawnNow(executable, arguments, environment: environment, log: log)
            child.pid.store(spawned.pid, ordering: .releasing)
            child.spawnError.store(spawned.error, ordering: .releasing)
            started.signal()
            guard spawned.error == 0 else { return }
            var status: Int32 = 0
            while waitpid(spawned.pid, &status, 0) == -1 && errno == EINTR {}
            child.exited.store(true, ordering: .releasing)
        }
        thread.name = "leadgate.forward-child"
        thread.start()
        started.wait()
        let error = child.spawnError.load(ordering: .acquiring)
        guard error == 0 else { throw SpawnError(code: error) }
        return BackgroundForwarding(pid: child.pid.load(ordering: .acquiring), child: child)
    }

    private struct SpawnError: Error { let code: Int32 }

    /// What the waiting thread learns about the child.
    private final class ChildState: Sendable {
        let pid = Atomic<Int32>(0)
        let spawnError = Atomic<Int32>(0)
        let exited = Atomic<Bool>(false)
    }

    /// posix_spawn with stdin from /dev/null, stdout and stderr appended to `log` (0600), no
    /// signal blocked, and a process group of its own (a Ctrl-C meant for the booth must not
    /// cut a batch short; the booth stops the child itself).
    private static func spawnNow(_ executable: String, _ arguments: [String], environment: [String: String],
                                 log: String) -> (pid: pid_t, error: Int32) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let error = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        return (pid, error)
    }

    /// Asks the forwarder to finish its batch and exit; waits up to 5 s, then kills it.
    /// Either way the outbox keeps what was not delivered.
    func stop() async {
        guard isRunning else { return }
        kill(pid, SIGTERM)
        for _ in 0..<50 where isRunning { try? await Task.sleep(for: .milliseconds(100)) }
        if isRunning { kill(pid, SIGKILL) }
    }
}
