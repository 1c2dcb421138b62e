import Foundation
import Testing
import TestSupport

/// The forwarder that `demo`/`booth --forward` start beside the screen: it dies with its
/// parent however the parent ends, it is alone on its store, and its arguments hold no secret.
@Suite(.serialized) struct BackgroundForwarderTests {
    static let secret = "booth-secret-0123456789"

    /// The processes whose arguments are `leadgate forward ... --store STORE`, by pid.
    static func forwarders(of store: String) -> [pid_t: [String]] {
        var found: [pid_t: [String]] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = pid_t(name), let data = FileManager.default.contents(atPath: "/proc/\(name)/cmdline") else { continue }
            let arguments = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            if arguments.contains("forward") && arguments.contains(store) && !isZombie(pid) { found[pid] = arguments }
        }
        return found
    }

    static func isZombie(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return true }
        return stat[stat.index(close, offsetBy: 2)] == "Z"
    }

    static func parent(of pid: pid_t) -> pid_t? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
        return fields.count > 1 ? pid_t(fields[1]) : nil
    }

    static func alive(_ pid: pid_t) -> Bool { kill(pid, 0) == 0 && !isZombie(pid) }

    /// Starts demo --forward under tmux; returns the terminal and the forwarder's pid.
    static func startDemo(store: String, forward: String?, environment: [String: String]) async throws -> (TmuxSession, pid_t) {
        let option = forward.map { " --forward \(TmuxSession.quote($0))" } ?? ""
        let terminal = try TmuxSession("\(LeadgateBinary.url.path) demo --interval 1 --store \(store)\(option)", environment: environment)
        try await terminal.waitFor("Jane Doe — CTO, Acme Corp")
        try await waitUntil(seconds: 30) { !forwarders(of: store).isEmpty }
        let child = try #require(forwarders(of: store).keys.first)
        return (terminal, child)
    }

    @Test(arguments: ["TERM", "KILL", "HUP", "closed terminal"])
    func theForwarderDiesWithTheDemo(ending: String) async throws {
        let store = DemoCommandTests.freshStore()
        defer { DemoCommandTests.remove(store) }
        let receiver = try await WebhookReceiver(secret: Self.secret, statuses: "200")
        defer { receiver.stop() }
        let (terminal, child) = try await Self.startDemo(store: store, forward: receiver.url,
                                                         environment: ["LEADGATE_WEBHOOK_SECRET": Self.secret])
        defer { terminal.kill(); kill(child, SIGKILL) }
        let demo = try #require(Self.parent(of: child))

        switch ending {
        case "TERM": kill(demo, SIGTERM)
        case "KILL": kill(demo, SIGKILL)
        case "HUP": kill(demo, SIGHUP)
        default: terminal.kill()
        }

        try await waitUntil(seconds: 20) { !Self.alive(demo) }
        try await waitUntil(seconds: 15) { !Self.alive(child) }
        #expect(Self.forwarders(of: store).isEmpty)
    }

    @Test func aSecondForwarderOnTheSameStoreExitsWithAClearMessage() async throws {
        let store = DemoCommandTests.freshStore()
        defer { DemoCommandTests.remove(store) }
        let receiver = try await WebhookReceiver(secret: Self.secret, statuses: "200")
        defer { receiver.stop() }
        let environment = ["LEADGATE_WEBHOOK_SECRET": Self.secret]
        // forward does not make a store: an import of an empty folder does.
        let empty = URL(fileURLWithPath: store).deletingLastPathComponent().appendingPathComponent("empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        let made = try await ChildProcess.leadgate(["import", empty.path, "--event", "E", "--rep", "r", "--store", store])
        #expect(made.status == 0, "\(made.stderr)")
        let first = try ChildProcess.spawn(LeadgateBinary.url.path, ["forward", "--to", receiver.url, "--store", store],
                                           environment: environment)
        defer { first.kill(SIGKILL) }
        // The first holds the lock once its pid is in the lock file.
        try await waitUntil(seconds: 30) {
            (try? String(contentsOfFile: store + ".forward.lock", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) == "\(first.pid)"
        }

        let second = try await ChildProcess.leadgate(["forward", "--once", "--to", receiver.url, "--store", store], environment: environment)

        #expect(second.status == 69, "\(second.stderr)")
        #expect(second.stderr.contains("another leadgate forward (pid \(first.pid))"), "\(second.stderr)")
        first.kill(SIGTERM)
        #expect(await first.exit.value == 0)
        let third = try await ChildProcess.leadgate(["forward", "--once", "--to", receiver.url, "--store", store], environment: environment)
        #expect(third.status == 0, "\(third.stderr)")
    }

    @Test func aDestinationFromTheEnvironmentNeverAppearsInTheForwardersArguments() async throws {
        let store = DemoCommandTests.freshStore()
        defer { DemoCommandTests.remove(store) }
        let url = "postgres://sales:Sup3rSecretPw@127.0.0.1:1/crm?connect_timeout=1"
        let (terminal, child) = try await Self.startDemo(store: store, forward: nil, environment: ["LEADGATE_FORWARD": url])
        defer { terminal.kill(); kill(child, SIGKILL) }

        let arguments = try #require(Self.forwarders(of: store)[child])

        #expect(!arguments.joined(separator: " ").contains("Sup3rSecretPw"), "\(arguments)")
        #expect(!arguments.joined(separator: " ").contains("postgres://"), "\(arguments)")
        // It does forward (to a destination that is down): the booth header says so.
        try await terminal.waitFor("offline")
        let log = (try? String(contentsOfFile: store + ".forward.log", encoding: .utf8)) ?? ""
        #expect(!log.contains("Sup3rSecretPw"))
    }
}
