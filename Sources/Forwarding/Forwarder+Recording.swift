import Foundation
import LeadStore

extension Forwarder {
    /// Writes a batch's outcome to the store: delivered, dead-lettered with the reason, or
    /// queued again with the time of the next try.
    func record(_ result: DeliveryReport, for batch: ArraySlice<OutboxItem>) async throws(ForwardingError) {
        let now = Date()
        let delivered = result.delivered
        if !delivered.isEmpty {
            try await withStore { store throws(StoreError) in try store.markDelivered(delivered, at: now) }
        }
        let items = Dictionary(batch.map { ($0.seq, $0) }, uniquingKeysWith: { first, _ in first })
        for rejection in result.rejected {
            let reason = rejection.error.description
            try await withStore { store throws(StoreError) in try store.markDead(rejection.seq, reason: reason, at: now) }
            logger.warning("change dead-lettered", metadata: [
                "forward.event_id": "\(items[rejection.seq]?.eventID ?? "?")",
                "forward.kind": "\(items[rejection.seq]?.kind ?? "?")",
                "forward.error": "\(rejection.error.redactedDescription)",
            ])
        }
        var haltRetry: Date?
        if let halt = result.halt {
            destinationFailures += 1
            let delay = configuration.backoff.delay(afterFailures: destinationFailures, retryAfter: halt.retryAfter)
            haltRetry = now.addingTimeInterval(delay.seconds)
            resumeAt = haltRetry
        } else if !delivered.isEmpty {
            destinationFailures = 0
            resumeAt = nil
        }
        // One store transaction per retry time and reason: a halted batch is one call, not one per item.
        var retries: [RetryGroup: [Int]] = [:]
        for failure in result.retry {
            let retryAt: Date
            if let haltRetry, failure.error == result.halt {
                retryAt = haltRetry
            } else {
                let failures = (items[failure.seq]?.attempts ?? 0) + 1
                retryAt = now.addingTimeInterval(configuration.backoff.delay(afterFailures: failures, retryAfter: failure.error.retryAfter).seconds)
            }
            retries[RetryGroup(at: retryAt, reason: failure.error.description), default: []].append(failure.seq)
            scheduledRetries[failure.seq] = retryAt
            failuresThisRun[failure.seq, default: 0] += 1
        }
        for (group, seqs) in retries {
            try await withStore { store throws(StoreError) in
                try store.markRetry(seqs, error: group.reason, retryAt: group.at, at: now)
            }
        }
        for seq in delivered { scheduledRetries[seq] = nil }
        for rejection in result.rejected { scheduledRetries[rejection.seq] = nil }
        let lastFailure = result.halt ?? result.retry.last?.error ?? result.rejected.last?.error
        published.withLock { status in
            status.queued = max(0, status.queued - delivered.count - result.rejected.count)
            status.delivered += delivered.count
            status.deadLettered += result.rejected.count
            if !delivered.isEmpty { status.lastSuccess = now }
            if let lastFailure {
                status.lastError = lastFailure.description
                status.lastErrorAt = now
            }
            status.connected = result.halt?.code != .unreachable
        }
    }

    /// The destination failed before anything was sent: note it, and when to try again.
    func noteDestinationFailure(_ error: ForwardingError) async {
        destinationFailures += 1
        let now = Date()
        resumeAt = now.addingTimeInterval(configuration.backoff.delay(afterFailures: destinationFailures, retryAfter: error.retryAfter).seconds)
        let message = error.description
        _ = try? await withStore { store throws(StoreError) in try store.recordForwardingError(message, at: now) }
        published.withLock { status in
            status.connected = false
            status.lastError = message
            status.lastErrorAt = now
        }
    }

    /// Reloads the counts from the store (other processes may have captured or delivered).
    func refreshStatus() async {
        guard let outbox = try? await withStore({ store throws(StoreError) in try store.outboxStatus() }) else { return }
        published.withLock { status in
            status.queued = outbox.queued
            status.delivered = outbox.delivered
            status.deadLettered = outbox.deadLettered
            status.lastSuccess = outbox.lastSuccess
            status.lastError = outbox.lastError
            status.lastErrorAt = outbox.lastErrorAt
            status.oldestQueuedAt = outbox.oldestQueuedAt
        }
    }

    func setState(_ state: ForwarderStatus.State) {
        published.withLock { $0.state = state }
    }

    /// Waits until `date`; a `wake()` cuts it short when `wakeable`; cancellation always does.
    func sleep(until date: Date, wakeable: Bool) async {
        let deadline = ContinuousClock.now + .milliseconds(max(0, Int64(date.timeIntervalSinceNow * 1000)))
        if wakeable {
            await wakeup.wait(until: deadline)
        } else {
            try? await Task.sleep(until: deadline, clock: .continuous)
        }
    }

    /// Runs a store call on the store's thread; its errors become `.store` errors.
    func withStore<T: Sendable>(_ body: @escaping @Sendable (LeadStore) throws(StoreError) -> T) async throws(ForwardingError) -> T {
        try await storeThread.run(on: store, body)
    }
}

/// Retries that share a time and a reason, recorded together.
private struct RetryGroup: Hashable {
    var at: Date
    var reason: String
}
