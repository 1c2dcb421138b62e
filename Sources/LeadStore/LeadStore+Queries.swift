import Foundation
import Leads

/// Which leads to list.
public struct LeadFilter: Sendable {
    public var event: String?
    public var rep: String?
    public var owner: String?
    public var status: LeadStatus?
    /// Only leads whose next action was due before this time.
    public var dueBefore: Date?
    public var limit: Int?

    public init(event: String? = nil, rep: String? = nil, owner: String? = nil, status: LeadStatus? = nil,
                dueBefore: Date? = nil, limit: Int? = nil) {
        self.event = event
        self.rep = rep
        self.owner = owner
        self.status = status
        self.dueBefore = dueBefore
        self.limit = limit
    }
}

extension LeadStore {
    /// Leads in capture order (for one file's cards, the order they are in the file).
    public func leads(_ filter: LeadFilter = LeadFilter()) throws(StoreError) -> [Lead] {
        var clauses: [String] = []
        var values: [SQLValue] = []
        if let event = filter.event {
            let spellings = try eventFilter(event)
            clauses.append("event IN (" + spellings.map { _ in "?" }.joined(separator: ", ") + ")")
            values += spellings.map { .text($0) }
        }
        if let rep = filter.rep { clauses.append("rep = ?"); values.append(.text(rep)) }
        if let owner = filter.owner { clauses.append("owner = ?"); values.append(.text(owner)) }
        if let status = filter.status { clauses.append("status = ?"); values.append(.text(status.rawValue)) }
        if let due = filter.dueBefore { clauses.append("due_at < ? AND json_extract(json, '$.next_action.action') <> '\(NextAction.noAction)'"); values.append(.text(Timestamp.format(due))) }
        // Sorted by rows numbers first, then each row read: sorting whole rows would hold
        // every matching lead's JSON in the sorter at once (no index orders by capture time,
        // as each index costs every capture a few microseconds).
        var sql = "SELECT rowid FROM leads"
        if !clauses.isEmpty { sql += " WHERE " + clauses.joined(separator: " AND ") }
        // The cards of one file share a capture time and their ids are random after it:
        // insertion order keeps them in the order they were read.
        sql += " ORDER BY captured_at, rowid"
        if let limit = filter.limit { sql += " LIMIT \(max(0, limit))" }
        return try withDatabase { (db) throws(StoreError) in
            let order = try db.statement(sql)
            try order.bind(values)
            var rows: [Int] = []
            while try order.step() { rows.append(order.int(0) ?? 0) }
            order.reset()
            let read = try db.prepared("SELECT id, json FROM leads WHERE rowid = ?")
            var leads: [Lead] = []
            leads.reserveCapacity(rows.count)
            for row in rows {
                try read.bind(1, row)
                if try read.step() { leads.append(try decodeLead(read.text(1) ?? "", id: read.text(0) ?? "?")) }
                read.reset()
            }
            return leads
        }
    }

    /// The lead whose id is `idOrPrefix` or starts with it.
    public func lead(_ idOrPrefix: String) throws(StoreError) -> Lead {
        try withDatabase { (db) throws(StoreError) in try leadRow(idOrPrefix, db: db) }
    }

    func leadRow(_ idOrPrefix: String, db: SQLiteDatabase) throws(StoreError) -> Lead {
        let id = try resolveID(idOrPrefix, table: "leads", what: "lead", db: db)
        let statement = try db.statement("SELECT json FROM leads WHERE id = ?")
        try statement.bind([.text(id)])
        guard try statement.step(), let json = statement.text(0) else {
            throw StoreError(.notFound, "no lead \(idOrPrefix)")
        }
        return try decodeLead(json, id: id)
    }

    /// A full id from a unique prefix (at least 4 characters), as `git` does for commits.
    func resolveID(_ prefix: String, table: String, what: String, db: SQLiteDatabase) throws(StoreError) -> String {
        let p = prefix.lowercased()
        guard p.count >= 4, p.allSatisfy({ $0.isHexDigit || $0 == "-" }) else {
            throw StoreError(.notFound, "no \(what) \(prefix) (give at least 4 characters of its id)")
        }
        let statement = try db.statement("SELECT id FROM \(table) WHERE id >= ? AND id < ? ORDER BY id LIMIT 2")
        try statement.bind([.text(p), .text(p + "\u{FFFF}")])
        var matches: [String] = []
        while try statement.step() { if let id = statement.text(0) { matches.append(id) } }
        guard let first = matches.first else { throw StoreError(.notFound, "no \(what) \(prefix)") }
        guard matches.count == 1 else {
            throw StoreError(.ambiguousID, "\(prefix) matches more than one \(what): give more characters")
        }
        return first
    }

    /// For each id, its shortest prefix (at least `minimum` characters) that no other row of
    /// `table` shares, as `git` abbreviates commits. UUIDv7s made in the same millisecond
    /// share their first 13 characters, so batch imports get longer prefixes than taps.
    public func shortIDs(_ ids: [String], table: ShortIDTable = .leads, minimum: Int = 8) throws(StoreError) -> [String: String] {
        try withDatabase { (db) throws(StoreError) in
            let before = try db.statement("SELECT max(id) FROM \(table.rawValue) WHERE id < ?")
            let after = try db.statement("SELECT min(id) FROM \(table.rawValue) WHERE id > ?")
            var out: [String: String] = [:]
            for id in ids {
                var shared = 0
                for statement in [before, after] {
                    statement.reset()
                    try statement.bind([.text(id)])
                    if try statement.step(), let neighbour = statement.text(0) {
                        shared = max(shared, zip(id, neighbour).prefix(while: { $0 == $1 }).count)
                    }
                }
                out[id] = String(id.prefix(max(minimum, shared + 1)))
            }
            return out
        }
    }

    /// Counts for the status line: leads in total and by status.
    public func leadCount(event: String? = nil) throws(StoreError) -> Int {
        try withDatabase { (db) throws(StoreError) in
            let statement = try db.statement(event == nil ? "SELECT count(*) FROM leads" : "SELECT count(*) FROM leads WHERE event = ?")
            try statement.bind(event.map { [.text($0)] } ?? [])
            _ = try statement.step()
            return statement.int(0) ?? 0
        }
    }

    /// The events recorded for a lead, oldest first: kind, time and change data (JSON).
    public func events(forLead idOrPrefix: String) throws(StoreError) -> [LeadEvent] {
        try withDatabase { (db) throws(StoreError) in
            let id = try resolveID(idOrPrefix, table: "leads", what: "lead", db: db)
            let statement = try db.statement("SELECT seq, id, kind, at, data FROM lead_events WHERE lead_id = ? ORDER BY seq")
            try statement.bind([.text(id)])
            var events: [LeadEvent] = []
            while try statement.step() {
                events.append(LeadEvent(seq: statement.int(0) ?? 0, id: statement.text(1) ?? "", leadID: id,
                                        kind: statement.text(2) ?? "", at: Timestamp.parse(statement.text(3) ?? "") ?? Date(),
                                        data: statement.text(4) ?? "{}"))
            }
            return events
        }
    }
}

/// Tables whose rows have UUIDv7 ids.
public enum ShortIDTable: String, Sendable {
    case leads, quarantine
}

/// One recorded change to a lead.
public struct LeadEvent: Sendable, Hashable {
    public var seq: Int
    public var id: String
    public var leadID: String
    /// `created`, `merged`, `note_added`, `status_changed`, `owner_changed`, `next_action_changed`, `tags_changed`,
    /// `enriched` (roster or profile link), `contact_changed` (`set --name ...`), `enrichment_failed`.
    public var kind: String
    public var at: Date
    /// The change as JSON.
    public var data: String
}
