import Foundation
import NDEF
import Testing

/// A tag pulled away mid-read (issue 19, point 9): the UID is known, so it is a lead, marked
/// incomplete, besides the quarantine entry; a clean read of the same tag resolves the entry
/// and completes that lead.
@Suite(.serialized, .virtualReaders)
struct IncompleteTapTests {
    @Test func aTagPulledAwayMidReadStillMakesAUIDLeadMarkedIncomplete() async throws {
        let store = DemoCommandTests.freshStore()
        defer { DemoCommandTests.remove(store) }
        let terminal = try await BoothCommandTests.booth(store: store)
        defer { terminal.kill() }

        // UID, capability container, then gone before the NDEF pages.
        let torn = try VirtualReaderFixture.tag(["--slot", "0", "--kind", "ntag215", "--uid", "04C1C2C3C4C5C6",
                                                 "--ndef-hex", BoothCommandTests.janeHex, "--remove-after", "2"])
        let screen = try await terminal.waitFor("▶ badge 04C1C2C3C4C5C6 (UID only)")
        _ = try await torn.wait(timeout: .seconds(20))
        #expect(screen.contains("mid-read"))
        #expect(try BoothCommandTests.sqlite(store, "SELECT count(*) FROM quarantine WHERE resolved_at IS NULL") == "1")
        let lead = try #require(try DemoCommandTests.leads(store).first)
        #expect(lead["tags"] as? [String] == ["incomplete"])
        #expect((lead["source"] as? [String: Any])?["format"] as? String == "uid")
        #expect((lead["source"] as? [String: Any])?["tag_uid"] as? String == "04C1C2C3C4C5C6")

        // Tapped again and read to the end: Jane's lead, and the entry is resolved. First the
        // reader must have seen the torn tag leave, or the new one is the same presence.
        for _ in 0..<200 where (try? terminal.screen())?.contains("[tag]") ?? true {
            try await Task.sleep(for: .milliseconds(100))
        }
        let whole = try VirtualReaderFixture.tag(["--slot", "0", "--kind", "ntag215", "--uid", "04C1C2C3C4C5C6",
                                                  "--ndef-hex", BoothCommandTests.janeHex])
        try await terminal.waitFor("Jane Doe — CTO, Acme Corp")
        _ = try await whole.wait(timeout: .seconds(20))
        #expect(try BoothCommandTests.sqlite(store, "SELECT count(*) FROM quarantine WHERE resolved_at IS NULL") == "0")
        // One person, one lead: the clean read completed the torn tap's lead.
        let leads = try DemoCommandTests.leads(store)
        #expect(leads.count == 1)
        let jane = try #require(leads.first)
        #expect(jane["id"] as? String == lead["id"] as? String)
        #expect((jane["contact"] as? [String: Any])?["full_name"] as? String == "Jane Doe")
        #expect(jane["tags"] == nil || (jane["tags"] as? [String]) == [])
        #expect((jane["merged_captures"] as? [[String: Any]])?.count == 1)
        terminal.kill()
    }
}
