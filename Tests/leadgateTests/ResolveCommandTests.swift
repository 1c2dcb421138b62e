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

    /// `import --resolve-links`: the links of the leads the import made are fetched after
    /// it; a contact found is a change, a failure a warning on the lead and on stderr, and
    /// the import itself still succeeds.
    @Test func importResolvesTheLinksOfTheLeadsItMade() async throws {
        let server = try await ProfileServer()
        let w = try CLIWorkspace()
        try w.write("tags/jane.ndef", RosterCommandTests.uriTag(server.url("vcard-page")))
        try w.write("tags/big.ndef", RosterCommandTests.uriTag(server.url("big")))
        try w.write("tags/card.vcf", CardText.vCard("Named Already", email: "named@acme.example"))
        let plain = try w.leadgate(["import", w.input.appendingPathComponent("tags").path, "--event", "E", "--rep", "alice"])
        #expect(plain.status == 0 && !plain.stderr.contains("profile link"), "without --resolve-links nothing is fetched: \(plain.stderr)")
        #expect(try w.count("SELECT count(*) FROM lead_events WHERE kind LIKE 'enrich%'") == 0)

        try w.write("more/ann.ndef", RosterCommandTests.uriTag(server.url("jsonld")))
        let result = try w.leadgate(["import", w.input.appendingPathComponent("more").path, "--event", "E", "--rep", "alice",
                                     "--resolve-links", "--allow-private-links"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("fetching 1 profile link(s)"), "only the lead this import made: \(result.stderr)")
        #expect(result.stderr.contains("resolved 1 of 1 profile link(s)"), "\(result.stderr)")
        #expect(try w.count("SELECT count(*) FROM lead_events WHERE kind = 'enriched'") == 1)

        try w.write("third/big2.ndef", RosterCommandTests.uriTag(server.url("big") + "?again"))
        let failing = try w.leadgate(["import", w.input.appendingPathComponent("third").path, "--event", "E", "--rep", "alice",
                                      "--resolve-links", "--allow-private-links"])
        #expect(failing.status == 0, "a link that cannot be read is not an import failure: \(failing.stderr)")
        #expect(failing.stderr.contains("the page is larger than 512 KB"), "\(failing.stderr)")
        #expect(failing.stderr.contains("resolved 0 of 1 profile link(s)"), "\(failing.stderr)")
    }
}
