import LeadStore

extension Forwarder {
    /// Refusals alike (same code, status, SQLSTATE, message) that blame the destination
    /// at once, before the pass has tried everything: a receiver refusing the whole outbox
    /// is found out after a hundred POSTs, not thousands.
    static let refusalsThatBlameTheDestination = 100

    /// Whether every change of `result` was refused the same way (and like `earlier`, the
    /// first refusal batch of the pass), with at least one refused for good.
    ///
    /// Such batches are held back while the pass goes on. If the pass then delivers
    /// anything, or fails differently, the changes were at fault: they are recorded as they
    /// were (dead letters). If nothing in the pass is delivered and every change failed the
    /// same way, two or more of them, the destination is at fault (a receiver answering 401
    /// or a redirect to everything, a constraint no row meets): nothing is dead-lettered,
    /// the changes are retried with the destination's backoff, and a `.drained` run ends.
    static func isUniformRefusal(_ result: DeliveryReport, like earlier: DeliveryReport?) -> Bool {
        let failures = result.rejected + result.retry
        guard result.delivered.isEmpty, !result.rejected.isEmpty,
              let first = (earlier.flatMap { ($0.rejected + $0.retry).first } ?? failures.first)?.error
        else { return false }
        return failures.allSatisfy { $0.error.isSameFailure(as: first) }
    }

    /// Writes a batch's outcome and adds it to the pass's report.
    func settle(_ settled: (batch: [OutboxItem], result: DeliveryReport), into report: inout DrainReport) async {
        let result = settled.result
        do {
            try await record(result, for: settled.batch[...])
        } catch {
            report.halt = report.halt ?? error
        }
        report.delivered += result.delivered.count
        report.deadLettered += result.rejected.count
        report.retried += result.retry.count
        if let halt = result.halt { report.halt = report.halt ?? halt }
    }

    /// The items of `batch` that `report` says nothing about.
    static func untried(_ batch: [OutboxItem], by report: DeliveryReport) -> [Int] {
        var tried = Set(report.delivered)
        for failure in report.retry { tried.insert(failure.seq) }
        for failure in report.rejected { tried.insert(failure.seq) }
        return batch.lazy.map(\.seq).filter { !tried.contains($0) }
    }
}
