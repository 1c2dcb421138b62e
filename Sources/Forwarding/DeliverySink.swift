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

    /// How many batches the loop may hand over before the first one's report is back (the
    /// sink then takes them in order). More than one lets the loop read the next batch from
    /// the store while the destination works.
    var maximumBatchesInFlight: Int { get }

    /// The most changes the loop hands over in one batch, whatever its own batch size: the
    /// loop records progress after each batch, so a sink that sends change by change keeps
    /// batches small and a killed forwarder re-sends few.
    var maximumBatchSize: Int { get }
}

extension DeliverySink {
    public var maximumBatchesInFlight: Int { 1 }
    public var maximumBatchSize: Int { Int.max }
}
