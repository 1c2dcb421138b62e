import Foundation

/// A real terminal for end-to-end tests: a detached tmux session running a command, driven
/// with send-keys and read with capture-pane.
public final class TmuxSession {
    public let name: String
    private let socket: String

    /// Starts `command` (run by /bin/sh) in a new 120x40 tmux window, with `environment` and
    /// the tests' own pcscd (``PrivatePCSCD/clientEnvironment``: the tmux server keeps the
    /// environment it started with, which may predate the private pcscd).
    public init(_ command: String, environment: [String: String] = [:]) throws {
        name = "leadgate-test-\(UUID().uuidString.prefix(8))"
        socket = "leadgate-test-\(getpid())"
        var exports = ""
        let variables = PrivatePCSCD.clientEnvironment.merging(environment) { $1 }
        for (key, value) in variables.sorted(by: { $0.key < $1.key }) { exports += "export \(key)=\(Self.quote(value)); " }
        try Self.tmux(["-L", socket, "new-session", "-d", "-s", name, "-x", "120", "-y", "40",
                       "/bin/sh", "-c", exports + command + "; echo \"[exit $?]\"; sleep 30"])
    }

    deinit { kill() }

    public func kill() {
        _ = try? Self.tmux(["-L", socket, "kill-session", "-t", name])
    }

    /// Types text (literally) into the terminal.
    public func type(_ text: String) throws {
        try Self.tmux(["-L", socket, "send-keys", "-t", name, "-l", text])
    }

    /// Presses keys by tmux name: Enter, C-c, BSpace...
    public func press(_ keys: String...) throws {
        try Self.tmux(["-L", socket, "send-keys", "-t", name] + keys)
    }

    /// What the screen shows now.
    public func screen() throws -> String {
        try Self.tmux(["-L", socket, "capture-pane", "-p", "-t", name])
    }

    /// Waits until the screen contains `text`; returns the screen, or throws with it.
    @discardableResult
    public func waitFor(_ text: String, timeout: Duration = .seconds(60)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        var last = ""
        while ContinuousClock.now < deadline {
            last = (try? screen()) ?? last
            if last.contains(text) { return last }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw HarnessFailure("timed out waiting for \"\(text)\"; the screen:\n\(last)")
    }

    /// Runs tmux through system(3), not Foundation's Process: the tmux server that the first
    /// command forks inherits the descriptors Process uses to watch its child, so Process
    /// never saw the client exit and the test hung.
    @discardableResult
    public static func tmux(_ arguments: [String]) throws -> String {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("tmux-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        // -u: the test process may have no UTF-8 locale, and tmux would show "—" as "_".
        let command = (["/usr/bin/tmux", "-u"] + arguments).map(quote).joined(separator: " ")
            + " >\(quote(out)) 2>/dev/null </dev/null"
        let status = system(command)
        guard status == 0 else { throw HarnessFailure("tmux \(arguments.prefix(4).joined(separator: " ")) exited \(status)") }
        return (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
    }

    public static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}
