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
