import Foundation
@testable import Forwarding
import LeadStore
import Leads
import Logging
import Testing
import TestSupport

extension PostgresSuites {
    /// A shared store that refuses every row (a CHECK constraint added by its owner) strands
    /// nothing: the changes wait, queued, until the constraint goes.
    @Suite struct PostgresRefusalTests {
        @Test func aCheckConstraintRefusingEveryRowDeadLettersNothingAndForwardExits69() async throws {
            let cluster = try PostgresSuites.cluster
            let url = try await cluster.makeDatabase()
            try await PostgresSink(url: url, logger: Logger(label: "test")).prepare()
            _ = try await cluster.query(url, "ALTER TABLE leads ADD CONSTRAINT no_acme CHECK (lead->'contact'->>'organization' <> 'Acme Corp')")
            let store = try LeadFixtures.store()
            try LeadFixtures.capture(0..<20, into: store)

            let refused = try await ChildProcess.leadgate(["forward", "--once", "--to", url, "--store", store.path])

            #expect(refused.status == 69, "\(refused.stderr)")
            #expect(refused.stderr.contains("no_acme"), "\(refused.stderr)")
            #expect(refused.stderr.contains("20 still queued"), "\(refused.stderr)")
            #expect(try store.deadLetters().isEmpty)
            #expect(try store.outboxStatus().queued == 20)

            _ = try await cluster.query(url, "ALTER TABLE leads DROP CONSTRAINT no_acme")
            let after = try await ChildProcess.leadgate(["forward", "--once", "--to", url, "--store", store.path])
            #expect(after.status == 0, "\(after.stderr)")
            #expect(try await cluster.count(url, "SELECT count(*) FROM leads") == 20)
        }
    }
}

/// Passwords in a destination never reach a message, the stored last error, or `ps`.
@Suite struct DestinationSecretTests {
    static let password = "Sup3rSecretPw"

    @Test(arguments: [
        // A raw / ? # in the password: libpq reads the URL differently from a naive cut.
        "postgres://sales:pw/Sup3rSecretPw?x#y@127.0.0.1:1/crm",
        // A malformed URL: libpq quotes all of it in its error.
        "postgres://sales:Sup3rSecretPw@[::1/crm",
        "postgres://sales:Sup3rSecretPw%zz@127.0.0.1:1/crm",
        "postgres://sales:Sup3rSecretPw@127.0.0.1:1/crm?no_such_option=1",
        // libpq's key=value form.
        "host=127.0.0.1 port=1 user=sales password=Sup3rSecretPw dbname=crm",
        "postgres://sales:Sup3rSecretPw@127.0.0.1:1/crm?connect_timeout=2",
    ])
    func aPasswordNeverReachesAMessageOrTheStore(destination: String) async throws {
        let store = try LeadFixtures.store()
        try LeadFixtures.capture(0..<2, into: store)

        let forward = try await ChildProcess.leadgate(["forward", "--once", "--to", destination, "--store", store.path, "--json"])
        let status = try await ChildProcess.leadgate(["status", "--json", "--store", store.path])

        #expect(forward.status == 64 || forward.status == 69, "\(forward.stderr)")
        #expect(forward.stderr.hasPrefix("leadgate: error: "), "\(forward.stderr)")
        for fragment in ["Sup3r", "Secret", "pw/"] {
            #expect(!forward.stderr.contains(fragment), "\(forward.stderr)")
            #expect(!forward.stdout.contains(fragment), "\(forward.stdout)")
            #expect(!status.stdout.contains(fragment), "\(status.stdout)")
        }
    }

    @Test func redactsWithLibpqsOwnReadingOfTheURL() {
        #expect(Destination.redacted("postgres://sales:p/ss?w#rd@db.example:5432/crm") == "postgres://db.example:5432/crm")
        #expect(!Destination.redacted("postgres://sales:s3cr/et@[::1/crm").contains("s3cr"))
        #expect(!Destination.redacted("host=db.example password=s3cret dbname=crm").contains("s3cret"))
        #expect(!Destination.redacted("https://user:p/ss@hooks.example/leads").contains("p/ss"))
        #expect(Destination.redacted("https://user:pass@hooks.example/leads?token=abc") == "https://hooks.example/leads")
    }
}
