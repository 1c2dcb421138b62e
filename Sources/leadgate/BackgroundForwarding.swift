import Foundation
import LeadStore

/// The forwarder running beside booth or demo mode: `leadgate forward --to URL` as a child
/// process on the same store.
///
/// A process rather than a task so a stuck network call or a crash in a sink can never stall
/// or take down the screen the rep types into; the two share the store through SQLite's WAL,
/// and the booth header reads the outbox state the forwarder records there.
final class BackgroundForwarding {
    let process: Process

    init(process: Process) { self.process = process }

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
        guard let url = destination ?? ProcessInfo.processInfo.environment["LEADGATE_FORWARD"], !url.isEmpty else { return nil }
        guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") || url.hasPrefix("https://") || url.hasPrefix("http://") else {
            throw CommandFailure.usage("--forward \(url): use postgres://... or https://...")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        if !FileManager.default.isExecutableFile(atPath: process.executableURL!.path), let path = Bundle.main.executablePath {
            process.executableURL = URL(fileURLWithPath: path)
        }
        process.arguments = ["forward", "--to", url, "--store", storePath]
        let log = storePath + ".forward.log"
        FileManager.default.createFile(atPath: log, contents: nil, attributes: [.posixPermissions: 0o600])
        let handle = FileHandle(forWritingAtPath: log)
        handle?.seekToEndOfFile()
        process.standardOutput = handle ?? FileHandle.nullDevice
        process.standardError = handle ?? FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch {
            throw CommandFailure.unavailable("cannot start the forwarder: \(error.localizedDescription)")
        }
        return BackgroundForwarding(process: process)
    }

    /// Asks the forwarder to finish its batch and exit; waits up to 5 s, then kills it.
    /// Either way the outbox keeps what was not delivered.
    func stop() async {
        guard process.isRunning else { return }
        process.terminate()
        for _ in 0..<50 where process.isRunning { try? await Task.sleep(for: .milliseconds(100)) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
