import Foundation
import LeadStore
import Logging
import Synchronization

/// Delivers the outbox to PostgreSQL through libpq: one transaction per batch, COPY into a
/// staging table, then an upsert of the leads and an idempotent insert of their events.
///
/// Batches go out on a few connections at once (the loop never gives two at once the same
/// lead), each kept open across batches and made again after a failure. libpq blocks, so
/// each connection has a thread of its own.
public final class PostgresSink: DeliverySink {
    private let lanes: [PostgresLane]
    private let nextLane = Mutex(0)
    private let logger: Logger
    private let secrets: DestinationSecrets
    public let destination: String

    /// One batch per connection: while one commits, the next is on its way.
    public var maximumBatchesInFlight: Int { lanes.count }

    /// `url` is a `postgres://` or `postgresql://` URL; libpq reads every option from it
    /// (`?sslmode=verify-full&sslrootcert=...`, `connect_timeout`, `options=-csearch_path=...`).
    public init(url: String, connections: Int = 2, logger: Logger) throws(ForwardingError) {
        guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") else {
            throw ForwardingError(.invalidDestination, "\(Destination.redacted(url)): not a postgres:// URL")
        }
        let secrets = DestinationSecrets(url)
        // libpq would read part of such a password as host, port or database, and quote it.
        guard !secrets.userInfoIsAmbiguous else {
            throw ForwardingError(.invalidDestination, "\(Destination.redacted(url)): the user or password holds a raw /, ? or #: "
                                  + "percent-encode it (%2F, %3F, %23)")
        }
        // Read by libpq before any connection, so a malformed URL is a usage error, not a
        // failure to connect retried for ever; libpq's message may quote the URL: scrubbed.
        if case .failure(let failure) = LibPQ.parseConnectionInfo(url) {
            throw ForwardingError(.invalidDestination, "\(Destination.redacted(url)): libpq cannot read it: "
                                  + PostgresConnection.oneLine(secrets.scrub(failure.message)))
        }
        self.logger = logger
        self.secrets = secrets
        destination = Destination.redacted(url)
        lanes = (0..<max(1, connections)).map { PostgresLane(url: url, name: "leadgate.postgres.\($0)", logger: logger) }
    }

    /// Connects the first connection (the others connect with their first batch).
    public func prepare() async throws(ForwardingError) {
        let lane = lanes[0]
        do {
            try await lane.thread.run { () throws(ForwardingError) in _ = try lane.openConnection() }
        } catch {
            throw error.scrubbed(secrets.scrub)
        }
    }

    public func close() async {
        for lane in lanes { await lane.thread.run { lane.dropConnection() } }
    }

    public func deliver(_ items: [OutboxItem]) async -> DeliveryReport {
        guard !items.isEmpty else { return DeliveryReport() }
        // Round robin: with at most one batch per connection in flight, taken in order, the
        // next batch's connection is the one whose batch was just recorded.
        let lane = lanes[nextLane.withLock { next in defer { next = (next + 1) % lanes.count }; return next }]
        var report = await lane.thread.run { self.deliver(items, on: lane) }
        // libpq's messages can quote the URL (and so its password): never past this point.
        report.retry = report.retry.map { .init(seq: $0.seq, error: $0.error.scrubbed(secrets.scrub)) }
        report.rejected = report.rejected.map { .init(seq: $0.seq, error: $0.error.scrubbed(secrets.scrub)) }
        report.halt = report.halt?.scrubbed(secrets.scrub)
        return report
    }

    /// Runs one query and returns its rows as text, for tests and diagnostics.
    func query(_ sql: String, _ parameters: [String?] = []) async throws(ForwardingError) -> [[String?]] {
        let lane = lanes[0]
        return try await lane.thread.run { () throws(ForwardingError) in
            let result = try lane.openConnection().execute(sql, parameters)
            let columns = LibPQ.columnCount(result.handle)
            return (0..<result.rowCount).map { row in (0..<columns).map { result.value(row: row, column: $0) } }
        }
    }

    // MARK: on a lane's thread

    private func deliver(_ items: [OutboxItem], on lane: PostgresLane) -> DeliveryReport {
        let connection: PostgresConnection
        do {
            connection = try lane.openConnection()
        } catch {
            return DeliveryReport(retry: items.map { .init(seq: $0.seq, error: error) }, halt: error)
        }
        do {
            try write(items, on: connection)
            return DeliveryReport(delivered: items.map(\.seq))
        } catch where error.isPermanent && connection.isOpen {
            // One row spoils the batch's transaction: find it by sending the items one by one.
            rollBack(connection, lane)
            logger.info("batch rejected, delivering one by one",
                        metadata: ["forward.items": "\(items.count)", "forward.error": "\(error.redactedDescription)"])
            return deliverOneByOne(items, on: connection, lane)
        } catch {
            lane.dropConnection()
            return DeliveryReport(retry: items.map { .init(seq: $0.seq, error: error) }, halt: error)
        }
    }

    private func deliverOneByOne(_ items: [OutboxItem], on connection: PostgresConnection, _ lane: PostgresLane) -> DeliveryReport {
        var report = DeliveryReport()
        for (index, item) in items.enumerated() {
            do {
                try write([item], on: connection)
                report.delivered.append(item.seq)
            } catch where error.isPermanent && connection.isOpen {
                rollBack(connection, lane)
                report.rejected.append(.init(seq: item.seq, error: error))
            } catch {
                lane.dropConnection()
                report.retry = items[index...].map { .init(seq: $0.seq, error: error) }
                report.halt = error
                break
            }
        }
        return report
    }

    /// One transaction: COPY the items into the staging table, upsert, insert, commit.
    private func write(_ items: [OutboxItem], on connection: PostgresConnection) throws(ForwardingError) {
        var newest: [String: Int] = [:]
        newest.reserveCapacity(items.count)
        for item in items { newest[item.leadID] = max(newest[item.leadID] ?? item.seq, item.seq) }
        var rows = BinaryCopy(reservingCapacity: items.reduce(0) { $0 + $1.leadJSON.utf8.count + $1.data.utf8.count + 160 })
        for item in items {
            rows.beginRow(fieldCount: 8)
            rows.append(Int64(item.seq))
            rows.append(item.eventID)
            rows.append(item.leadID)
            rows.append(item.kind)
            rows.append(item.at)
            rows.append(item.data)
            rows.append(item.leadJSON)
            rows.append(newest[item.leadID] == item.seq)
        }
        try connection.execute("BEGIN")
        _ = try connection.copy(Self.copySQL, data: rows.finish())
        try connection.execute(Self.upsertLeadsSQL)
        try connection.execute(Self.insertEventsSQL)
        try connection.execute(Self.applyEventsSQL)
        try connection.execute("COMMIT")
    }

    private func rollBack(_ connection: PostgresConnection, _ lane: PostgresLane) {
        guard connection.isInTransaction else { return }
        do { try connection.execute("ROLLBACK") } catch { lane.dropConnection() }
    }
}
