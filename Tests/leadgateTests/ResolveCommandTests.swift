import Foundation
import Testing
import TestSupport

/// `leadgate resolve` against Hardware/profile_server.py: contacts become change events,
/// failures stay on the leads as warnings.
@Suite(.serialized)
struct ResolveCommandTests {
    @Test func resolvesLinksAndKeepsFailuresAsWarningsOnTheLeads() async throws {
        let server = try await ProfileServer()
        let w = try CLIWorkspace()
        try w.write("tags/jane.ndef", RosterCommandTests.uriTag(server.url("vcard-page")))
        try w.write("tags/big.ndef", RosterCommandTests.uriTag(server.url("big")))
        try w.write("tags/private.ndef", RosterCommandTests.uriTag(server.url("to-private")))
        #expect(try w.leadgate(["import", w.input.appendingPathComponent("tags").path, "--event", "E", "--rep", "alice"]).status == 0)

        let refused = try w.leadgate(["resolve", "--all"])
        let result = try w.leadgate(["resolve", "--all", "--allow-private-links"])
        let again = try w.leadgate(["resolve", "--all", "--allow-private-links"])
        let usage = try w.leadgate(["resolve"])

        // Without the test allowance, nothing on this machine is fetched.
        #expect(refused.status == 65)
        #expect(refused.stderr.contains("plain http is refused (https only)"))
        #expect(result.status == 65, "\(result.stderr)")
        #expect(result.stdoutText.contains("Jane Doe — CTO, Acme Corp"))
        #expect(result.stdoutText.hasSuffix("resolved 1 of 3 link(s)\n"))
        #expect(result.stderr.contains("the page is larger than 512 KB"))
        #expect(result.stderr.contains("10.1.2.3 is a private address (10.1.2.3); refused"))
        #expect(result.stderr.hasSuffix("leadgate: error: 2 link(s) could not be resolved; the warnings are kept on the leads\n"))
        #expect(again.stdoutText.hasSuffix("resolved 0 of 2 link(s)\n"))
        #expect(usage.status == 64)

        let leads = try RosterCommandTests.leadsJSON(w)
        let big = try #require(leads.first { (($0["contact"] as? [String: Any])?["urls"] as? [String])?.first == server.url("big") })
        let warnings = try #require(big["warnings"] as? [String])
        #expect(warnings.contains("profile link \(server.url("big")): the page is larger than 512 KB"))
        #expect(warnings.contains { $0.contains("plain http is refused") })
        #expect(Set(warnings).count == warnings.count)
        #expect(try w.count("SELECT count(*) FROM lead_events WHERE kind = 'enriched'") == 1)
        #expect(try w.count("SELECT count(*) FROM lead_events WHERE kind = 'enrichment_failed'") == 5)
    }
}
