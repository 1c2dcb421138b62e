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
        /// The destination refuses every change the same way (a wrong secret or URL: 401,
        /// 403, 404; a constraint no row meets): its fault, not the changes'. Nothing is
        /// dead-lettered; the whole destination waits, with backoff.
        public static let refusedByDestination = Code("refused by the destination")
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

    /// Whether `other` is the same failure: the same code, HTTP status, SQLSTATE and server
    /// message (without PostgreSQL's DETAIL, which names the row; a webhook's body is not
    /// compared, it may name the change).
    public func isSameFailure(as other: ForwardingError) -> Bool {
        func message(_ error: ForwardingError) -> Substring {
            guard error.httpStatus == nil || (300..<400).contains(error.httpStatus ?? 0) else { return "" }
            return error.detail.range(of: " DETAIL:").map { error.detail[..<$0.lowerBound] } ?? error.detail[...]
        }
        return code == other.code && httpStatus == other.httpStatus && sqlState == other.sqlState && message(self) == message(other)
    }

    /// The same failure, blamed on the destination (see `Code.refusedByDestination`).
    public func blamingTheDestination() -> ForwardingError {
        ForwardingError(.refusedByDestination, detail, function: function, sqlState: sqlState, httpStatus: httpStatus, retryAfter: retryAfter)
    }

    /// The same failure with `scrub` applied to its message (to take secrets out).
    func scrubbed(_ scrub: (String) -> String) -> ForwardingError {
        ForwardingError(code, scrub(detail), function: function, sqlState: sqlState, httpStatus: httpStatus, retryAfter: retryAfter)
    }

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
