import Foundation
import Leads
import LeadStore

/// The team's shared PostgreSQL read back: every gateway's leads for `leadgate leads --from`
/// and `leadgate report --from`.
///
/// Every call blocks on libpq: use it from a command's main thread or a thread of its own,
/// never from the cooperative pool.
public final class SharedStore {
    private let connection: PostgresConnection
    public let destination: String
    private let decoder = JSONDecoder()

    /// Connects and brings the schema (tables, flat columns, views) up to date; a user who
    /// may only read still reads a database a forwarder has already upgraded.
    public init(url: String) throws(ForwardingError) {
        guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") else {
            throw ForwardingError(.invalidDestination, "\(Destination.redacted(url)): not a postgres:// URL")
        }
        destination = Destination.redacted(url)
        connection = try PostgresConnection(url: url)
        do {
            try connection.execute(PostgresSink.schemaSQL)
        } catch {
            if connection.isInTransaction { _ = try? connection.execute("ROLLBACK") }
        }
    }

    /// The leads that match `filter`, in capture order, as their gateways last sent them.
    /// Read through a cursor, a few thousand rows at a time.
    public func leads(_ filter: LeadFilter, now: Date = Date()) throws(ForwardingError) -> [Lead] {
        var clauses: [String] = []
        var parameters: [String?] = []
        func add(_ clause: String, _ value: String) {
            parameters.append(value)
            clauses.append(clause.replacingOccurrences(of: "?", with: "$\(parameters.count)"))
        }
        if let event = filter.event { add("\(Self.eventKeySQL("event")) = ?", Self.eventKey(event)) }
        if let rep = filter.rep { add("rep = ?", rep) }
        if let owner = filter.owner { add("owner = ?", owner) }
        if let status = filter.status { add("status = ?", status.rawValue) }
        if let due = filter.dueBefore {
            add("due_at < ?::timestamptz AND next_action IS DISTINCT FROM '\(NextAction.noAction)'", Timestamp.format(due))
        }
        var sql = "DECLARE leadgate_leads NO SCROLL CURSOR FOR SELECT id::text, lead::text FROM leads"
        if !clauses.isEmpty { sql += " WHERE " + clauses.joined(separator: " AND ") }
        // The cards of one file share a capture time: their gateway's order (`capture_seq`,
        // the sequence number of the lead's first delivered change) keeps them in file order.
        sql += " ORDER BY captured_at, gateway, capture_seq, id"
        if let limit = filter.limit { sql += " LIMIT \(max(0, limit))" }
        try connection.execute("BEGIN READ ONLY")
        defer { _ = try? connection.execute("COMMIT") }
        try connection.execute(sql, parameters)
        var leads: [Lead] = []
        while true {
            let batch = try connection.execute("FETCH 5000 FROM leadgate_leads")
            guard batch.rowCount > 0 else { break }
            for row in 0..<batch.rowCount {
                let id = batch.value(row: row, column: 0) ?? "?"
                do {
                    leads.append(try decoder.decode(Lead.self, from: Data((batch.value(row: row, column: 1) ?? "").utf8)))
                } catch {
                    throw ForwardingError(.rejected, "lead \(id) in the shared store cannot be read: \(error)")
                }
            }
        }
        return leads
    }

    /// When each lead first reached the shared store (its `created` event arrived), by id.
    public func firstDeliveries(event: String?) throws(ForwardingError) -> [String: Date] {
        try times("""
            SELECT e.lead_id::text, min(e.received_at) FROM lead_events e JOIN leads l ON l.id = e.lead_id
            WHERE ($1::text IS NULL OR \(Self.eventKeySQL("l.event")) = $1) GROUP BY e.lead_id
            """, event.map(Self.eventKey))
    }

    /// When each lead was first contacted (`leadgate done` on any gateway), by id.
    public func firstContacts(event: String?) throws(ForwardingError) -> [String: Date] {
        try times("""
            SELECT id::text, first_contacted_at FROM leads
            WHERE first_contacted_at IS NOT NULL AND ($1::text IS NULL OR \(Self.eventKeySQL("event")) = $1)
            """, event.map(Self.eventKey))
    }

    /// An event name reduced to what tells two events apart (case, surrounding and repeated
    /// spaces do not), as `--event` matches in the local store.
    static func eventKey(_ name: String) -> String {
        name.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ").lowercased()
    }

    static func eventKeySQL(_ column: String) -> String {
        "lower(regexp_replace(btrim(\(column)), '\\s+', ' ', 'g'))"
    }

    private func times(_ sql: String, _ event: String?) throws(ForwardingError) -> [String: Date] {
        let result = try connection.execute("SELECT q.id, to_char(q.at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') FROM (\(sql)) AS q(id, at)", [event])
        var out: [String: Date] = [:]
        for row in 0..<result.rowCount {
            if let id = result.value(row: row, column: 0), let at = result.value(row: row, column: 1).flatMap(Timestamp.parse) {
                out[id] = at
            }
        }
        return out
    }
}
