import Foundation
import Synchronization

/// The test process's own pcscd with vpcd's two virtual readers, never the machine's.
///
/// Hardware/pcscd-vpcd.sh `run` starts it in a mount namespace of its own, with its socket in
/// this process's folder (`<tmp>/leadgate-pcscd-<pid>/run/pcscd.comm`) and vpcd on a free pair
/// of TCP ports; the script stays in the foreground as its supervisor, a child of this process.
/// Clients find it through the environment: libpcsclite reads `PCSCLITE_CSOCK_NAME`, the
/// virtual tag reads `LEADGATE_VPCD_PORT` (``clientEnvironment``, which ``ChildProcess`` passes
/// to every child). So a pcscd already running on the machine, with its vpcd on 35963, is never
/// stopped, reused or even asked, and test processes of other worktrees run beside this one.
public final class PrivatePCSCD: Sendable {
    public static let shared = PrivatePCSCD()

    /// What a PC/SC client (leadgate, the virtual tag) needs to reach this process's pcscd.
    public static var clientEnvironment: [String: String] { shared.environment }

    public let folder: URL
    /// pcscd's socket, as seen from outside its namespace.
    public let socketPath: String
    private let portFile: URL
    private let script = ChildProcess.packageRoot.appendingPathComponent("Hardware/pcscd-vpcd.sh").path
    /// The running `pcscd-vpcd.sh run`; nil when stopped.
    private let supervisor = Mutex<ChildProcess.Running?>(nil)

    private init() {
        folder = ProcessFolder.make("leadgate-pcscd", cleaningUp: Self.stopLeftOver)
        socketPath = folder.appendingPathComponent("run/pcscd.comm").path
        portFile = folder.appendingPathComponent("vpcd.port")
        atexit { PrivatePCSCD.shared.supervisor.withLock { $0 }?.kill(SIGTERM) }
    }

    /// vpcd's first port (slot 0; slot 1 is the next), kept across restarts; nil before the first start.
    public var vpcdPort: Int? {
        (try? String(contentsOf: portFile, encoding: .utf8)).flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    public var environment: [String: String] {
        var environment = ["PCSCLITE_CSOCK_NAME": socketPath]
        if let vpcdPort { environment["LEADGATE_VPCD_PORT"] = String(vpcdPort) }
        return environment
    }

    public var isRunning: Bool { supervisor.withLock { $0 }.map { $0.status == nil } ?? false }

    /// Points this process's own libpcsclite (the TagReaders tests call it in process) at the
    /// private pcscd. Once, before the first PC/SC call: libpcsclite reads the variable once.
    public func useInThisProcess() {
        _ = Self.setEnvironmentOnce
    }

    private static let setEnvironmentOnce: Void = {
        setenv("PCSCLITE_CSOCK_NAME", shared.socketPath, 1)
    }()

    /// Starts pcscd with vpcd and waits until both virtual readers listen; nothing when it runs.
    public func start() async throws {
        guard !isRunning else { return }
        guard socketPath.utf8.count < 100 else {
            throw HarnessFailure("the pcscd socket path \(socketPath) is too long for a Unix socket; set TMPDIR to a shorter folder")
        }
        let out = folder.appendingPathComponent("supervisor.out").path, err = folder.appendingPathComponent("supervisor.err").path
        let running = try ChildProcess.spawn("/bin/bash", [script, "run", folder.path], stdout: out, stderr: err)
        supervisor.withLock { $0 = running }
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            if ((try? String(contentsOfFile: out, encoding: .utf8)) ?? "").hasPrefix("ready") { return }
            if let status = running.status {
                supervisor.withLock { $0 = nil }
                throw HarnessFailure("pcscd-vpcd.sh run exited \(status): \((try? String(contentsOfFile: err, encoding: .utf8)) ?? "")")
            }
            if ContinuousClock.now > deadline {
                await stop()
                throw HarnessFailure("pcscd-vpcd.sh run did not get ready within 30 s: \((try? String(contentsOfFile: err, encoding: .utf8)) ?? "")")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Stops pcscd (its socket goes with it) and waits until it is gone; nothing when stopped.
    public func stop() async {
        guard let running = supervisor.withLock({ supervisor in defer { supervisor = nil }; return supervisor }) else { return }
        // The script stops pcscd on SIGTERM, with SIGKILL after five seconds, then exits.
        running.kill(SIGTERM)
        let deadline = ContinuousClock.now + .seconds(15)
        while running.status == nil, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if running.status == nil {
            Self.stopLeftOver(folder)
            running.kill()
        }
        _ = await running.exit.value
    }

    public func restart() async throws {
        await stop()
        try await start()
    }

    /// Stops what a test process that was killed left running in `folder`: the supervising
    /// script and its pcscd, each only if its command line names this folder's script or
    /// reader.conf.d (a pid may have been reused), and waits until they are gone.
    private static func stopLeftOver(_ folder: URL) {
        var stopped: [pid_t] = []
        for file in ["supervisor.pid", "pcscd.pid"] {
            guard let text = try? String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8),
                  let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)),
                  let commandLine = try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline")),
                  String(decoding: commandLine, as: UTF8.self).contains(folder.path) else { continue }
            kill(pid, SIGKILL)
            stopped.append(pid)
        }
        // Until each is gone or a zombie (its new parent may never reap it): pcscd's mount
        // namespace, which holds this folder's run/ as a mount, goes with it.
        let deadline = ContinuousClock.now + .seconds(3)
        for pid in stopped {
            while ContinuousClock.now < deadline,
                  let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  !stat.contains(") Z ") {
                usleep(10_000)
            }
        }
    }
}
