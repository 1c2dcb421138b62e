import Foundation
import Testing
import TestSupport

/// The booth screen details of issue 19, on `leadgate demo` in a real terminal (tmux): the
/// forward line, the header's counts, the list after a restart, the note line's editing
/// keys, Ctrl-C with a half-typed note, a due time that does not read.
@Suite(.serialized) struct BoothScreenTests {
    static func demo(_ store: String, interval: Int = 60, _ extra: String = "", unset: String = "") throws -> TmuxSession {
        let env = unset.isEmpty ? "" : "env -u \(unset) "
        return try TmuxSession("\(env)\(LeadgateBinary.url.path) demo --interval \(interval) --store \(store) \(extra)",
                               environment: ["LEADGATE_LOG_LEVEL": "error"])
    }

    static func quit(_ terminal: TmuxSession) async throws -> String {
        try terminal.press("C-c")
        return try await terminal.waitFor("[exit 0]")
    }

    @Test func anUnusableForwardIsSaidBeforeTheFirstTapAndTheBoothRunsOn() async throws {
        let store = DemoCommandTests.freshStore()
        defer { DemoCommandTests.remove(store) }
        let terminal = try Self.demo(store, "--forward https://127.0.0.1:9/leads", unset: "LEADGATE_WEBHOOK_SECRET")
        defer { terminal.kill() }
        let screen = try await terminal.waitFor("forward: no LEADGATE_WEBHOOK_SECRET: will not work")
        #expect(screen.contains("leads today"))
        try await terminal.waitFor("▶ Jane Doe")
        let end = try await Self.quit(terminal)
        // Also on stderr, before the screen took over.
        #expect(end.contains("leadgate: warning: --forward https://127.0.0.1:9/leads: no LEADGATE_WEBHOOK_SECRET"))

        // Without a terminal: the warning, then the demo as usual.
        let plain = try await ChildProcess.leadgate(["demo", "--store", store, "--forward", "crm.example/leads"])
        #expect(plain.status == 0)
        #expect(plain.stderr.contains("--forward crm.example/leads: not a postgres:// or https:// URL: forwarding is off"))
    }

    @Test func aServerWithoutTLSIsAMisconfigurationAndARefusedConnectionIsRetried() async throws {
        // A server that answers PostgreSQL's SSLRequest with "N", as one without TLS does.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("leadgate-notls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let portFile = folder.appendingPathComponent("port").path
        let server = try ChildProcess.spawn("/usr/bin/env", ["python3", "-u", "-c", """
            import socket
            s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
            print(s.getsockname()[1], flush=True)
            while True:
                c, _ = s.accept(); c.recv(8); c.sendall(b"N"); c.close()
            """], stdout: portFile)
        defer { server.kill() }
        var port = ""
        try await waitUntil(seconds: 20) {
            port = ((try? String(contentsOfFile: portFile, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            return !port.isEmpty
        }

        let store = DemoCommandTests.freshStore()
        defer { DemoCommandTests.remove(store) }
        let tls = try Self.demo(store, "--forward 'postgres://leadgate@127.0.0.1:\(port)/leads?sslmode=require'")
        defer { tls.kill() }
        let screen = try await tls.waitFor("forward: TLS: server does not support SSL")
        #expect(screen.contains("will not work"))
        _ = try await Self.quit(tls)

        // A host no resolver knows (or, on a machine without DNS, none resolves).
        let unknown = try Self.demo(store, "--forward 'postgres://leadgate@no-such-host.invalid/leads?connect_timeout=2'")
        defer { unknown.kill() }
        let named = try await unknown.waitFor("forward: no-such-host.invalid: ")
        #expect(named.contains("host not found") || named.contains("no DNS"))
        _ = try await Self.quit(unknown)

        let refused = try Self.demo(store, "--forward 'postgres://leadgate@127.0.0.1:1/leads?connect_timeout=2'")
        defer { refused.kill() }
        let offline = try await refused.waitFor("127.0.0.1: connection refused")
        #expect(offline.contains("will retry"))
        _ = try await Self.quit(refused)
    }

    @Test func aRestartShowsTheEventsLeadsAndAHalfTypedNoteSurvivesCtrlC() async throws {
        let store = DemoCommandTests.freshStore()
        defer { DemoCommandTests.remove(store) }
        // Earlier leads, one with a note of two lines.
        #expect(try await ChildProcess.leadgate(["demo", "--store", store]).status == 0)
        let leads = try DemoCommandTests.leads(store)
        let jane = try #require(leads.first { (($0["contact"] as? [String: Any])?["full_name"] as? String) == "Jane Doe" })
        let janeID = try #require(jane["id"] as? String)
        #expect(try await ChildProcess.leadgate(["note", janeID, "first\nsecond", "--store", store]).status == 0)

        let terminal = try Self.demo(store)
        defer { terminal.kill() }
        // The list has the event's earlier leads before any tap; the note stays on one line.
        var screen = try await terminal.waitFor("Kenji Tanaka")
        #expect(screen.contains("6 leads today · "))
        #expect(screen.contains("waiting to send"))
        let janeLine = try #require(screen.split(separator: "\n").first { $0.contains("Jane Doe") && !$0.contains("▶") })
        #expect(janeLine.contains("first second"))
        #expect(!screen.split(separator: "\n").contains { $0.hasPrefix("second") })

        // Jane taps again (the demo's first sample): half a note, then Ctrl-C asks once.
        try await terminal.waitFor("▶ Jane Doe")
        try terminal.type("half typed")
        try terminal.press("C-c")
        try await terminal.waitFor("Ctrl-C again to quit, the note is kept as a draft")
        screen = try await Self.quit(terminal)
        #expect(screen.contains("the half-typed note is kept as a draft"))
        // Reader timings are for the README, not the rep.
        #expect(!screen.contains("tap to screen"))

        // The next demo on the store brings the draft back on the note line.
        let again = try Self.demo(store)
        defer { again.kill() }
        try await again.waitFor("Note (one line, Enter to skip): half typed")
        // The editing keys: clear, then type with the cursor moved around.
        try again.press("C-u")
        try again.type("call me")
        try again.press("Home")
        try again.type("please ")
        try again.press("End")
        try again.type(" now")
        try again.press("C-w")
        try again.type("soon")
        try again.press("Left", "Left", "Left", "Left")
        try again.type("very ")
        try again.press("C-a")
        try again.type("A ")
        try again.press("C-e")
        try again.type(" Z")
        try await again.waitFor("Note (one line, Enter to skip): A please call me very soon Z")
        try again.press("Enter")
        try await again.waitFor("saved:")

        // The second Jane tap of this run: a due time that does not read is a warning.
        try await again.waitFor("▶ Jane Doe")
        try again.type("next: call someday")
        try again.press("Enter")
        try await again.waitFor("next: someday is not a day leadgate reads")
        _ = try await Self.quit(again)

        let updated = try #require(DemoCommandTests.leads(store).first { ($0["id"] as? String) == janeID })
        #expect((updated["note"] as? String)?.contains("A please call me very soon Z") == true)
        #expect((updated["next_action"] as? [String: Any])?["action"] as? String == "call someday")
    }
}
