import Foundation
import NDEF
import Testing

/// `leadgate booth` in a real terminal (tmux) with taps from the virtual tag on pcscd+vpcd.
@Suite(.serialized, .virtualReaders)
struct BoothCommandTests {
    static let janeHex = NDEFMessage(records: [.media("text/vcard", payload: Array(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Doe;Jane;;;\r\nFN:Jane Doe\r\nORG:Acme Corp\r\nTITLE:CTO\r\nEMAIL:jane@acme.example\r\nTEL;TYPE=cell:+1 415 555 0100\r\nEND:VCARD\r\n".utf8))])
        .encoded().map { String(format: "%02X", $0) }.joined()

    static func sqlite(_ store: String, _ query: String) throws -> String {
        try CLIWorkspace.runTool("/usr/bin/sqlite3", [store, query]).output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A booth on the virtual reader's slot 0 in tmux, once its screen shows the reader.
    static func booth(store: String) async throws -> TmuxSession {
        let terminal = try TmuxSession("\(LeadgateBinary.url.path) booth --event 'RSA 2026' --rep alice --reader '\(VirtualReaderFixture.slot0)' --store \(store)",
                                       environment: ["LEADGATE_LOG_LEVEL": "error"])
        try await terminal.waitFor(VirtualReaderFixture.slot0)
        return terminal
    }

    @Test func storesEachTapThenTheNoteWithItsGrammarAndSurvivesCtrlC() async throws {
        let store = DemoCommandTests.freshStore()
        defer { DemoCommandTests.remove(store) }
        let terminal = try await Self.booth(store: store)
        defer { terminal.kill() }

        // First tap: Jane's card. Start typing her note.
        let jane = try VirtualReaderFixture.tag(["--slot", "0", "--kind", "ntag215", "--uid", "04A1B2C3D4E5F6", "--ndef-hex", Self.janeHex])
        try await terminal.waitFor("▶ Jane Doe — CTO, Acme Corp")
        _ = try await jane.wait(timeout: .seconds(20))
        try terminal.type("wants a 50-seat pilot #hot ")

        // A badge tapped while the rep types: stored at once, queued for its own note.
        let badge = try VirtualReaderFixture.tag(["--slot", "0", "--kind", "mifare_classic_1k", "--uid", "0A0B0C0D"])
        try await terminal.waitFor("1 more tap(s) waiting for a note")
        _ = try await badge.wait(timeout: .seconds(20))
        #expect(try Self.sqlite(store, "SELECT count(*) FROM leads") == "2")

        try terminal.type("next: call friday")
        try terminal.press("Enter")
        try await terminal.waitFor("▶ badge 0A0B0C0D (UID only)")
        try terminal.type("badge only #cold @bob")
        try terminal.press("Enter")
        try await terminal.waitFor("saved: cold, owner bob")

        // A third tap left without a note, then Ctrl-C: it is already on disk.
        let third = try VirtualReaderFixture.tag(["--slot", "0", "--kind", "mifare_classic_1k", "--uid", "0A0B0C0E"])
        try await terminal.waitFor("▶ badge 0A0B0C0E (UID only)")
        _ = try await third.wait(timeout: .seconds(20))
        try terminal.press("C-c")
        let end = try await terminal.waitFor("[exit 0]")
        #expect(end.contains("1 lead(s) left without a note"))
        if let line = end.split(separator: "\n").first(where: { $0.contains("tap to screen") }) {
            print("booth over vpcd: \(line)")
        }

        #expect(try Self.sqlite(store, "PRAGMA integrity_check") == "ok")
        #expect(try Self.sqlite(store, "SELECT count(*) FROM leads") == "3")
        // Every lead has its created event, and every event is queued for the shared store.
        #expect(try Self.sqlite(store, "SELECT count(*) FROM leads l WHERE NOT EXISTS (SELECT 1 FROM lead_events e WHERE e.lead_id = l.id AND e.kind = 'created')") == "0")
        #expect(try Self.sqlite(store, "SELECT count(*) FROM lead_events WHERE state <> 'queued'") == "0")

        let leads = try DemoCommandTests.leads(store)
        let janeLead = try #require(leads.first { (($0["contact"] as? [String: Any])?["full_name"] as? String) == "Jane Doe" })
        #expect(janeLead["status"] as? String == "hot")
        #expect(janeLead["note"] as? String == "wants a 50-seat pilot")
        let next = try #require(janeLead["next_action"] as? [String: Any])
        #expect(next["action"] as? String == "call")
        let source = try #require(janeLead["source"] as? [String: Any])
        #expect(source["reader"] as? String == VirtualReaderFixture.slot0)
        #expect(source["tag_type"] as? String == "ntag215")
        #expect(source["tag_uid"] as? String == "04A1B2C3D4E5F6")
        let badgeLead = try #require(leads.first { (($0["source"] as? [String: Any])?["tag_uid"] as? String) == "0A0B0C0D" })
        #expect(badgeLead["status"] as? String == "cold")
        #expect(badgeLead["owner"] as? String == "bob")
        #expect((badgeLead["source"] as? [String: Any])?["format"] as? String == "uid")
    }
}
