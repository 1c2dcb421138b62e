import Foundation
import Leads

/// One change waiting for the shared store: the event and the lead as it is now.
public struct OutboxItem: Sendable, Hashable {
    public var seq: Int
    public var eventID: String
    public var leadID: String
    public var kind: String
    public var at: Date
    /// The change, as JSON.
    public var data: String
    /// The lead's JSON as it is now (the latest state wins downstream).
    public var leadJSON: String
    public var attempts: Int
}

/// The outbox at a glance, for `leadgate status` and the booth header.
public struct OutboxStatus: Sendable, Hashable {
    public var queued: Int
    public var delivered: Int
    public var deadLettered: Int
    public var lastSuccess: Date?
    public var lastError: String?
    public var lastErrorAt: Date?
    public var oldestQueuedAt: Date?
}

extension LeadStore {
    /// Up to `limit` queued items due by `now`, oldest first. An item whose lead has an
    /// earlier item still queued (waiting for a retry) is held back, so each lead's changes
    /// arrive in order; dead-lettered items do not hold anything back.
    public func pendingDeliveries(limit: Int, now: Date = Date()) throws(StoreError) -> [OutboxItem] {
        try withDatabase { (db) throws(StoreError) in
            let statement = try db.statement("""
                SELECT e.seq, e.id, e.lead_id, e.kind, e.at, \(Self.attributedDataSQL), l.json, e.attempts, e.next_attempt_at
                FROM lead_events e JOIN leads l ON l.id = e.lead_id
                WHERE e.seq >= \(Self.outboxFloor) AND e.state = 'queued' ORDER BY e.seq LIMIT ?
                """)
            try statement.bind([.int(max(limit * 4, limit + 64))])
            var items: [OutboxItem] = []
            var blockedLeads = Set<String>()
            let nowText = Timestamp.format(now)
            while try statement.step(), items.count < limit {
                let leadID = statement.text(2) ?? ""
                if blockedLeads.contains(leadID) { continue }
                if let next = statement.text(8), next > nowText {
                    blockedLeads.insert(leadID)
                    continue
                }
                items.append(OutboxItem(seq: statement.int(0) ?? 0, eventID: statement.text(1) ?? "", leadID: leadID,
                                        kind: statement.text(3) ?? "", at: Timestamp.parse(statement.text(4) ?? "") ?? now,
                                        data: statement.text(5) ?? "{}", leadJSON: statement.text(6) ?? "{}",
                                        attempts: statement.int(7) ?? 0))
            }
            return items
        }
    }

    public func markDelivered(_ seqs: [Int], at: Date = Date()) throws(StoreError) {
        guard !seqs.isEmpty else { return }
        try withDatabase { (db) throws(StoreError) in
            try db.transaction { () throws(StoreError) in
                let statement = try db.statement("UPDATE lead_events SET state = 'delivered', delivered_at = ?, attempts = attempts + 1 WHERE seq = ?")
                let when = Timestamp.format(at)
                for seq in seqs {
                    try statement.run([.text(when), .int(seq)])
                    statement.reset()
                }
                try setMeta("last_success", when, db: db)
                try raiseOutboxFloor(db: db)
            }
        }
    }

    /// A retryable failure: try again at `retryAt`.
    public func markRetry(_ seqs: [Int], error: String, retryAt: Date, at: Date = Date()) throws(StoreError) {
        try withDatabase { (db) throws(StoreError) in
            try db.transaction { () throws(StoreError) in
                let statement = try db.statement("UPDATE lead_events SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE seq = ?")
                for seq in seqs {
                    try statement.run([.text(error), .text(Timestamp.format(retryAt)), .int(seq)])
                    statement.reset()
                }
                try setMeta("last_error", error, db: db)
                try setMeta("last_error_at", Timestamp.format(at), db: db)
            }
        }
    }

    /// A permanent failure: kept in the dead-letter list with the reason, never retried.
    public func markDead(_ seq: Int, reason: String, at: Date = Date()) throws(StoreError) {
        try withDatabase { (db) throws(StoreError) in
            try db.transaction { () throws(StoreError) in
                try db.statement("UPDATE lead_events SET state = 'dead', attempts = attempts + 1, last_error = ? WHERE seq = ?")
                    .run([.text(reason), .int(seq)])
                try raiseOutboxFloor(db: db)
                try setMeta("last_error", reason, db: db)
                try setMeta("last_error_at", Timestamp.format(at), db: db)
            }
        }
    }

    /// Dead-lettered items with their reasons, oldest first.
    public func deadLetters() throws(StoreError) -> [(item: OutboxItem, reason: String)] {
        try withDatabase { (db) throws(StoreError) in
            let statement = try db.statement("""
                SELECT e.seq, e.id, e.lead_id, e.kind, e.at, e.data, l.json, e.attempts, e.last_error
                FROM lead_events e JOIN leads l ON l.id = e.lead_id
                WHERE e.state = 'dead' ORDER BY e.seq
                """)
            var out: [(OutboxItem, String)] = []
            while try statement.step() {
                out.append((OutboxItem(seq: statement.int(0) ?? 0, eventID: statement.text(1) ?? "", leadID: statement.text(2) ?? "",
                                       kind: statement.text(3) ?? "", at: Timestamp.parse(statement.text(4) ?? "") ?? Date(),
                                       data: statement.text(5) ?? "{}", leadJSON: statement.text(6) ?? "{}",
                                       attempts: statement.int(7) ?? 0), statement.text(8) ?? ""))
            }
            return out
        }
    }

    public func outboxStatus() throws(StoreError) -> OutboxStatus {
        try withDatabase { (db) throws(StoreError) in
            let counts = try db.statement("SELECT state, count(*) FROM lead_events GROUP BY state")
            var byState: [String: Int] = [:]
            while try counts.step() { byState[counts.text(0) ?? ""] = counts.int(1) ?? 0 }
            let oldest = try db.statement("SELECT min(at) FROM lead_events WHERE seq >= \(Self.outboxFloor) AND state = 'queued'")
            _ = try oldest.step()
            return OutboxStatus(queued: byState["queued"] ?? 0, delivered: byState["delivered"] ?? 0,
                                deadLettered: byState["dead"] ?? 0,
                                lastSuccess: try meta("last_success", db: db).flatMap(Timestamp.parse),
                                lastError: try meta("last_error", db: db),
                                lastErrorAt: try meta("last_error_at", db: db).flatMap(Timestamp.parse),
                                oldestQueuedAt: oldest.text(0).flatMap(Timestamp.parse))
        }
    }

    /// Time of the first delivery of each lead's `created` event, for speed-to-lead.
    public func firstDeliveries(event: String? = nil) throws(StoreError) -> [String: Date] {
        let spellings = try event.map { (name) throws(StoreError) in try eventFilter(name) }
        return try withDatabase { (db) throws(StoreError) in
            let events = spellings.map { " AND l.event IN (" + $0.map { _ in "?" }.joined(separator: ", ") + ")" } ?? ""
            let statement = try db.statement("""
                SELECT e.lead_id, min(e.delivered_at) FROM lead_events e JOIN leads l ON l.id = e.lead_id
                WHERE e.state = 'delivered'\(events) GROUP BY e.lead_id
                """)
            try statement.bind((spellings ?? []).map { .text($0) })
            var out: [String: Date] = [:]
            while try statement.step() {
                if let id = statement.text(0), let at = statement.text(1).flatMap(Timestamp.parse) { out[id] = at }
            }
            return out
        }
    }

    /// The outbox floor as SQL: no event below it is queued (schema migration 3), so the
    /// queued events are found by scanning up from it, with no index on the state.
    static let outboxFloor = "coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'outbox_floor'), 0)"

    /// Moves the floor up to the oldest event still queued (past the newest if none is),
    /// after events have left the queue. Events are queued only when written, with a
    /// `seq` above every earlier one (the largest plus one; events are never deleted), so
    /// the floor never passes one; a future command that queues an old event again must
    /// lower it.
    func raiseOutboxFloor(db: SQLiteDatabase) throws(StoreError) {
        let floor = try db.statement("""
            SELECT coalesce(min(seq), (SELECT coalesce(max(seq), 0) + 1 FROM lead_events))
            FROM lead_events WHERE seq >= \(Self.outboxFloor) AND state = 'queued'
            """)
        _ = try floor.step()
        let value = floor.int(0) ?? 0
        floor.reset()
        try setMeta("outbox_floor", String(value), db: db)
    }

    func setMeta(_ key: String, _ value: String, db: SQLiteDatabase) throws(StoreError) {
        try db.statement("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
            .run([.text(key), .text(value)])
    }

    func meta(_ key: String, db: SQLiteDatabase) throws(StoreError) -> String? {
        let statement = try db.statement("SELECT value FROM meta WHERE key = ?")
        try statement.bind([.text(key)])
        return try statement.step() ? statement.text(0) : nil
    }
}
