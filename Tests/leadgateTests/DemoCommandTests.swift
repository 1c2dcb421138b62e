import Foundation
import Testing

/// `leadgate demo`: without a terminal it must run through every sample and exit 0 on a
/// fresh store; on a terminal (tmux) it is the booth screen a rep types into.
@Suite(.serialized) struct DemoCommandTests {
    static func freshStore() -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("leadgate-demo-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent("leads.sqlite").path
    }

    /// Removes the folder `freshStore` made: the store holds the sample cards.
    static func remove(_ store: String) {
        try? FileManager.default.removeItem(at: URL(fileURLWithPath: store).deletingLastPathComponent())
    }

    static func leads(_ store: String) throws -> [[String: Any]] {
        let result = try LeadgateBinary.run(["leads", "--json", "--store", store])
        return result.stdoutText.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    @Test func runsEverySampleWithoutATerminalAndExitsZero() throws {
        let store = Self.freshStore()
        defer { Self.remove(store) }
        let result = try LeadgateBinary.run(["demo", "--store", store])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutText.contains("Leads for Demo Expo 2026"))
        #expect(result.stdoutText.contains("merged into the same lead"))
        let leads = try Self.leads(store)
        // Seven taps: the same card twice is one lead.
        #expect(leads.count == 6)
        let formats = Set(leads.compactMap { ($0["source"] as? [String: Any])?["format"] as? String })
        #expect(formats == ["vcard", "uri", "uid", "mecard"])
        let jane = try #require(leads.first { (($0["contact"] as? [String: Any])?["full_name"] as? String) == "Jane Doe" })
        #expect(jane["status"] as? String == "hot")
        #expect((jane["merged_captures"] as? [Any])?.count == 1)
        #expect((jane["next_action"] as? [String: Any])?["action"] as? String == "call")
        let kenji = try #require(leads.first { (($0["contact"] as? [String: Any])?["full_name"] as? String) == "Kenji Tanaka" })
        #expect(kenji["owner"] as? String == "bob")
        // The garbage tag's bytes are in the quarantine.
        let quarantine = try LeadgateBinary.run(["quarantine", "list", "--json", "--store", store])
        #expect(quarantine.stdoutText.contains("runs past the end of the message"))
        // The store is private.
        let mode = try FileManager.default.attributesOfItem(atPath: store)[.posixPermissions] as? Int
        #expect(mode == 0o600)

        // The manager's report: six leads, five with a note (the MECARD's was skipped), one hot.
        let report = try LeadgateBinary.run(["report", "--json", "--store", store])
        #expect(report.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: report.stdout) as? [String: Any])
        let demo = try #require((object["reps"] as? [[String: Any]])?.first { $0["rep"] as? String == "demo" })
        #expect(demo["captured"] as? Int == 6)
        #expect(demo["with_note"] as? Int == 5)
        #expect(demo["hot"] as? Int == 1)
        #expect(demo["forwarded"] as? Int == 0)
        #expect(demo["median_speed_to_lead_seconds"] is NSNull)
    }

    @Test func takesNotesOnTheBoothScreenAndKeepsASecondTapWhileTyping() async throws {
        let store = Self.freshStore()
        defer { Self.remove(store) }
        let terminal = try TmuxSession("\(LeadgateBinary.url.path) demo --interval 2 --store \(store)")
        defer { terminal.kill() }
        // First tap: Jane's card. Start typing, and let the second tap arrive mid-line.
        try await terminal.waitFor("Jane Doe — CTO, Acme Corp")
        try terminal.type("wants a pilot #hot ")
        // Any count: more taps keep coming every 2 s, and a slow test machine may look late.
        try await terminal.waitFor("more tap(s) waiting for a note")
        try terminal.type("next: call friday")
        try terminal.press("Enter")
        // The prompt moves to the second tap, which was stored while the rep typed.
        try await terminal.waitFor("▶ https://popl.example/ada-lovelace")
        try terminal.type("#warm asked about the API")
        try terminal.press("Enter")
        try await terminal.waitFor("saved: warm")
        try terminal.press("C-c")
        try await terminal.waitFor("[exit 0]")

        let leads = try Self.leads(store)
        #expect(leads.count >= 2)
        let jane = try #require(leads.first { (($0["contact"] as? [String: Any])?["full_name"] as? String) == "Jane Doe" })
        #expect(jane["status"] as? String == "hot")
        #expect(jane["note"] as? String == "wants a pilot")
        let next = try #require(jane["next_action"] as? [String: Any])
        #expect(next["action"] as? String == "call")
        let ada = try #require(leads.first { (($0["contact"] as? [String: Any])?["urls"] as? [String])?.first == "https://popl.example/ada-lovelace" })
        #expect(ada["status"] as? String == "warm")
        #expect(ada["note"] as? String == "asked about the API")
    }
}

/// `--forward` runs the forwarder beside the booth screen, and the header shows its state.
@Suite(.serialized) struct DemoForwardingTests {
    @Test func forwardsInTheBackgroundAndTheHeaderShowsIt() async throws {
        let store = DemoCommandTests.freshStore()
        defer { DemoCommandTests.remove(store) }
        let log = store + ".webhooks.jsonl"
        let receiver = try SpawnedProcess("/usr/bin/env", ["python3", "-u",
            LeadgateBinary.packageRoot.appendingPathComponent("Hardware/webhook_receiver.py").path,
            "--secret", "booth-secret-0123456789", "--log", log, "--port", "0"])
        defer { kill(receiver.pid, SIGTERM); _ = try? receiver.waitBlocking(timeout: .seconds(5)) }
        var port = ""
        for _ in 0..<100 where port.isEmpty {
            port = receiver.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").first.map(String.init) ?? ""
            try await Task.sleep(for: .milliseconds(50))
        }
        try #require(Int(port) != nil, "the receiver printed no port: \(receiver.stderr)")

        let terminal = try TmuxSession("\(LeadgateBinary.url.path) demo --interval 1 --store \(store) --forward http://127.0.0.1:\(port)/leads",
                                       environment: ["LEADGATE_WEBHOOK_SECRET": "booth-secret-0123456789"])
        defer { terminal.kill() }
        try await terminal.waitFor("Jane Doe — CTO, Acme Corp")
        let screen = try await terminal.waitFor("online, last sync")
        #expect(!screen.contains("forwarded 0 "))
        try terminal.press("C-c")
        try await terminal.waitFor("[exit 0]")

        let received = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(received.contains("jane.doe@acme.example"))
        let status = try LeadgateBinary.run(["status", "--json", "--store", store])
        #expect(status.stdoutText.contains("\"delivered\""))
        // The time from the tap to the lead's arrival in the shared store (speed-to-lead is to first contact).
        let report = try LeadgateBinary.run(["report", "--json", "--store", store])
        let object = try #require(try JSONSerialization.jsonObject(with: report.stdout) as? [String: Any])
        let demo = try #require((object["reps"] as? [[String: Any]])?.first { $0["rep"] as? String == "demo" })
        #expect((demo["forwarded"] as? Int ?? 0) > 0)
        let speed = try #require(demo["median_to_shared_store_seconds"] as? Double)
        #expect(speed >= 0 && speed < 60)
    }
}
