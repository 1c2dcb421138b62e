import Foundation
@testable import Forwarding
import LeadStore
import Leads
import Logging
import Testing
import TestSupport

@Suite struct WebhookSinkTests {
    let logger = Logger(label: "test.webhook")
    static let plainSecret = "correct horse battery staple"

    func forwarder(_ store: LeadStore, _ receiver: WebhookReceiver, secret: String = plainSecret) throws -> Forwarder {
        let sink = try WebhookSink(url: receiver.url, secret: try WebhookSecret(secret), timeout: .seconds(5), logger: logger)
        return Forwarder(store: store, sink: sink, configuration: .init(
            batchSize: 10, backoff: Backoff(initial: .milliseconds(200), maximum: .seconds(1))), logger: logger)
    }

    @Test func signsEachChangeAndRetriesA500UntilTheReceiverTakesIt() async throws {
        let receiver = try await WebhookReceiver(secret: Self.plainSecret, statuses: "500,200")
        defer { receiver.stop() }
        let store = try LeadFixtures.store()
        let id = try LeadFixtures.capture(0..<1, into: store)[0]
        let event = try #require(try store.pendingDeliveries(limit: 1).first)

        let report = try await forwarder(store, receiver).run(until: .drained)

        #expect(report.delivered == 1 && report.retried == 1 && report.queued == 0)
        let requests = try receiver.requests()
        #expect(requests.map(\.status) == [500, 200])
        #expect(requests.allSatisfy { $0.signatureOK && $0.fresh && $0.id == event.eventID })
        #expect(requests.allSatisfy { $0.contentType == "application/json" })
        let body = try #require(requests.last?.body)
        #expect(body["type"] as? String == "lead.created")
        let data = try #require(body["data"] as? [String: any Sendable])
        #expect(data["event_id"] as? String == event.eventID)
        #expect((data["lead"] as? [String: any Sendable])?["id"] as? String == id)
        #expect(try store.outboxStatus().delivered == 1)
    }

    @Test func deadLettersAChangeTheReceiverRefusesWith400AndDeliversTheRest() async throws {
        let receiver = try await WebhookReceiver(secret: Self.plainSecret, statuses: "400,200")
        defer { receiver.stop() }
        let store = try LeadFixtures.store()
        let ids = try LeadFixtures.capture(0..<3, into: store)

        let report = try await forwarder(store, receiver).run(until: .drained)

        #expect(report.delivered == 2 && report.deadLettered == 1 && report.queued == 0)
        #expect(try receiver.requests().map(\.status) == [400, 200, 200])
        let dead = try store.deadLetters()
        #expect(dead.map(\.item.leadID) == [ids[0]])
        #expect(dead.first?.reason.contains("HTTP 400") == true)
        let status = try store.outboxStatus()
        #expect(status.deadLettered == 1 && status.delivered == 2 && status.lastError?.contains("HTTP 400") == true)
    }

    @Test func keepsALeadsLaterChangesBehindItsFailedOne() async throws {
        let receiver = try await WebhookReceiver(secret: Self.plainSecret, statuses: "500,200")
        defer { receiver.stop() }
        let store = try LeadFixtures.store()
        let id = try LeadFixtures.capture(0..<1, into: store)[0]
        try store.annotate(id, note: "call Tuesday")
        let events = try store.pendingDeliveries(limit: 10).map(\.eventID)

        let report = try await forwarder(store, receiver).run(until: .drained)

        #expect(report.delivered == 2)
        #expect(try receiver.requests().map(\.id) == [events[0], events[0], events[1]])
        #expect(try receiver.requests().last?.body["type"] as? String == "lead.note_added")
    }

    @Test func honoursRetryAfter() async throws {
        let receiver = try await WebhookReceiver(secret: Self.plainSecret, statuses: "429:2,200")
        defer { receiver.stop() }
        let store = try LeadFixtures.store()
        try LeadFixtures.capture(0..<1, into: store)

        let report = try await forwarder(store, receiver).run(until: .drained)

        #expect(report.delivered == 1)
        let times = try receiver.requests().map(\.receivedAt)
        #expect(times.count == 2)
        #expect(times[1] - times[0] >= 1.9, "waited \(times[1] - times[0]) s; Retry-After asked for 2")
    }

    @Test func triesAgainAfterATimeout() async throws {
        let receiver = try await WebhookReceiver(secret: Self.plainSecret, statuses: "hang:3,200")
        defer { receiver.stop() }
        let store = try LeadFixtures.store()
        try LeadFixtures.capture(0..<1, into: store)
        let sink = try WebhookSink(url: receiver.url, secret: try WebhookSecret(Self.plainSecret), timeout: .milliseconds(500), logger: logger)
        let forwarder = Forwarder(store: store, sink: sink, configuration: .init(
            batchSize: 10, backoff: Backoff(initial: .milliseconds(200), maximum: .seconds(1))), logger: logger)
        let run = Task { await forwarder.run(until: .cancelled) }
        defer { run.cancel() }

        try await waitUntil { forwarder.status.delivered == 1 }
        run.cancel()
        _ = await run.value

        let status = try store.outboxStatus()
        #expect(status.delivered == 1 && status.queued == 0 && status.deadLettered == 0)
        #expect(status.lastError?.hasPrefix("destination unreachable: POST") == true, "\(status.lastError ?? "")")
    }

    @Test func signsWithAWhsecSecretAsTheSpecWritesIt() async throws {
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        let receiver = try await WebhookReceiver(secret: secret, statuses: "200")
        defer { receiver.stop() }
        let store = try LeadFixtures.store()
        try LeadFixtures.capture(0..<2, into: store)

        let report = try await forwarder(store, receiver, secret: secret).run(until: .drained)

        #expect(report.delivered == 2)
        #expect(try receiver.requests().map(\.signatureOK) == [true, true])
    }

    @Test func stopsAndReportsUnreachableWhenNothingListens() async throws {
        let store = try LeadFixtures.store()
        try LeadFixtures.capture(0..<4, into: store)
        let sink = try WebhookSink(url: "http://127.0.0.1:9/hooks", secret: try WebhookSecret(Self.plainSecret), timeout: .seconds(5), logger: logger)
        let forwarder = Forwarder(store: store, sink: sink, logger: logger)

        let report = await forwarder.run(until: .drained)

        #expect(report.destinationUnreachable)
        #expect(report.delivered == 0 && report.queued == 4)
        #expect(try store.deadLetters().isEmpty)
    }
}

/// `leadgate forward --once` to a webhook, end to end with the real binary.
@Suite struct WebhookCommandTests {
    @Test func forwardOnceDeadLettersARefusedChangeAndStatusListsIt() async throws {
        let receiver = try await WebhookReceiver(secret: WebhookSinkTests.plainSecret, statuses: "200,400,200")
        defer { receiver.stop() }
        let store = try LeadFixtures.store()
        let ids = try LeadFixtures.capture(0..<3, into: store)
        let secret = ["LEADGATE_WEBHOOK_SECRET": WebhookSinkTests.plainSecret]

        let forward = try await ChildProcess.leadgate(["forward", "--once", "--to", receiver.url, "--store", store.path], environment: secret)
        let status = try await ChildProcess.leadgate(["status", "--json", "--dead-letters", "--store", store.path])

        #expect(forward.status == 65)
        #expect(forward.stdout == "delivered 2, dead-lettered 1, queued 0 (\(receiver.url))\n")
        #expect(forward.stderr.contains("1 change(s) refused"), "\(forward.stderr)")
        #expect(try receiver.requests().allSatisfy(\.signatureOK))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        #expect(json["delivered"] as? Int == 2 && json["dead_lettered"] as? Int == 1 && json["queued"] as? Int == 0)
        let dead = try #require(json["dead_letters"] as? [[String: Any]])
        #expect(dead.count == 1)
        #expect(dead.first?["lead_id"] as? String == ids[1])
        #expect((dead.first?["reason"] as? String)?.contains("HTTP 400") == true)
    }
}
