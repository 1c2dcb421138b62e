import Foundation
@testable import Forwarding
import LeadStore
import Leads
import Logging
import Testing

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
            try await waitUntil(seconds: 60) { forwarder.status.queued == 0 }
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
            for start in stride(from: 0, to: total, by: 1000) { try LeadFixtures.capture(start..<(start + 1000), into: store) }
            try store.annotate(try store.pendingDeliveries(limit: 1)[0].leadID, note: "follow up", change: LeadChange(status: .hot))

            // Kill the forwarder three times at different points of its work.
            var lastCount = 0
            for round in 0..<3 {
                let forwarder = try ChildProcess.spawn(ChildProcess.leadgateURL.path,
                                                       ["forward", "--to", url, "--store", store.path, "--batch-size", "150"])
                try await waitUntil(seconds: 60) {
                    (try? await cluster.count(url, "SELECT count(*) FROM leads")).map { $0 > lastCount + 100 * (round + 1) } ?? false
                }
                forwarder.kill(SIGKILL)
                #expect(await forwarder.exit.value == 128 + SIGKILL)
                lastCount = try await cluster.count(url, "SELECT count(*) FROM leads")
                let recorded = try store.outboxStatus().delivered
                // The database may be ahead of the store (committed, not yet recorded), never behind.
                #expect(try await cluster.count(url, "SELECT count(*) FROM lead_events") >= recorded)
            }
            #expect(lastCount < total, "killed before it finished")

            let finish = try await ChildProcess.leadgate(["forward", "--once", "--to", url, "--store", store.path])

            #expect(finish.status == 0, "\(finish.stderr)")
            #expect(try await cluster.count(url, "SELECT count(*) FROM leads") == total)
            #expect(try await cluster.count(url, "SELECT count(DISTINCT id) FROM leads") == total)
            #expect(try await cluster.count(url, "SELECT count(*) FROM lead_events") == total + 2)
            #expect(try await cluster.count(url, "SELECT count(*) FROM leads WHERE status = 'hot'") == 1)
            let status = try store.outboxStatus()
            #expect(status.queued == 0 && status.deadLettered == 0)
            #expect(status.delivered == total + 2)
        }
    }
}

/// Polls `condition` every 20 ms until it holds, or fails the test after `seconds`.
func waitUntil(seconds: Double = 30, _ condition: () async -> Bool) async throws {
    let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
    while ContinuousClock.now < deadline {
        if await condition() { return }
        try await Task.sleep(for: .milliseconds(20))
    }
    Issue.record("condition not met within \(seconds) s")
    throw HarnessFailure("timed out")
}
