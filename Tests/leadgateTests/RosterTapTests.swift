import Foundation
import NDEF
import Testing
import TestSupport

/// Roster lookup at capture, through the real reader path: `leadgate booth` in a terminal
/// (tmux) with badges tapped on pcscd+vpcd's virtual reader.
@Suite(.serialized, .virtualReaders)
struct RosterTapTests {
    static let roster = """
        name,email,company,badge uid,code
        Carol King,carol@umbrella.example,Umbrella,04:a1:b2:c3:d4:e5:f6,
        Jane Doe,jane@acme.example,Acme Corp,,XK42
        Dan Brown,dan@umbrella.example,Umbrella,,R-77

        """

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02X", $0) }.joined() }

    @Test func badgesByUIDURLCodeAndTextCodeBecomeTheRostersPeople() async throws {
        let store = DemoCommandTests.freshStore()
        defer { DemoCommandTests.remove(store) }
        let folder = URL(fileURLWithPath: store).deletingLastPathComponent()
        let rosterFile = folder.appendingPathComponent("roster.csv").path
        try Self.roster.write(toFile: rosterFile, atomically: true, encoding: .utf8)
        let imported = try LeadgateBinary.run(["roster", "import", rosterFile, "--event", "RSA 2026", "--store", store])
        #expect(imported.status == 0, "\(imported.stderr)")

        let terminal = try TmuxSession("\(LeadgateBinary.url.path) booth --event 'RSA 2026' --rep alice --reader '\(VirtualReaderFixture.slot0)' --store \(store)",
                                       environment: ["LEADGATE_LOG_LEVEL": "error"])
        defer { terminal.kill() }
        try await terminal.waitFor(VirtualReaderFixture.slot0)

        // A badge with only its UID (the roster wrote it lower-case with colons).
        let carol = try VirtualReaderFixture.tag(["--slot", "0", "--kind", "mifare_classic_1k", "--uid", "04A1B2C3D4E5F6"])
        try await terminal.waitFor("▶ Carol King — Umbrella")
        _ = try await carol.wait(timeout: .seconds(20))
        try terminal.press("Enter")

        // A badge whose URL carries the registration code.
        let jane = try VirtualReaderFixture.tag(["--slot", "0", "--kind", "ntag213", "--uid", "04111111111111",
                                                 "--uri", "https://example.com/badge?code=xk42"])
        try await terminal.waitFor("▶ Jane Doe — Acme Corp")
        _ = try await jane.wait(timeout: .seconds(20))
        try terminal.press("Enter")

        // A badge whose Text record is the code.
        let dan = try VirtualReaderFixture.tag(["--slot", "0", "--kind", "ntag213", "--uid", "04222222222222",
                                                "--ndef-hex", Self.hex(NDEFMessage(records: [.text("R-77")]).encoded())])
        try await terminal.waitFor("▶ Dan Brown — Umbrella")
        _ = try await dan.wait(timeout: .seconds(20))
        try terminal.press("Enter")

        // A badge the roster does not know yet.
        let stranger = try VirtualReaderFixture.tag(["--slot", "0", "--kind", "mifare_classic_1k", "--uid", "0A0B0C0E"])
        try await terminal.waitFor("▶ badge 0A0B0C0E (UID only)")
        _ = try await stranger.wait(timeout: .seconds(20))
        try terminal.press("C-c")
        try await terminal.waitFor("[exit 0]")

        let leads = try DemoCommandTests.leads(store)
        func lead(uid: String) throws -> [String: Any] {
            try #require(leads.first { (($0["source"] as? [String: Any])?["tag_uid"] as? String) == uid })
        }
        func matched(_ lead: [String: Any]) -> [String]? {
            ((lead["source"] as? [String: Any])?["matched"] as? [String: String]).map { [$0["key"] ?? "", $0["value"] ?? ""] }
        }
        #expect(leads.count == 4)
        #expect(matched(try lead(uid: "04A1B2C3D4E5F6")) == ["uid", "04A1B2C3D4E5F6"])
        #expect(((try lead(uid: "04A1B2C3D4E5F6"))["contact"] as? [String: Any])?["emails"] as? [String] == ["carol@umbrella.example"])
        #expect(matched(try lead(uid: "04111111111111")) == ["code", "XK42"])
        #expect(((try lead(uid: "04111111111111"))["source"] as? [String: Any])?["format"] as? String == "uri")
        #expect(matched(try lead(uid: "04222222222222")) == ["code", "R-77"])
        #expect(((try lead(uid: "04222222222222"))["source"] as? [String: Any])?["format"] as? String == "text")
        #expect(matched(try lead(uid: "0A0B0C0E")) == nil)
        // The Text-code badge is no problem tag: nothing went to the quarantine.
        #expect(try BoothCommandTests.sqlite(store, "SELECT count(*) FROM quarantine") == "0")

        // The stranger's row arrives later: the lead is enriched, the others stay.
        let late = folder.appendingPathComponent("late.csv").path
        try "uid,name\n0a0b0c0e,Stan Ger\n".write(toFile: late, atomically: true, encoding: .utf8)
        let second = try LeadgateBinary.run(["roster", "import", late, "--event", "RSA 2026", "--append", "--store", store])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdoutText.contains("enriched 1 lead(s)"))
        let after = try DemoCommandTests.leads(store)
        let stan = try #require(after.first { (($0["source"] as? [String: Any])?["tag_uid"] as? String) == "0A0B0C0E" })
        #expect((stan["contact"] as? [String: Any])?["full_name"] as? String == "Stan Ger")
        #expect(matched(stan) == ["uid", "0A0B0C0E"])
    }
}
