import LeadStore

extension Forwarder {
    /// A batch's report, with the blame moved to the destination when nothing of the pass was
    /// delivered and every change of the batch (two or more) was refused the same way: a
    /// receiver answering 401 to everything, or a constraint no row meets, would otherwise
    /// dead-letter the whole outbox in one pass. The changes are then retried with the
    /// destination's backoff, and a `.drained` run ends with the error.
    static func blamingTheDestination(_ report: DeliveryReport, deliveredBefore: Int) -> DeliveryReport {
        let failures = report.rejected + report.retry
        guard deliveredBefore == 0, report.delivered.isEmpty, !report.rejected.isEmpty, failures.count >= 2,
              let first = failures.first?.error, failures.allSatisfy({ $0.error.isSameFailure(as: first) })
        else { return report }
        let blamed = first.blamingTheDestination()
        return DeliveryReport(retry: failures.map { .init(seq: $0.seq, error: blamed) }, halt: blamed)
    }

    /// The items of `batch` that `report` says nothing about.
    static func untried(_ batch: [OutboxItem], by report: DeliveryReport) -> [Int] {
        var tried = Set(report.delivered)
        for failure in report.retry { tried.insert(failure.seq) }
        for failure in report.rejected { tried.insert(failure.seq) }
        return batch.lazy.map(\.seq).filter { !tried.contains($0) }
    }
}
