@testable import Forwarding

/// A transaction the test keeps open on its own connection, to hold a lock while the
/// forwarder runs into it.
final class HeldTransaction: @unchecked Sendable {
    // `@unchecked Sendable`: `connection` is touched only by jobs on `thread`.
    private let thread = BlockingCallThread(name: "test.held-transaction")
    private var connection: PostgresConnection?

    /// Connects, runs `BEGIN` and `sql`, and leaves the transaction open.
    init(url: String, _ sql: String) async throws {
        try await thread.run { () throws(ForwardingError) in
            let connection = try PostgresConnection(url: url)
            try connection.execute("BEGIN")
            try connection.execute(sql)
            self.connection = connection
        }
    }

    /// Rolls back and disconnects, releasing the locks.
    func release() async {
        await thread.run {
            _ = try? self.connection?.execute("ROLLBACK")
            self.connection = nil
        }
    }
}
