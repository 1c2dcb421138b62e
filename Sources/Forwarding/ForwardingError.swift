/// A failure to deliver to the shared store, naming the libpq call, the SQLSTATE or the HTTP
/// status behind it, and what the delivery loop should do about it.
public struct ForwardingError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The `--to` URL is not one leadgate can deliver to, or its secret is missing.
        public static let invalidDestination = Code("invalid destination")
        /// No connection: refused, timed out, name not found, TLS failed, or the connection
        /// dropped mid-batch. Retried with backoff; the whole destination waits.
        public static let unreachable = Code("destination unreachable")
        /// The destination answered but could not take the batch now (a 5xx, a 429, a
        /// serialization failure, a full disk). Retried with backoff.
        public static let temporaryFailure = Code("temporary failure")
        /// The destination refused this one change for good (a 4xx, a row the database
        /// rejects). The change goes to the dead-letter list and never blocks the rest.
        public static let rejected = Code("rejected")
        /// The local store failed while reading or recording deliveries.
        public static let store = Code("local store error")
    }

    public let code: Code
    /// The libpq function, or `POST` for a webhook.
    public let function: String?
    /// The server's message. May quote the data it refused: keep it out of info-level logs.
    public let detail: String
    /// PostgreSQL's five-character error code, when the server sent one.
    public let sqlState: String?
    /// The webhook receiver's HTTP status.
    public let httpStatus: Int?
    /// How long the destination asked us to wait (HTTP `Retry-After`).
    public let retryAfter: Duration?

    public init(_ code: Code, _ detail: String, function: String? = nil, sqlState: String? = nil,
                httpStatus: Int? = nil, retryAfter: Duration? = nil) {
        self.code = code
        self.detail = detail
        self.function = function
        self.sqlState = sqlState
        self.httpStatus = httpStatus
        self.retryAfter = retryAfter
    }

    /// True when only this change is at fault and retrying will not help.
    public var isPermanent: Bool { code == .rejected }

    public var description: String {
        var parts: [String] = [code.rawValue]
        if let function { parts.append(function) }
        if let sqlState { parts.append("SQLSTATE \(sqlState)") }
        if let httpStatus { parts.append("HTTP \(httpStatus)") }
        let head = parts.joined(separator: ": ")
        return detail.isEmpty ? head : "\(head): \(detail)"
    }

    /// The code, call and status without the server's message, for info-level logs.
    public var redactedDescription: String {
        var parts: [String] = [code.rawValue]
        if let function { parts.append(function) }
        if let sqlState { parts.append("SQLSTATE \(sqlState)") }
        if let httpStatus { parts.append("HTTP \(httpStatus)") }
        return parts.joined(separator: ": ")
    }
}
