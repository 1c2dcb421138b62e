/// What one notifier pass did.
public struct NotifyReport: Sendable, Hashable {
    public var queued = 0
    public var delivered = 0
    public var retried = 0
    public var deadLettered = 0
    public var lastError: String?
    public init() {}
}
