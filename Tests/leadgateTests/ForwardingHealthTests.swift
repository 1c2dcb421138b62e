import Foundation
@testable import leadgate
import Testing

/// The forward line's wording for the errors libpq, curl and webhook receivers give, and
/// which of them waiting fixes.
@Suite struct ForwardingHealthTests {
    @Test func eachErrorBecomesAFewWordsAndAKind() {
        let cases: [(String, ForwardingHealth.Kind, String)] = [
            ("destination unreachable: PQconnectdbParams: could not translate host name \"crm.example\" to address: Name or service not known",
             .misconfigured, "crm.example: host not found"),
            ("destination unreachable: POST: Could not resolve host: crm.example", .misconfigured, "crm.example: host not found"),
            ("destination unreachable: PQconnectdbParams: could not translate host name \"crm.example\" to address: Temporary failure in name resolution",
             .offline, "crm.example: no DNS (no network?)"),
            ("destination unreachable: PQconnectdbParams: server does not support SSL, but SSL was required", .misconfigured,
             "TLS: server does not support SSL"),
            ("destination unreachable: PQconnectdbParams: connection to server at \"crm.example\" (10.0.0.1), port 5432 failed: Connection refused",
             .offline, "crm.example: connection refused"),
            ("destination unreachable: PQconnectdbParams: FATAL: password authentication failed for user \"leadgate\"", .misconfigured,
             "crm.example: login refused"),
            ("rejected: POST: HTTP 401: bad signature", .misconfigured,
             "crm.example refused the signature (HTTP 401): check LEADGATE_WEBHOOK_SECRET"),
            ("temporary failure: POST: HTTP 503: down", .offline, "crm.example answers HTTP 503"),
            ("destination unreachable: POST: The request timed out.", .offline, "crm.example: no answer"),
        ]
        for (error, kind, words) in cases {
            let (gotKind, gotWords) = ForwardingHealth.classify(error, host: "crm.example")
            #expect(gotKind == kind, "\(error)")
            #expect(gotWords == words, "\(error)")
        }
        // A host named like a protocol is not taken for a TLS failure.
        #expect(ForwardingHealth.classify("could not connect to tls.example: Connection refused", host: "tls.example").0 == .offline)
        #expect(ForwardingHealth.host(of: "postgres://user:secret@db.example:5433/leads?sslmode=require") == "db.example")
    }
}
