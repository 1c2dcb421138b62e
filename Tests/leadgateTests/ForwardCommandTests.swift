import Foundation
import Testing

/// `leadgate forward` and `leadgate status` without a server: usage, an unreachable
/// destination, and the outbox as status shows it. Delivery itself is tested against a
/// real PostgreSQL server and webhook receiver in ForwardingTests.
@Suite struct ForwardCommandTests {
    @Test func statusOfAFreshStoreShowsAnEmptyOutbox() throws {
        let w = try CLIWorkspace()
        // Only capture commands make a store (status on a missing one exits 66): an import
        // of an empty folder makes an empty one.
        #expect(try w.leadgate(["import", w.input.path, "--event", "E", "--rep", "r"]).status == 0)

        let result = try w.leadgate(["status", "--json"])

        #expect(result.status == 0, "\(result.stderr)")
        let json = try result.json()
        #expect(json["queued"] as? Int == 0 && json["delivered"] as? Int == 0 && json["dead_lettered"] as? Int == 0)
        #expect(json["last_success"] is NSNull && json["last_error"] is NSNull)
    }

    @Test func forwardRefusesADestinationItCannotDeliverTo() throws {
        let w = try CLIWorkspace()

        let ftp = try w.leadgate(["forward", "--once", "--to", "ftp://files.example/leads"])
        let plainHTTP = try LeadgateBinary.run(["forward", "--once", "--to", "http://crm.example/hooks", "--store", w.store],
                                               environment: ["LEADGATE_WEBHOOK_SECRET": "a-secret-of-enough-bytes"])

        #expect(ftp.status == 64)
        #expect(ftp.stderr == "leadgate: error: --to: ftp://files.example/leads: use postgres://... or https://...\n")
        #expect(plainHTTP.status == 64)
        #expect(plainHTTP.stderr.contains("webhooks go over https://"))
    }

    /// A mistyped --store is said (66) instead of an empty store being made and "forwarded".
    @Test func forwardToAStoreThatIsNotThereSaysSoAndMakesNone() throws {
        let w = try CLIWorkspace()
        let url = "postgres://sales:s3cret@127.0.0.1:1/crm?connect_timeout=2"

        let result = try w.leadgate(["forward", "--once", "--to", url])
        let retry = try w.leadgate(["forward", "--retry-dead", "--all"])

        #expect(result.status == 66, "\(result.stderr)")
        #expect(result.stderr.contains("store \(w.store) does not exist"), "\(result.stderr)")
        #expect(retry.status == 66, "\(retry.stderr)")
        #expect(!FileManager.default.fileExists(atPath: w.store))
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["LEADGATE_WEBHOOK_SECRET"] == nil))
    func forwardToAWebhookNeedsItsSecret() throws {
        let w = try CLIWorkspace()

        let result = try w.leadgate(["forward", "--once", "--to", "https://crm.example/hooks/leads"])

        #expect(result.status == 64)
        #expect(result.stderr.contains("LEADGATE_WEBHOOK_SECRET is not set"))
    }

    @Test func forwardOnceExitsUnavailableWithTheNumberStillQueued() throws {
        let (w, _) = try LeadCommandsTests.store()
        // Nothing listens on port 1: the connection is refused at once.
        let url = "postgres://sales:s3cret@127.0.0.1:1/crm?connect_timeout=2"

        let result = try w.leadgate(["forward", "--once", "--to", url])

        #expect(result.status == 69)
        #expect(result.stderr.hasPrefix("leadgate: error: cannot deliver to postgres://127.0.0.1:1/crm: "))
        #expect(result.stderr.hasSuffix("; 3 still queued\n"), "\(result.stderr)")
        #expect(!result.stderr.contains("s3cret") && !result.stdoutText.contains("s3cret"))
        #expect(result.stdoutText == "delivered 0, dead-lettered 0, queued 3 (postgres://127.0.0.1:1/crm)\n")
        let status = try w.leadgate(["status", "--json"]).json()
        #expect(status["queued"] as? Int == 3)
        #expect((status["last_error"] as? String)?.contains("PQconnectdbParams") == true)
        let text = try w.leadgate(["status"]).stdoutText
        #expect(text.contains("queued         3"))
        #expect(text.contains("last success   never"))
    }
}
