import LeadStore

/// A place the outbox is delivered to: the team's PostgreSQL database or a webhook.
///
/// A sink is given items oldest first and must keep each lead's changes in that order. It
/// must be idempotent by event id: the same item may come again after a crash between the
/// destination's commit and the local store's record of it.
public protocol DeliverySink: Sendable {
    /// The destination without credentials, for logs and messages.
    var destination: String { get }

    /// Connects and sets up what the destination needs (tables); safe to call again.
    func prepare() async throws(ForwardingError)

    /// Delivers `items`, in order, and says what became of each.
    func deliver(_ items: [OutboxItem]) async -> DeliveryReport

    /// Closes connections; the next `deliver` opens them again.
    func close() async
}

/// What a sink did with a batch. Items in none of the lists were not tried (a lead's later
/// change after its earlier one failed, or the rest of a batch after the destination went
/// away); they stay queued as they were.
public struct DeliveryReport: Sendable {
    public struct Failure: Sendable, Hashable {
        public var seq: Int
        public var error: ForwardingError

        public init(seq: Int, error: ForwardingError) {
            self.seq = seq
            self.error = error
        }
    }

    public var delivered: [Int]
    /// Failed for now; try again after a backoff.
    public var retry: [Failure]
    /// Refused for good: to the dead-letter list.
    public var rejected: [Failure]
    /// Set when the destination itself failed (unreachable, or failing every batch): the
    /// loop stops this pass and waits before trying the destination again.
    public var halt: ForwardingError?

    public init(delivered: [Int] = [], retry: [Failure] = [], rejected: [Failure] = [], halt: ForwardingError? = nil) {
        self.delivered = delivered
        self.retry = retry
        self.rejected = rejected
        self.halt = halt
    }
}
