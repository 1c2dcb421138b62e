/// What one drain or one run did.
public struct DrainReport: Sendable, Hashable {
    public var delivered = 0
    public var deadLettered = 0
    /// Failed tries that were put back in the queue for later.
    public var retried = 0
    /// Changes still queued when it ended.
    public var queued = 0
    /// Why it ended early: the destination failed (see `ForwardingError.code`).
    public var halt: ForwardingError?

    public init() {}

    /// The destination could not be reached at all.
    public var destinationUnreachable: Bool { halt?.code == .unreachable }
}
