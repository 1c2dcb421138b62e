import Foundation
import LeadStore
import Logging

/// Delivers the outbox to PostgreSQL through libpq: one transaction per batch, COPY into a
/// staging table, then an upsert of the leads and an idempotent insert of their events.
///
/// The connection stays open across batches and is made again after a failure. libpq
/// blocks, so every call runs on the sink's own thread.
public final class PostgresSink: DeliverySink, @unchecked Sendable {
    // `@unchecked Sendable`: `connection` is read and written only by jobs on `thread`,
    // which runs them one at a time.
    private var connection: PostgresConnection?
    private let thread = BlockingCallThread(name: "leadgate.postgres")
    private let url: String
    private let logger: Logger
    public let destination: String

    /// `url` is a `postgres://` or `postgresql://` URL; libpq reads every option from it
    /// (`?sslmode=verify-full&sslrootcert=...`, `connect_timeout`, `options=-csearch_path=...`).
    public init(url: String, logger: Logger) throws(ForwardingError) {
        guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") else {
            throw ForwardingError(.invalidDestination, "\(Destination.redacted(url)): not a postgres:// URL")
        }
        self.url = url
        self.logger = logger
        destination = Destination.redacted(url)
    }

    public func prepare() async throws(ForwardingError) {
        try await thread.run { () throws(ForwardingError) in _ = try self.openConnection() }
    }

    public func close() async {
        await thread.run { self.connection = nil }
    }

    public func deliver(_ items: [OutboxItem]) async -> DeliveryReport {
        guard !items.isEmpty else { return DeliveryReport() }
        return await thread.run { self.deliverOnThread(items) }
    }

    /// Runs one query and returns its rows as text, for tests and diagnostics.
    func query(_ sql: String, _ parameters: [String?] = []) async throws(ForwardingError) -> [[String?]] {
        try await thread.run { () throws(ForwardingError) in
            let result = try self.openConnection().execute(sql, parameters)
            let columns = LibPQ.columnCount(result.handle)
            return (0..<result.rowCount).map { row in (0..<columns).map { result.value(row: row, column: $0) } }
        }
    }

    // MARK: on the thread

    private func openConnection() throws(ForwardingError) -> PostgresConnection {
        if let connection, connection.isOpen { return connection }
        connection = nil
        let fresh = try PostgresConnection(url: url)
        try fresh.execute(Self.schemaSQL)
        try fresh.execute(Self.stagingSQL)
        connection = fresh
        logger.info("connected to the shared store", metadata: ["forward.destination": "\(destination)"])
        return fresh
    }

    private func deliverOnThread(_ items: [OutboxItem]) -> DeliveryReport {
        let connection: PostgresConnection
        do {
            connection = try openConnection()
        } catch {
            return DeliveryReport(retry: items.map { .init(seq: $0.seq, error: error) }, halt: error)
        }
        do {
            try write(items, on: connection)
            return DeliveryReport(delivered: items.map(\.seq))
        } catch where error.isPermanent && connection.isOpen {
            // One row spoils the batch's transaction: find it by sending the items one by one.
            rollBack(connection)
            logger.info("batch rejected, delivering one by one",
                        metadata: ["forward.items": "\(items.count)", "forward.error": "\(error.redactedDescription)"])
            return deliverOneByOne(items, on: connection)
        } catch {
            self.connection = nil
            return DeliveryReport(retry: items.map { .init(seq: $0.seq, error: error) }, halt: error)
        }
    }

    private func deliverOneByOne(_ items: [OutboxItem], on connection: PostgresConnection) -> DeliveryReport {
        var report = DeliveryReport()
        for (index, item) in items.enumerated() {
            do {
                try write([item], on: connection)
                report.delivered.append(item.seq)
            } catch where error.isPermanent && connection.isOpen {
                rollBack(connection)
                report.rejected.append(.init(seq: item.seq, error: error))
            } catch {
                self.connection = nil
                report.retry = items[index...].map { .init(seq: $0.seq, error: error) }
                report.halt = error
                break
            }
        }
        return report
    }

    /// One transaction: COPY the items into the staging table, upsert, insert, commit.
    private func write(_ items: [OutboxItem], on connection: PostgresConnection) throws(ForwardingError) {
        var rows = BinaryCopy(reservingCapacity: items.reduce(0) { $0 + $1.leadJSON.utf8.count + $1.data.utf8.count + 160 })
        for item in items {
            rows.beginRow(fieldCount: 7)
            rows.append(Int64(item.seq))
            rows.append(item.eventID)
            rows.append(item.leadID)
            rows.append(item.kind)
            rows.append(item.at)
            rows.append(item.data)
            rows.append(item.leadJSON)
        }
        try connection.execute("BEGIN")
        _ = try connection.copy(Self.copySQL, data: rows.finish())
        try connection.execute(Self.upsertLeadsSQL)
        try connection.execute(Self.insertEventsSQL)
        try connection.execute("COMMIT")
    }

    private func rollBack(_ connection: PostgresConnection) {
        guard connection.isInTransaction else { return }
        do { try connection.execute("ROLLBACK") } catch { self.connection = nil }
    }
}
