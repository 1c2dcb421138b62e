import Logging

/// One connection to the shared store and the thread that uses it.
///
/// The connection is made on first use (creating the schema and the staging table) and
/// dropped after a failure, so the next batch connects again.
final class PostgresLane: @unchecked Sendable {
    // `@unchecked Sendable`: `connection` is read and written only by jobs on `thread`,
    // which runs them one at a time.
    private var connection: PostgresConnection?
    let thread: BlockingCallThread
    private let url: String
    private let logger: Logger

    init(url: String, name: String, logger: Logger) {
        self.url = url
        self.logger = logger
        thread = BlockingCallThread(name: name)
    }

    /// On the thread: the open connection, made if there is none or it dropped.
    func openConnection() throws(ForwardingError) -> PostgresConnection {
        if let connection, connection.isOpen { return connection }
        connection = nil
        let fresh = try PostgresConnection(url: url)
        try fresh.execute(PostgresSink.schemaSQL)
        try fresh.execute(PostgresSink.stagingSQL)
        connection = fresh
        logger.info("connected to the shared store", metadata: ["forward.destination": "\(Destination.redacted(url))"])
        return fresh
    }

    /// On the thread: forgets the connection (closing it); the server rolls back what it had open.
    func dropConnection() {
        connection = nil
    }
}
