import Foundation
@testable import Forwarding
@testable import LeadStore
import Logging
import Synchronization
import Testing
import TestSupport

/// A sink in memory that answers each batch with the next step of a script, for the loop's
/// own logic; the real destinations have their own suites.
final class ScriptedSink: DeliverySink {
    enum Step: Sendable { case accept, unreachable, failForNow }

    let destination = "memory://scripted"
    private let state: Mutex<(script: [Step], batches: [[OutboxItem]])>

    init(_ script: [Step] = []) {
        state = Mutex((script, []))
    }

    var batches: [[OutboxItem]] { state.withLock { $0.batches } }
    var delivered: [OutboxItem] { state.withLock { $0.batches.flatMap { $0 } } }

    func prepare() async throws(ForwardingError) {}
    func close() async {}

    func deliver(_ items: [OutboxItem]) async -> DeliveryReport {
        let step = state.withLock { state -> Step in
            let step = state.script.isEmpty ? .accept : state.script.removeFirst()
            if step == .accept { state.batches.append(items) }
            return step
        }
        switch step {
        case .accept:
            return DeliveryReport(delivered: items.map(\.seq))
        case .unreachable:
            let error = ForwardingError(.unreachable, "connection refused", function: "test")
            return DeliveryReport(retry: items.map { .init(seq: $0.seq, error: error) }, halt: error)
        case .failForNow:
            let error = ForwardingError(.temporaryFailure, "busy", function: "test")
            return DeliveryReport(retry: items.map { .init(seq: $0.seq, error: error) })
        }
    }
}

@Suite struct ForwarderTests {
    let logger = Logger(label: "test.forwarder")
    let quick = Forwarder.Configuration(batchSize: 4, backoff: Backoff(initial: .milliseconds(50), maximum: .milliseconds(200)),
                                        idlePoll: .seconds(60), attemptsPerRun: 3)

    @Test func deliversOldestFirstInBatches() async throws {
        let store = try LeadFixtures.store()
        try LeadFixtures.capture(0..<10, into: store)
        let sink = ScriptedSink()

        let report = await Forwarder(store: store, sink: sink, configuration: quick, logger: logger).run(until: .drained)

        #expect(report.delivered == 10 && report.queued == 0)
        #expect(sink.batches.map(\.count) == [4, 4, 2])
        let seqs = sink.delivered.map(\.seq)
        #expect(seqs == seqs.sorted())
    }

    @Test func neverDropsAChangeWhileTheDestinationIsDown() async throws {
        let store = try LeadFixtures.store()
        try LeadFixtures.capture(0..<6, into: store)
        let sink = ScriptedSink([.unreachable, .unreachable, .unreachable])
        let forwarder = Forwarder(store: store, sink: sink, configuration: quick, logger: logger)
        let run = Task { await forwarder.run(until: .cancelled) }
        defer { run.cancel() }

        try await waitUntil { forwarder.status.queued == 0 && forwarder.status.state == .idle }
        run.cancel()
        let report = await run.value

        #expect(report.delivered == 6)
        #expect(sink.delivered.count == 6)
        #expect(forwarder.status.connected == true)
        #expect(forwarder.status.state == .stopped)
        #expect(try store.outboxStatus().lastError?.contains("connection refused") == true)
    }

    @Test func endsADrainedRunWithTheQueueIntactWhenTheDestinationIsUnreachable() async throws {
        let store = try LeadFixtures.store()
        try LeadFixtures.capture(0..<5, into: store)
        let sink = ScriptedSink(Array(repeating: .unreachable, count: 10))

        let report = await Forwarder(store: store, sink: sink, configuration: quick, logger: logger).run(until: .drained)

        #expect(report.destinationUnreachable)
        #expect(report.queued == 5 && report.delivered == 0)
        #expect(try store.outboxStatus().queued == 5)
        #expect(try store.deadLetters().isEmpty)
    }

    @Test func givesUpADrainedRunAfterRepeatedTemporaryFailuresWithoutDroppingAnything() async throws {
        let store = try LeadFixtures.store()
        try LeadFixtures.capture(0..<2, into: store)
        let sink = ScriptedSink(Array(repeating: .failForNow, count: 20))

        let report = await Forwarder(store: store, sink: sink, configuration: quick, logger: logger).run(until: .drained)

        #expect(report.halt?.code == .temporaryFailure)
        #expect(report.queued == 2 && report.delivered == 0 && report.deadLettered == 0)
        #expect(try store.outboxStatus().queued == 2)
    }

    @Test func wakesForANewCaptureWithoutWaitingForItsPoll() async throws {
        let store = try LeadFixtures.store()
        let sink = ScriptedSink()
        let forwarder = Forwarder(store: store, sink: sink, configuration: quick, logger: logger)
        let run = Task { await forwarder.run(until: .cancelled) }
        defer { run.cancel() }
        try await waitUntil { forwarder.status.state == .idle }

        try LeadFixtures.capture(0..<1, into: store)
        forwarder.wake()

        try await waitUntil { forwarder.status.delivered == 1 }
        #expect(sink.delivered.count == 1)
        #expect(forwarder.status.lastSuccess != nil)
    }

    @Test func holdsBackALeadsLaterChangesBehindOneTriedInThisPass() {
        func item(_ seq: Int, _ lead: String) -> OutboxItem {
            OutboxItem(seq: seq, eventID: "e\(seq)", leadID: lead, kind: "created", at: Date(), data: "{}", leadJSON: "{}", attempts: 0)
        }
        let items = [item(1, "a"), item(2, "b"), item(3, "a"), item(4, "c")]
        #expect(Forwarder.excluding([1], from: items).map(\.seq) == [2, 4])
        #expect(Forwarder.excluding([], from: items).map(\.seq) == [1, 2, 3, 4])
    }
}
