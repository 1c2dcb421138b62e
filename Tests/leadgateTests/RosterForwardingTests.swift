import Foundation
import Testing
import TestSupport

/// Late enrichment reaches the shared store: leads forwarded without names get them when
/// the roster arrives, through the same outbox, against a real PostgreSQL on loopback.
@Suite(.serialized, .postgresCluster)
struct RosterForwardingTests {
    @Test func lateEnrichmentReachesPostgreSQLAsChangeEvents() async throws {
        let cluster = try #require(PostgresCluster.current)
        let url = try await cluster.makeDatabase()
        let w = try CLIWorkspace()
        try w.write("tags/jane.ndef", RosterCommandTests.uriTag("https://example.com/badge?code=XK42"))
        try w.write("tags/bob.ndef", RosterCommandTests.uriTag("https://example.com/b/XK43"))
        let imported = try w.leadgate(["import", w.input.appendingPathComponent("tags").path, "--event", "RSA 2026", "--rep", "alice"])
        #expect(imported.status == 0, "\(imported.stderr)")

        let rawBefore = try w.sql("SELECT json_extract(json, '$.raw.base64') FROM leads")
        let first = try w.leadgate(["forward", "--once", "--to", url])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try await cluster.count(url, "SELECT count(*) FROM leads WHERE lead->'contact'->>'full_name' IS NULL") == 2)

        let roster = try w.leadgate(["roster", "import", try w.write("a.csv", RosterCommandTests.eventbrite), "--event", "RSA 2026"])
        #expect(roster.status == 0, "\(roster.stderr)")
        #expect(roster.stdoutText.contains("enriched 2 lead(s)"))
        let second = try w.leadgate(["forward", "--once", "--to", url])
        #expect(second.status == 0, "\(second.stderr)")

        let names = try await cluster.query(url, """
            SELECT lead->'contact'->>'full_name', lead->'source'->'matched'->>'key', lead->'source'->'matched'->>'value'
            FROM leads ORDER BY 1
            """)
        #expect(names == [["Bob Stone", "code", "XK43"], ["Jane Doe", "code", "XK42"]])
        let events = try await cluster.query(url, "SELECT kind, data->>'via' FROM lead_events WHERE kind = 'enriched'")
        #expect(events == [["enriched", "roster"], ["enriched", "roster"]])
        // The raw bytes in the shared store are still the ones read.
        let raw = try await cluster.query(url, "SELECT lead->'raw'->>'base64' FROM leads ORDER BY 1")
        #expect(raw.map { $0[0] } == rawBefore.sorted())
        #expect(try w.count("SELECT count(*) FROM lead_events WHERE state <> 'delivered'") == 0)
    }
}
