import Foundation
import LeadStore
import Logging
import Synchronization

/// The delivery loop: takes the outbox oldest first, hands it to a sink in batches, and
/// records in the store what was delivered, what waits for a retry and what was refused.
///
/// One service object for every mode: `leadgate forward --once` runs it until the queue is
/// drained, `leadgate forward` and the booth and kiosk until they cancel it, polling `status`
/// meanwhile and calling `wake()` after each capture. Nothing is ever dropped: a change is
/// delivered, or kept queued with its error, or dead-lettered with the reason.
public actor Forwarder {
    public struct Configuration: Sendable {
        /// Changes per batch (and per transaction for PostgreSQL).
        public var batchSize: Int
        public var backoff: Backoff
        /// How often an idle loop looks for changes nobody woke it for.
        public var idlePoll: Duration
        /// In a run `until: .drained`: how often one change, or the destination, may fail
        /// before the run gives up and reports what is still queued.
        public var attemptsPerRun: Int

        public init(batchSize: Int = 1000, backoff: Backoff = Backoff(), idlePoll: Duration = .seconds(2), attemptsPerRun: Int = 5) {
            self.batchSize = max(1, batchSize)
            self.backoff = backoff
            self.idlePoll = idlePoll
            self.attemptsPerRun = max(1, attemptsPerRun)
        }
    }

    public enum StopCondition: Sendable {
        /// Stop when nothing is left to try, or the destination cannot be reached.
        case drained
        /// Keep going (waiting out outages) until the task is cancelled.
        case cancelled
    }

    let store: LeadStore
    let sink: any DeliverySink
    let configuration: Configuration
    let logger: Logger
    /// SQLite commits fsync: the store's calls block too, so they get a thread of their own.
    let storeThread = BlockingCallThread(name: "leadgate.outbox")
    nonisolated let published: Mutex<ForwarderStatus>
    nonisolated let wakeup = Wakeup()

    /// Retries scheduled in this run and not yet settled: seq -> when.
    var scheduledRetries: [Int: Date] = [:]
    /// Failed tries in this run, by seq.
    var failuresThisRun: [Int: Int] = [:]
    /// Destination failures in a row, for the destination's backoff.
    var destinationFailures = 0
    /// Passes in a row that could not read or record in the local store (a full disk).
    var storeFailures = 0
    var resumeAt: Date?
    private var passInProgress = false
    private var running = false

    public init(store: LeadStore, sink: any DeliverySink, configuration: Configuration = Configuration(), logger: Logger) {
        self.store = store
        self.sink = sink
        self.configuration = configuration
        self.logger = logger
        published = Mutex(ForwarderStatus(destination: sink.destination))
    }

    /// The latest status; never waits.
    public nonisolated var status: ForwarderStatus { published.withLock { $0 } }

    /// Tells a running loop that new changes are queued, so it need not wait for its poll.
    public nonisolated func wake() { wakeup.signal() }

    /// One pass: delivers every change that is due, batch after batch, until none is left or
    /// the destination fails. Changes that fail for now are queued again with a retry time
    /// and are not tried twice in one pass. Returns at once if a pass is already going.
    ///
    /// With a sink that takes overlapping batches, the next batch is read from the store
    /// while the destination works on the one before; a lead with a change in flight has
    /// none of its later changes in the next batch, so each lead's changes stay in order.
    public func drainOnce() async -> DrainReport {
        var report = DrainReport()
        guard !passInProgress else { return report }
        passInProgress = true
        defer { passInProgress = false }
        var attempted = Set<Int>()
        var inFlight: [(batch: [OutboxItem], delivery: Task<DeliveryReport, Never>)] = []
        var exhausted = false
        var refusals = RefusalsOfThePass()
        let depth = max(1, sink.maximumBatchesInFlight)
        let batchSize = min(configuration.batchSize, max(1, sink.maximumBatchSize))
        while true {
            if inFlight.count < depth && !exhausted && report.halt == nil && !Task.isCancelled {
                let items: [OutboxItem]
                do {
                    // Held refusals are still queued in the store, like the batches in flight.
                    let limit = batchSize + scheduledRetries.count + inFlight.reduce(0) { $0 + $1.batch.count } + refusals.items
                    items = try await withStore { store throws(StoreError) in try store.pendingDeliveries(limit: limit, now: Date()) }
                } catch {
                    report.halt = error
                    continue
                }
                let batch = Array(Self.excluding(attempted, from: items).prefix(batchSize))
                if batch.isEmpty {
                    exhausted = true
                } else {
                    attempted.formUnion(batch.lazy.map(\.seq))
                    setState(.delivering)
                    let sink = self.sink
                    inFlight.append((batch, Task { await sink.deliver(batch) }))
                }
                continue
            }
            guard !inFlight.isEmpty else { break }
            let (batch, delivery) = inFlight.removeFirst()
            let result = await delivery.value
            // What the sink left untried (it ends a batch early to record progress) may come
            // in the next batch of this pass.
            attempted.subtract(Self.untried(batch, by: result))
            // What was held behind this batch's leads may be due now.
            exhausted = false
            // Refusals all alike with nothing delivered yet wait for the rest of the pass to
            // say whose fault they are (see Forwarder+Blame.swift).
            if report.delivered == 0 && Self.isUniformRefusal(result, like: refusals.results.first) {
                refusals.append(batch, result)
                if refusals.count >= Self.refusalsThatBlameTheDestination {
                    await settle(refusals.blamingTheDestination(), into: &report)
                    refusals = RefusalsOfThePass()
                }
                continue
            }
            if !refusals.isEmpty {
                await settle(refusals.asTheyWere(), into: &report)
                refusals = RefusalsOfThePass()
            }
            await settle((batch, result), into: &report)
            logger.debug("batch", metadata: [
                "forward.items": "\(batch.count)", "forward.delivered": "\(result.delivered.count)",
                "forward.in_flight": "\(inFlight.count)",
            ])
        }
        if !refusals.isEmpty {
            await settle(refusals.count >= 2 ? refusals.blamingTheDestination() : refusals.asTheyWere(), into: &report)
        }
        await refreshStatus()
        report.queued = status.queued
        if report.delivered + report.deadLettered + report.retried > 0 {
            logger.info("outbox pass", metadata: [
                "forward.delivered": "\(report.delivered)", "forward.dead_lettered": "\(report.deadLettered)",
                "forward.retried": "\(report.retried)", "forward.queued": "\(report.queued)",
            ])
        }
        return report
    }

    /// Delivers until `stop`: connects, drains, waits out failures with backoff, and (when
    /// `.cancelled`) waits for new changes. A run starts by making every queued change due,
    /// so a restart after an outage delivers at once. Returns the run's totals; `halt` says
    /// why a `.drained` run ended with changes still queued.
    public func run(until stop: StopCondition) async -> DrainReport {
        var total = DrainReport()
        guard !running else { return total }
        running = true
        defer { running = false }
        scheduledRetries = [:]
        failuresThisRun = [:]
        destinationFailures = 0
        storeFailures = 0
        do {
            _ = try await withStore { store throws(StoreError) in try store.retryQueuedNow() }
        } catch {
            logger.warning("cannot reset retry times", metadata: ["forward.error": "\(error.redactedDescription)"])
        }
        await refreshStatus()
        while !Task.isCancelled {
            var pass = DrainReport()
            do {
                // Connect first, so an unreachable destination shows at once, queue or not.
                try await sink.prepare()
                published.withLock { $0.connected = true }
                pass = await drainOnce()
            } catch {
                pass.halt = error
                await noteDestinationFailure(error)
            }
            total.delivered += pass.delivered
            total.deadLettered += pass.deadLettered
            total.retried += pass.retried
            total.queued = pass.queued
            total.halt = nil
            if let halt = pass.halt {
                // A local store that cannot be written (a full disk) gets a few tries, with
                // backoff, then a `.drained` run ends rather than send the same batch again.
                let localFailure = halt.code == .store
                storeFailures = localFailure ? storeFailures + 1 : 0
                let givingUp = halt.code == .unreachable || halt.code == .invalidDestination || halt.code == .refusedByDestination
                    || (localFailure ? storeFailures >= min(3, configuration.attemptsPerRun) : destinationFailures >= configuration.attemptsPerRun)
                if stop == .drained && givingUp {
                    total.halt = halt
                    break
                }
                let until = localFailure
                    ? Date().addingTimeInterval(configuration.backoff.delay(afterFailures: storeFailures).seconds)
                    : resumeAt ?? Date().addingTimeInterval(configuration.backoff.delay(afterFailures: destinationFailures).seconds)
                setState(.waitingForDestination(until: until))
                logger.warning("destination failed, waiting", metadata: [
                    "forward.error": "\(halt.redactedDescription)",
                    "forward.retry_in_ms": "\(Int(until.timeIntervalSinceNow * 1000))",
                ])
                await sleep(until: until, wakeable: false)
                continue
            }
            storeFailures = 0
            let nextRetry = scheduledRetries.values.min()
            if stop == .drained {
                if pass.queued == 0 { break }
                if let worn = failuresThisRun.first(where: { $0.value >= configuration.attemptsPerRun }) {
                    total.halt = ForwardingError(.temporaryFailure, "change \(worn.key) failed \(worn.value) times in this run; "
                                                 + (status.lastError ?? ""))
                    break
                }
                guard let nextRetry else { break }
                setState(.idle)
                await sleep(until: nextRetry, wakeable: false)
                continue
            }
            setState(.idle)
            let nextPoll = Date().addingTimeInterval(configuration.idlePoll.seconds)
            await sleep(until: min(nextRetry ?? nextPoll, nextPoll), wakeable: true)
        }
        await refreshStatus()
        total.queued = status.queued
        setState(.stopped)
        return total
    }

    /// The items not yet tried in this pass, and none of a lead after one of its changes that
    /// was: a lead's changes stay in order.
    static func excluding(_ attempted: Set<Int>, from items: [OutboxItem]) -> [OutboxItem] {
        guard !attempted.isEmpty else { return items }
        var heldLeads = Set<String>()
        return items.filter { item in
            if heldLeads.contains(item.leadID) { return false }
            if attempted.contains(item.seq) {
                heldLeads.insert(item.leadID)
                return false
            }
            return true
        }
    }
}
