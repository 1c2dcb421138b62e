import Foundation
@testable import Forwarding
import LeadStore
import Leads
import Logging
import Testing
import TestSupport

/// A webhook receiver that answers badly: redirects, refusals of everything, 5xx storms.
/// Nothing may be marked delivered that did not arrive, and nothing stranded.
@Suite struct WebhookFaultTests {
    let logger = Logger(label: "test.webhook-faults")
    static let secret = WebhookSinkTests.plainSecret

    func forwarder(_ store: LeadStore, _ url: String, backoff: Backoff = Backoff(initial: .milliseconds(200), maximum: .seconds(1))) throws -> Forwarder {
        let sink = try WebhookSink(url: url, secret: try WebhookSecret(Self.secret), timeout: .seconds(5), logger: logger)
        return Forwarder(store: store, sink: sink, configuration: .init(batchSize: 1000, backoff: backoff, idlePoll: .seconds(60)),
                         logger: logger)
    }

    @Test(arguments: [301, 302, 303, 307, 308])
    func refusesARedirectAndDeadLettersTheChangeNamingItsTarget(status: Int) async throws {
        let target = try await WebhookReceiver(secret: Self.secret, statuses: "200")
        defer { target.stop() }
        let moved = try await WebhookReceiver(secret: Self.secret, statuses: "\(status)=\(target.url)")
        defer { moved.stop() }
        let store = try LeadFixtures.store()
        try LeadFixtures.capture(0..<1, into: store)

        let report = try await forwarder(store, moved.url).run(until: .drained)

        #expect(report.delivered == 0 && report.deadLettered == 1, "\(report)")
        let followed = try target.requests()
        #expect(followed.isEmpty, "the redirect was followed: \(followed.map(\.method)), signed: \(followed.map(\.hasSignature))")
        let dead = try store.deadLetters()
        #expect(dead.first?.reason.contains("redirected to \(target.url)") == true, "\(dead.first?.reason ?? "")")
        #expect(try store.outboxStatus().delivered == 0)
    }

    @Test func aRedirectOfEveryChangeIsTheDestinationsFaultAndDeadLettersNothing() async throws {
        let target = try await WebhookReceiver(secret: Self.secret, statuses: "200")
        defer { target.stop() }
        let moved = try await WebhookReceiver(secret: Self.secret, statuses: "307=\(target.url)")
        defer { moved.stop() }
        let store = try LeadFixtures.store()
        try LeadFixtures.capture(0..<4, into: store)

        let report = try await forwarder(store, moved.url).run(until: .drained)

        #expect(report.delivered == 0 && report.deadLettered == 0 && report.queued == 4, "\(report)")
        #expect(report.halt?.description.contains("redirected to \(target.url)") == true, "\(report.halt?.description ?? "")")
        #expect(try target.requests().isEmpty)
        #expect(try store.deadLetters().isEmpty)
    }

    @Test func refusalsAheadOfDeliverableChangesAreTheChangesFaultEvenAcrossBatches() async throws {
        // 55 changes refused alike fill the first batch of 50: only the next batch, which
        // delivers, shows the destination takes changes, so those 55 are dead letters.
        let receiver = try await WebhookReceiver(secret: Self.secret, statuses: Array(repeating: "400", count: 55).joined(separator: ",") + ",200")
        defer { receiver.stop() }
        let store = try LeadFixtures.store()
        try LeadFixtures.capture(0..<60, into: store)

        let report = try await forwarder(store, receiver.url).run(until: .drained)

        #expect(report.deadLettered == 55 && report.delivered == 5 && report.queued == 0 && report.halt == nil, "\(report)")
        #expect(try store.deadLetters().count == 55)
    }

    @Test(arguments: [401, 403, 404])
    func aDestinationThatRefusesEverythingDeadLettersNothing(status: Int) async throws {
        let receiver = try await WebhookReceiver(secret: Self.secret, statuses: "\(status)")
        defer { receiver.stop() }
        let store = try LeadFixtures.store()
        try LeadFixtures.capture(0..<20, into: store)

        let report = try await forwarder(store, receiver.url).run(until: .drained)

        #expect(report.deadLettered == 0 && report.queued == 20 && report.halt?.httpStatus == status, "\(report)")
        #expect(try store.deadLetters().isEmpty)
        #expect(try store.outboxStatus().queued == 20)
    }

    @Test func a500BacksOffTheWholeDestination() async throws {
        let receiver = try await WebhookReceiver(secret: Self.secret, statuses: "500")
        defer { receiver.stop() }
        let store = try LeadFixtures.store()
        try LeadFixtures.capture(0..<40, into: store)
        let forwarder = try forwarder(store, receiver.url, backoff: Backoff(initial: .milliseconds(200), maximum: .milliseconds(800)))

        let run = Task { await forwarder.run(until: .cancelled) }
        // Waits for four tries rather than counting tries in a fixed time, which a loaded
        // machine made flaky: load can only stretch the gaps, never shorten them.
        try await waitUntil(seconds: 30) { ((try? receiver.requests().count) ?? 0) >= 4 }
        run.cancel()
        _ = await run.value

        // One POST per try of the destination: after 0.1-0.2, 0.2-0.4, 0.4-0.8, then at most
        // every 0.8 s; without the destination's backoff every change was POSTed in each pass,
        // milliseconds apart.
        let times = try receiver.requests().map(\.receivedAt)
        #expect(times.count >= 4 && times.count <= 6, "\(times.count) POSTs")
        let gaps = zip(times.dropFirst(), times).map { $0 - $1 }
        #expect(gaps.allSatisfy { $0 >= 0.09 }, "\(gaps)")
        #expect(gaps.count >= 3 && gaps[2] >= 0.35, "the third wait grows to 0.4-0.8 s: \(gaps)")
        #expect(try store.outboxStatus().queued == 40 && store.deadLetters().isEmpty)
    }
}

/// `leadgate forward` to a webhook, killed and refused, with the real binary.
@Suite struct WebhookForwardCommandFaultTests {
    static let environment = ["LEADGATE_WEBHOOK_SECRET": WebhookSinkTests.plainSecret]

    @Test func aKilledForwardResendsOnlyTheChangesSinceItsLastRecord() async throws {
        let receiver = try await WebhookReceiver(secret: WebhookSinkTests.plainSecret, statuses: "200")
        defer { receiver.stop() }
        let store = try LeadFixtures.store()
        let total = 1500
        for start in stride(from: 0, to: total, by: 500) { try LeadFixtures.capture(start..<(start + 500), into: store) }

        let forward = try ChildProcess.spawn(ChildProcess.leadgateURL.path, ["forward", "--to", receiver.url, "--store", store.path],
                                             environment: Self.environment)
        try await waitUntil(seconds: 60) { ((try? receiver.requests().count) ?? 0) >= 300 }
        forward.kill(SIGKILL)
        _ = await forward.exit.value
        let atKill = try receiver.requests().count
        try #require(atKill < total, "the forward finished before it could be killed")
        let again = try await ChildProcess.leadgate(["forward", "--once", "--to", receiver.url, "--store", store.path],
                                                    environment: Self.environment)

        #expect(again.status == 0, "\(again.stderr)")
        let ids = try receiver.requests().map(\.id)
        #expect(Set(ids).count == total)
        #expect(ids.count - total <= 50, "\(ids.count - total) changes sent twice")
    }

    @Test func refusesAShortSecretAndWarnsAboutPlainHTTP() async throws {
        let receiver = try await WebhookReceiver(secret: WebhookSinkTests.plainSecret, statuses: "200")
        defer { receiver.stop() }
        let store = try LeadFixtures.store()
        try LeadFixtures.capture(0..<1, into: store)

        let short = try await ChildProcess.leadgate(["forward", "--once", "--to", receiver.url, "--store", store.path],
                                                    environment: ["LEADGATE_WEBHOOK_SECRET": "fifteen-bytes!!"])
        let plain = try await ChildProcess.leadgate(["forward", "--once", "--to", receiver.url, "--store", store.path],
                                                    environment: Self.environment)

        #expect(short.status == 64)
        #expect(short.stderr.contains("LEADGATE_WEBHOOK_SECRET") && short.stderr.contains("at least 16 bytes"), "\(short.stderr)")
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(plain.stderr.hasPrefix("leadgate: warning: ") && plain.stderr.contains("plain http://"), "\(plain.stderr)")
        #expect(try receiver.requests().count == 1)
    }

    @Test func retryDeadRequeuesDeadLettersAndStatusSaysHow() async throws {
        // Every other change refused: the changes' fault, not the destination's.
        let refusing = try await WebhookReceiver(secret: WebhookSinkTests.plainSecret, statuses: "200,400,200,400,200,400")
        defer { refusing.stop() }
        let store = try LeadFixtures.store()
        let leads = try LeadFixtures.capture(0..<6, into: store)
        let first = try await ChildProcess.leadgate(["forward", "--once", "--to", refusing.url, "--store", store.path],
                                                    environment: Self.environment)
        #expect(first.status == 65, "\(first.stderr)")
        let dead = try store.deadLetters()
        #expect(dead.map(\.item.leadID) == [leads[1], leads[3], leads[5]])
        let listing = try await ChildProcess.leadgate(["status", "--dead-letters", "--store", store.path])
        #expect(listing.stdout.contains("leadgate forward --retry-dead"), "\(listing.stdout)")

        let one = try await ChildProcess.leadgate(["forward", "--retry-dead", dead[0].item.eventID, "--store", store.path])
        #expect(one.status == 0, "\(one.stderr)")
        #expect(one.stdout.contains("requeued 1"), "\(one.stdout)")
        #expect(try store.outboxStatus().queued == 1 && store.outboxStatus().deadLettered == 2)
        let rest = try await ChildProcess.leadgate(["forward", "--retry-dead", "--all", "--store", store.path])
        #expect(rest.status == 0 && rest.stdout.contains("requeued 2"), "\(rest.stdout) \(rest.stderr)")
        let unknown = try await ChildProcess.leadgate(["forward", "--retry-dead", "0192f3c4-0000-7000-8000-000000000000", "--store", store.path])
        #expect(unknown.status == 65 && unknown.stderr.contains("0192f3c4-0000-7000-8000-000000000000"), "\(unknown.stderr)")

        let accepting = try await WebhookReceiver(secret: WebhookSinkTests.plainSecret, statuses: "200")
        defer { accepting.stop() }
        let again = try await ChildProcess.leadgate(["forward", "--once", "--to", accepting.url, "--store", store.path],
                                                    environment: Self.environment)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try Set(accepting.requests().map(\.id)) == Set(dead.map(\.item.eventID)))
        let status = try store.outboxStatus()
        #expect(status.delivered == 6 && status.deadLettered == 0 && status.queued == 0)
    }
}
