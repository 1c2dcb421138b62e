import CLibPQ
import Foundation

/// One libpq connection, closed when the last reference goes.
///
/// Every call blocks: use a connection only on its sink's `BlockingCallThread`.
final class PostgresConnection {
    let handle: OpaquePointer

    /// Connection options a `postgres://` URL may override: give up on a dead network within
    /// seconds rather than minutes, and name ourselves in `pg_stat_activity`.
    static let defaultOptions: [(String, String)] = [
        ("connect_timeout", "10"),
        ("fallback_application_name", "leadgate"),
        ("keepalives_idle", "30"),
        ("keepalives_interval", "10"),
        ("keepalives_count", "3"),
        ("tcp_user_timeout", "30000"),
    ]

    /// Connects to a `postgres://` or `postgresql://` URL; TLS (`sslmode`, `sslrootcert`...)
    /// and every other libpq option come from its query string.
    init(url: String) throws(ForwardingError) {
        // `dbname` last: libpq expands the URL in its place, so the URL overrides the defaults.
        let keywords = Self.defaultOptions.map(\.0) + ["dbname"]
        let values = Self.defaultOptions.map(\.1) + [url]
        guard let handle = LibPQ.connect(keywords: keywords, values: values) else {
            throw ForwardingError(.unreachable, "libpq could not start a connection", function: "PQconnectdbParams")
        }
        guard LibPQ.status(handle) == CONNECTION_OK else {
            let message = Self.oneLine(LibPQ.errorMessage(handle))
            LibPQ.finish(handle)
            throw ForwardingError(.unreachable, message, function: "PQconnectdbParams")
        }
        LibPQ.silenceNotices(handle)
        self.handle = handle
    }

    deinit { LibPQ.finish(handle) }

    /// False once libpq has seen the connection drop.
    var isOpen: Bool { LibPQ.status(handle) == CONNECTION_OK }

    /// True between BEGIN and COMMIT/ROLLBACK, or in a failed transaction.
    var isInTransaction: Bool { LibPQ.transactionStatus(handle) != PQTRANS_IDLE }

    /// Runs one or more SQL commands with no parameters.
    @discardableResult
    func execute(_ sql: String) throws(ForwardingError) -> PostgresResult {
        try check(LibPQ.exec(handle, sql), function: "PQexec")
    }

    /// Runs one SQL command with text parameters `$1`, `$2`... (nil is NULL).
    @discardableResult
    func execute(_ sql: String, _ parameters: [String?]) throws(ForwardingError) -> PostgresResult {
        try check(LibPQ.execParams(handle, sql, parameters), function: "PQexecParams")
    }

    /// Runs `COPY ... FROM STDIN` with `data` as its input; returns the rows copied.
    func copy(_ sql: String, data: [UInt8]) throws(ForwardingError) -> Int {
        try check(LibPQ.exec(handle, sql), function: "PQexec", expecting: [PGRES_COPY_IN])
        // Chunks keep libpq from growing its output buffer to the size of the whole batch.
        let chunk = 1 << 18
        var sent: Int32 = 1
        data.withUnsafeBytes { bytes in
            var start = 0
            while start < bytes.count, sent == 1 {
                let end = min(start + chunk, bytes.count)
                sent = LibPQ.putCopyData(handle, UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
                start = end
            }
        }
        try check(sent, function: "PQputCopyData")
        try check(LibPQ.putCopyEnd(handle), function: "PQputCopyEnd")
        let result = LibPQ.result(handle)
        defer { drainResults() }
        return try check(result, function: "PQgetResult").affectedRows
    }

    /// Reads what is left of a command's results, as libpq requires before the next command.
    private func drainResults() {
        while let extra = LibPQ.result(handle) { LibPQ.clear(extra) }
    }

    /// Every libpq result goes through here, so an error names the call that failed.
    @discardableResult
    func check(_ result: OpaquePointer?, function: String,
               expecting expected: [ExecStatusType] = [PGRES_COMMAND_OK, PGRES_TUPLES_OK]) throws(ForwardingError) -> PostgresResult {
        guard let result else { throw failure(function: function, result: nil) }
        let owned = PostgresResult(result)
        guard expected.contains(owned.status) else { throw failure(function: function, result: owned) }
        return owned
    }

    /// The status-code form, for `PQputCopyData` and `PQputCopyEnd` (1 is success).
    func check(_ code: Int32, function: String) throws(ForwardingError) {
        guard code != 1 else { return }
        throw failure(function: function, result: nil)
    }

    private func failure(function: String, result: PostgresResult?) -> ForwardingError {
        let sqlState = result.flatMap { LibPQ.sqlState($0.handle) }
        var message = result.map { LibPQ.resultErrorMessage($0.handle) } ?? ""
        if message.isEmpty { message = LibPQ.errorMessage(handle) }
        if message.isEmpty { message = "no result (the connection failed)" }
        // No result at all, or a dropped connection: the server is gone, not the data's fault.
        let code: ForwardingError.Code = isOpen && result != nil ? Self.classify(sqlState: sqlState) : .unreachable
        return ForwardingError(code, Self.oneLine(message), function: function, sqlState: sqlState)
    }

    /// What a server error means for delivery: data errors (class 22) and constraint
    /// violations (23) reject the row for good; a lost or refused connection (08, and the
    /// shutdown codes 57P01-57P03) waits for the server; anything else is retried.
    static func classify(sqlState: String?) -> ForwardingError.Code {
        guard let sqlState, sqlState.count == 5 else { return .temporaryFailure }
        if sqlState.hasPrefix("22") || sqlState.hasPrefix("23") { return .rejected }
        if sqlState.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(sqlState) { return .unreachable }
        return .temporaryFailure
    }

    static func oneLine(_ message: String) -> String {
        message.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: " ")
    }
}
