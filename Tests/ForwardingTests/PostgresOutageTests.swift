import Foundation
@testable import Forwarding
import LeadStore
import Leads
import Logging
import Testing
import TestSupport

/// The database going away, and the forwarder dying, in the middle of the work.
extension PostgresSuites {
    @Suite(.enabled(if: PostgresCluster.isPrivate, "stops and restarts the server"))
    struct PostgresOutageTests {
        let logger = Logger(label: "test.forward")

        @Test func waitsOutADatabaseStoppedMidRunAndDeliversEverythingAfterRestart() async throws {
            let cluster = try PostgresSuites.cluster
            let url = try await cluster.makeDatabase()
            let store = try LeadFixtures.store()
            try LeadFixtures.capture(0..<3000, into: store)
            let sink = try PostgresSink(url: url, logger: logger)
            let forwarder = Forwarder(store: store, sink: sink, configuration: .init(
                batchSize: 50, backoff: Backoff(initial: .milliseconds(200), maximum: .seconds(1)), idlePoll: .milliseconds(200)), logger: logger)
            let run = Task { await forwarder.run(until: .cancelled) }
            defer { run.cancel() }

            try await waitUntil { forwarder.status.delivered > 0 }
            try await cluster.stop(immediate: true)
            try await waitUntil { forwarder.status.connected == false }
            let waiting = forwarder.status
            #expect(waiting.queued > 0)
            try await Task.sleep(for: .seconds(1))
            try await cluster.start()
            try await waitUntil(seconds: 180) { forwarder.status.queued == 0 }
            run.cancel()
            let report = await run.value

            #expect(report.queued == 0)
            #expect(try await cluster.count(url, "SELECT count(*) FROM leads") == 3000)
            #expect(try await cluster.count(url, "SELECT count(*) FROM lead_events") == 3000)
            #expect(try store.outboxStatus().delivered == 3000)
            #expect(forwarder.status.state == .stopped)
        }

        @Test func forwardOnceExitsUnavailableWhileTheDatabaseIsDownAndDeliversAfterRestart() async throws {
            let cluster = try PostgresSuites.cluster
            let url = try await cluster.makeDatabase()
            let store = try LeadFixtures.store()
            try LeadFixtures.capture(0..<40, into: store)
            let first = try await ChildProcess.leadgate(["forward", "--once", "--to", url, "--store", store.path])
            #expect(first.status == 0, "\(first.stderr)")
            try LeadFixtures.capture(40..<70, into: store)

            try await cluster.stop()
            let down = try await ChildProcess.leadgate(["forward", "--once", "--to", url, "--store", store.path])
            try await cluster.start()

            #expect(down.status == 69)
            #expect(down.stderr.hasPrefix("leadgate: error: "))
            #expect(down.stderr.contains("30 still queued"), "\(down.stderr)")
            #expect(!down.stderr.contains("postgres@"), "no user or password in messages")
            let status = try await ChildProcess.leadgate(["status", "--json", "--store", store.path])
            let json = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
            #expect(json["queued"] as? Int == 30)
            #expect(json["delivered"] as? Int == 40)
            #expect((json["last_error"] as? String)?.contains("PQconnectdbParams") == true)

            let after = try await ChildProcess.leadgate(["forward", "--once", "--to", url, "--store", store.path, "--json"])
            #expect(after.status == 0, "\(after.stderr)")
            let summary = try #require(try JSONSerialization.jsonObject(with: Data(after.stdout.utf8)) as? [String: Any])
            #expect(summary["delivered"] as? Int == 30)
            #expect(summary["queued"] as? Int == 0)
            #expect(try await cluster.count(url, "SELECT count(*) FROM leads") == 70)
        }

        @Test func survivesSIGKILLMidBatchWithoutLosingOrDuplicatingARow() async throws {
            let cluster = try PostgresSuites.cluster
            let url = try await cluster.makeDatabase()
            let store = try LeadFixtures.store()
            let total = 6000
            var ids: [String] = []
            for start in stride(from: 0, to: total, by: 1000) { ids += try LeadFixtures.capture(start..<(start + 1000), into: store) }
            try store.annotate(ids[0], note: "follow up", change: LeadChange(status: .hot))
            try await PostgresSink(url: url, logger: logger).prepare()
            let blocked = """
                SELECT count(*) FROM pg_stat_activity
                WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'WITH b AS MATERIALIZED%'
                """
            let deliveredSQL = "SELECT count(*) FROM leads WHERE source_seq > 0"

            // Twice: a row of a lead further down the queue is locked, so the forwarder delivers
            // the batches before it and then waits inside the transaction of that lead's batch;
            // it is killed there. The row is a stale copy, which the lead's real state replaces.
            for (round, lockedLead) in [ids[2000], ids[4000]].enumerated() {
                _ = try await cluster.query(url, """
                    INSERT INTO leads (id, lead, event, rep, owner, status, captured_at, updated_at, source_seq)
                    VALUES ('\(lockedLead)', '{"stale": true}', 'E', 'r', 'o', 'cold', now(), now(), 0)
                    """)
                let lock = try await HeldTransaction(url: url, "SELECT 1 FROM leads WHERE id = '\(lockedLead)' FOR UPDATE")
                let forwarder = try ChildProcess.spawn(ChildProcess.leadgateURL.path,
                                                       ["forward", "--to", url, "--store", store.path, "--batch-size", "150"])
                try await waitUntil(seconds: 180) { (try? await cluster.count(url, blocked)) == 1 }
                // Blocked is not yet as far as it gets: two batches are in flight, and the one
                // before the locked lead's, on the other connection, may still be committing long
                // after the blocked one reached the lock (a loaded machine). Wait for it; behind a
                // stuck batch the loop sends at most one more, so the count stays in range.
                try await waitUntil(seconds: 180) {
                    (try? await cluster.count(url, deliveredSQL)) ?? 0 >= 2000 * (round + 1) - 150
                }
                forwarder.kill(SIGKILL)
                #expect(await forwarder.exit.value == 128 + SIGKILL)
                await lock.release()

                let delivered = try await cluster.count(url, deliveredSQL)
                #expect(delivered >= 2000 * (round + 1) - 150 && delivered < 2000 * (round + 1) + 150, "\(delivered)")
                #expect(try await cluster.query(url, "SELECT lead->>'stale' FROM leads WHERE id = '\(lockedLead)'") == [["true"]])
                // The database may be ahead of the store (committed, not yet recorded), never behind.
                #expect(try await cluster.count(url, "SELECT count(*) FROM lead_events") >= store.outboxStatus().delivered)
            }
            // And once wherever it happens to be.
            let forwarder = try ChildProcess.spawn(ChildProcess.leadgateURL.path,
                                                   ["forward", "--to", url, "--store", store.path, "--batch-size", "150"])
            try await waitUntil(seconds: 180) { (try? await cluster.count(url, deliveredSQL)) ?? 0 > 4300 }
            forwarder.kill(SIGKILL)
            #expect(await forwarder.exit.value == 128 + SIGKILL)

            let finish = try await ChildProcess.leadgate(["forward", "--once", "--to", url, "--store", store.path])

            #expect(finish.status == 0, "\(finish.stderr)")
            #expect(try await cluster.count(url, "SELECT count(*) FROM leads") == total)
            #expect(try await cluster.count(url, "SELECT count(DISTINCT id) FROM leads") == total)
            #expect(try await cluster.count(url, "SELECT count(*) FROM leads WHERE lead ? 'stale' OR source_seq = 0") == 0)
            #expect(try await cluster.count(url, "SELECT count(*) FROM lead_events") == total + 2)
            #expect(try await cluster.count(url, "SELECT count(*) FROM leads WHERE status = 'hot'") == 1)
            let status = try store.outboxStatus()
            #expect(status.queued == 0 && status.deadLettered == 0)
            #expect(status.delivered == total + 2)
        }
    }
}
