import Foundation

/// What a forwarder is doing, for `leadgate status` and the booth's header: read it as often
/// as you like; it never waits for the store or the network.
public struct ForwarderStatus: Sendable, Hashable {
    public enum State: Sendable, Hashable {
        /// Not started, or between runs.
        case stopped
        case delivering
        /// Nothing due; waiting for new changes or the next retry.
        case idle
        /// The destination failed; the next try is at this time.
        case waitingForDestination(until: Date)
    }

    public var destination: String
    public var state: State = .stopped
    /// Whether the last contact with the destination worked; nil before the first one.
    public var connected: Bool?
    public var queued = 0
    public var delivered = 0
    public var deadLettered = 0
    public var lastSuccess: Date?
    public var lastError: String?
    public var lastErrorAt: Date?
    public var oldestQueuedAt: Date?

    public init(destination: String) {
        self.destination = destination
    }
}
