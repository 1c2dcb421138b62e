import Foundation
@testable import Forwarding
import LeadStore
import Leads
import Logging
import Testing
import TestSupport

extension PostgresSuites {
    @Suite struct PostgresSinkTests {
        let logger = Logger(label: "test.forward")

        func forwarder(_ store: LeadStore, _ url: String, batchSize: Int = 1000) throws -> (Forwarder, PostgresSink) {
            let sink = try PostgresSink(url: url, logger: logger)
            let configuration = Forwarder.Configuration(batchSize: batchSize, backoff: Backoff(initial: .milliseconds(100), maximum: .milliseconds(500)))
            return (Forwarder(store: store, sink: sink, configuration: configuration, logger: logger), sink)
        }

        @Test func createsTheSchemaAndDeliversEveryLead() async throws {
            let cluster = try PostgresSuites.cluster
            let url = try await cluster.makeDatabase()
            let store = try LeadFixtures.store()
            let ids = try LeadFixtures.capture(0..<50, into: store)
            let (forwarder, _) = try forwarder(store, url, batchSize: 16)

            let report = await forwarder.run(until: .drained)

            #expect(report.delivered == 50 && report.queued == 0 && report.halt == nil)
            #expect(try await cluster.count(url, "SELECT count(*) FROM leads") == 50)
            #expect(try await cluster.count(url, "SELECT count(*) FROM lead_events WHERE kind = 'created'") == 50)
            let row = try #require(try await cluster.query(url, """
                SELECT event, rep, owner, status, to_char(captured_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS'),
                       due_at > captured_at, lead->>'id', lead->'contact'->>'full_name'
                FROM leads WHERE id = '\(ids[7])'
                """).first)
            #expect(row == ["RSA 2026", "alice", "alice", "new", "2026-11-22T10:15:07", "t", ids[7], "Person 7"])
            let stored = try store.lead(ids[7])
            let json = try #require(try await cluster.query(url, "SELECT lead::text FROM leads WHERE id = '\(ids[7])'").first?.first ?? nil)
            let delivered = try JSONDecoder().decode(Lead.self, from: Data(json.utf8))
            #expect(delivered == stored)
            let status = try store.outboxStatus()
            #expect(status.queued == 0 && status.delivered == 50 && status.lastSuccess != nil)
        }

        @Test func deliversALaterNoteToTheSameRow() async throws {
            let cluster = try PostgresSuites.cluster
            let url = try await cluster.makeDatabase()
            let store = try LeadFixtures.store()
            let id = try LeadFixtures.capture(0..<1, into: store)[0]
            let (forwarder, _) = try forwarder(store, url)
            #expect(await forwarder.run(until: .drained).delivered == 1)

            try store.annotate(id, note: "wants a 50-seat pilot", change: LeadChange(status: .hot, owner: "bob"))
            let report = await forwarder.run(until: .drained)

            #expect(report.delivered == 3)
            #expect(try await cluster.count(url, "SELECT count(*) FROM leads") == 1)
            let row = try await cluster.query(url, "SELECT lead->>'note', status, owner, lead->>'status' FROM leads")
            #expect(row == [["wants a 50-seat pilot", "hot", "bob", "hot"]])
            let kinds = try await cluster.query(url, "SELECT kind, data->>'note' FROM lead_events ORDER BY source_seq")
            #expect(kinds == [["created", nil], ["note_added", "wants a 50-seat pilot"], ["status_changed", nil], ["owner_changed", nil]])
        }

        @Test func resendingADeliveredBatchChangesNothingAndAnOlderStateNeverWins() async throws {
            let cluster = try PostgresSuites.cluster
            let url = try await cluster.makeDatabase()
            let store = try LeadFixtures.store()
            let ids = try LeadFixtures.capture(0..<20, into: store)
            let (forwarder, sink) = try forwarder(store, url)
            let created = try store.pendingDeliveries(limit: 100)
            try store.annotate(ids[0], note: "call Tuesday", change: LeadChange(status: .warm))

            // As after a crash between the database's COMMIT and the local store's record of it.
            let first = await sink.deliver(try store.pendingDeliveries(limit: 100))
            #expect(first.delivered.count == 22)
            let again = await forwarder.run(until: .drained)
            #expect(again.delivered == 22)
            // A stale copy of the first lead (its state before the note) arrives late.
            var stale = created[0]
            stale.leadJSON = stale.leadJSON.replacingOccurrences(of: "\"status\":\"new\"", with: "\"status\":\"cold\"")
            #expect(await sink.deliver([stale]).delivered == [stale.seq])

            #expect(try await cluster.count(url, "SELECT count(*) FROM leads") == 20)
            #expect(try await cluster.count(url, "SELECT count(*) FROM lead_events") == 22)
            #expect(try await cluster.query(url, "SELECT status, lead->>'note' FROM leads WHERE id = '\(ids[0])'") == [["warm", "call Tuesday"]])
        }

        @Test func deadLettersARowTheDatabaseRejectsAndDeliversTheRest() async throws {
            let cluster = try PostgresSuites.cluster
            let url = try await cluster.makeDatabase()
            let store = try LeadFixtures.store()
            // jsonb cannot hold \u0000. leadgate's own JSON writer drops NUL characters, but a
            // row stored by another writer (or an older leadgate) may still carry one.
            var bad = LeadFixtures.candidate(1, note: "bad byte")
            bad.leadJSON = Array(LeadJSON.encode(bad.lead).replacingOccurrences(of: "bad byte", with: "bad\\u0000byte").utf8)
            let candidates = [LeadFixtures.candidate(0), bad, LeadFixtures.candidate(2)]
            let ids = try store.capture(candidates).map(\.leadID)
            let (forwarder, _) = try forwarder(store, url)

            let report = await forwarder.run(until: .drained)

            #expect(report.delivered == 2 && report.deadLettered == 1 && report.queued == 0)
            #expect(try await cluster.query(url, "SELECT id::text FROM leads ORDER BY captured_at") == [[ids[0]], [ids[2]]])
            let dead = try store.deadLetters()
            #expect(dead.count == 1)
            #expect(dead.first?.item.leadID == ids[1])
            #expect(dead.first?.reason.contains("SQLSTATE 22P05") == true)
            #expect(try store.outboxStatus().deadLettered == 1)
        }

        @Test func reconnectsAfterTheConnectionDropsMidCopy() async throws {
            let cluster = try PostgresSuites.cluster
            let url = try await cluster.makeDatabase()
            let store = try LeadFixtures.store()
            try LeadFixtures.capture(0..<30, into: store)
            let (forwarder, sink) = try forwarder(store, url, batchSize: 10)
            try await sink.prepare()

            LibPQ.injectFailure("PQputCopyData")
            let first = await forwarder.drainOnce()
            #expect(first.halt?.code == .unreachable)
            #expect(first.halt?.function == "PQputCopyData")
            // The batch on the other connection may have gone through; the failed one did not.
            #expect(first.delivered <= 20 && first.delivered + first.queued == 30)
            #expect(try await cluster.count(url, "SELECT count(*) FROM leads") == first.delivered)

            let second = await forwarder.run(until: .drained)
            #expect(second.delivered == 30 - first.delivered && second.queued == 0)
            #expect(try await cluster.count(url, "SELECT count(*) FROM leads") == 30)
            #expect(try await cluster.count(url, "SELECT count(*) FROM lead_events") == 30)
            #expect(try store.outboxStatus().lastError?.contains("PQputCopyData") == true)
        }

        @Test(.enabled(if: PostgresCluster.isPrivate, "needs the TLS certificate of the private cluster"))
        func takesTLSAndEveryOtherOptionFromTheURL() async throws {
            let cluster = try PostgresSuites.cluster
            let url = try await cluster.makeDatabase()
            let name = String(url.split(separator: "/").last!)
            let certificate = try #require(cluster.certificatePath, "openssl made no certificate")
            let verified = "postgres://postgres@localhost:\(cluster.port)/\(name)?sslmode=verify-full&sslrootcert=\(certificate)&application_name=booth-7"
            let sink = try PostgresSink(url: verified, logger: logger)

            let rows = try await sink.query("SELECT ssl, current_setting('application_name') FROM pg_stat_ssl WHERE pid = pg_backend_pid()")

            #expect(rows == [["t", "booth-7"]])
            #expect(sink.destination == "postgres://localhost:\(cluster.port)/\(name)")
            let wrongRoot = try PostgresSink(url: "postgres://postgres@localhost:\(cluster.port)/\(name)?sslmode=verify-full&sslrootcert=/etc/ssl/certs/ca-certificates.crt", logger: logger)
            let error = await #expect(throws: ForwardingError.self) { try await wrongRoot.prepare() }
            #expect(error?.code == .unreachable)
            #expect(error?.function == "PQconnectdbParams")
        }
    }
}
