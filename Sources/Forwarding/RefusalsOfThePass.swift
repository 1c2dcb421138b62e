import LeadStore

/// The batches of a pass held back because every change in them was refused the same way.
struct RefusalsOfThePass {
    private(set) var batches: [[OutboxItem]] = []
    private(set) var results: [DeliveryReport] = []

    var isEmpty: Bool { results.isEmpty }
    /// Changes in them, tried or not.
    var items: Int { batches.reduce(0) { $0 + $1.count } }
    /// Changes refused or failed in them.
    var count: Int { results.reduce(0) { $0 + $1.rejected.count + $1.retry.count } }

    mutating func append(_ batch: [OutboxItem], _ result: DeliveryReport) {
        batches.append(batch)
        results.append(result)
    }

    /// All of them as one outcome: as the sink reported it.
    func asTheyWere() -> (batch: [OutboxItem], result: DeliveryReport) {
        (batches.flatMap { $0 }, DeliveryReport(retry: results.flatMap(\.retry), rejected: results.flatMap(\.rejected)))
    }

    /// All of them as one outcome: the destination's fault, every change to be retried.
    func blamingTheDestination() -> (batch: [OutboxItem], result: DeliveryReport) {
        let failures = results.flatMap { $0.rejected + $0.retry }
        guard let blamed = failures.first?.error.blamingTheDestination() else { return asTheyWere() }
        return (batches.flatMap { $0 }, DeliveryReport(retry: failures.map { .init(seq: $0.seq, error: blamed) }, halt: blamed))
    }
}
