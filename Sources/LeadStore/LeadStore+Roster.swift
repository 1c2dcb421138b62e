import Foundation
import Leads

/// An event's roster as `roster list` shows it.
public struct RosterSummary: Sendable, Hashable {
    public var event: String
    /// The file it was imported from, and the export it was recognised as.
    public var file: String
    public var shape: String
    public var importedAt: Date
    public var attendees: Int
}

extension LeadStore {
    /// Stores an event's roster in one transaction: replacing the one it had, or adding to
    /// it with `append`. Returns how many attendees were stored and how many replaced.
    @discardableResult
    public func storeRoster(event: String, file: String, shape: String, entries: [RosterEntry], append: Bool = false,
                            at: Date = Date()) throws(StoreError) -> (stored: Int, replaced: Int) {
        var given = false
        return try storeRoster(event: event, file: file, shape: shape, append: append, at: at) {
            defer { given = true }
            return given ? nil : entries
        }
    }

    /// The same, taking the attendees a batch at a time from `next` until it returns nil:
    /// `roster import` stores each batch while the file's next rows are read.
    @discardableResult
    public func storeRoster(event: String, file: String, shape: String, append: Bool = false, at: Date = Date(),
                            batches next: () -> [RosterEntry]?) throws(StoreError) -> (stored: Int, replaced: Int) {
        try withDatabase { (db) throws(StoreError) in
            // A bigger page cache while the roster goes in: with the default 2 MB, the
            // transaction spilled pages to the WAL before it committed.
            try db.execute("PRAGMA cache_size=-65536")
            defer { try? db.execute("PRAGMA cache_size=-2000") }
            return try db.transaction { () throws(StoreError) in
                var replaced = 0
                if !append {
                    replaced = try deleteRoster(event: event, db: db)
                }
                try db.statement("INSERT OR REPLACE INTO rosters (event, file, shape, imported_at) VALUES (?, ?, ?, ?)")
                    .run([.text(event), .text(file), .text(shape), .text(Timestamp.format(at))])
                // Rows go in `rowsPerInsert` to a statement (one step inserts them all): one
                // row a statement spent as long in each statement's setup and teardown as in
                // the inserts. Attendee ids are given here, so keys need no lookup of them.
                let attendees = try RowInserter<(id: Int, entry: RosterEntry)>(
                    db: db, into: "roster (id, event, line, full_name, given_name, family_name, organization, title, email, phone)",
                    columns: 10, verb: "INSERT") { (row, values) throws(StoreError) in
                    try values.bind(row.id); try values.bind(event); try values.bind(row.entry.line)
                    try values.bind(row.entry.fullName); try values.bind(row.entry.givenName); try values.bind(row.entry.familyName)
                    try values.bind(row.entry.organization); try values.bind(row.entry.title); try values.bind(row.entry.email)
                    try values.bind(row.entry.phone)
                }
                let keys = try RowInserter<(key: RosterKey, attendee: Int)>(
                    db: db, into: "roster_keys (event, kind, value, attendee)", columns: 4, verb: "INSERT OR IGNORE") { (row, values) throws(StoreError) in
                    try values.bind(event); try values.bind(row.key.kind.rawValue); try values.bind(row.key.value); try values.bind(row.attendee)
                }
                let statement = try db.statement("SELECT coalesce(max(id), 0) FROM roster")
                var nextID = try statement.step() ? statement.int(0) ?? 0 : 0
                statement.reset()
                var stored = 0
                while let entries = next() {
                    // A batch's keys go in after its attendees. The page cache above holds the
                    // whole key B-tree, so their order costs no I/O (sorting them first took a
                    // sixth of the import's CPU time, perf).
                    let firstID = nextID + 1
                    for entry in entries {
                        nextID += 1
                        try attendees.add((nextID, entry))
                    }
                    try attendees.flush()
                    for (offset, entry) in entries.enumerated() {
                        for key in entry.keys { try keys.add((key, firstID + offset)) }
                    }
                    try keys.flush()
                    stored += entries.count
                }
                return (stored, replaced)
            }
        }
    }

    /// Removes an event's roster; returns how many attendees it had. Leads keep what they took from it.
    @discardableResult
    public func purgeRoster(event: String) throws(StoreError) -> Int {
        try withDatabase { (db) throws(StoreError) in
            try db.transaction { () throws(StoreError) in
                let removed = try deleteRoster(event: event, db: db)
                try db.statement("DELETE FROM rosters WHERE event = ?").run([.text(event)])
                return removed
            }
        }
    }

    private func deleteRoster(event: String, db: SQLiteDatabase) throws(StoreError) -> Int {
        try db.statement("DELETE FROM roster_keys WHERE event = ?").run([.text(event)])
        try db.statement("DELETE FROM roster WHERE event = ?").run([.text(event)])
        return db.changes
    }

    /// Every event's roster.
    public func rosters() throws(StoreError) -> [RosterSummary] {
        try withDatabase { (db) throws(StoreError) in
            let statement = try db.statement("""
                SELECT r.event, r.file, r.shape, r.imported_at, (SELECT count(*) FROM roster a WHERE a.event = r.event)
                FROM rosters r ORDER BY r.event
                """)
            var out: [RosterSummary] = []
            while try statement.step() {
                out.append(RosterSummary(event: statement.text(0) ?? "", file: statement.text(1) ?? "", shape: statement.text(2) ?? "",
                                         importedAt: Timestamp.parse(statement.text(3) ?? "") ?? Date(timeIntervalSince1970: 0),
                                         attendees: statement.int(4) ?? 0))
            }
            return out
        }
    }

    /// An event's attendees in file order, with their keys; at most `limit`.
    public func rosterEntries(event: String, limit: Int? = nil) throws(StoreError) -> [RosterEntry] {
        try withDatabase { (db) throws(StoreError) in
            var sql = "SELECT id, line, full_name, given_name, family_name, organization, title, email, phone FROM roster WHERE event = ? ORDER BY id"
            if let limit { sql += " LIMIT \(max(0, limit))" }
            let statement = try db.statement(sql)
            try statement.bind([.text(event)])
            var ids: [Int] = []
            var entries: [RosterEntry] = []
            while try statement.step() {
                ids.append(statement.int(0) ?? 0)
                entries.append(Self.entry(statement, from: 1))
            }
            statement.reset()
            // All the event's keys in one pass (no index leads from an attendee to its keys).
            var byAttendee: [Int: [RosterKey]] = [:]
            let keys = try db.statement("SELECT attendee, kind, value FROM roster_keys WHERE event = ?")
            try keys.bind([.text(event)])
            while try keys.step() {
                if let id = keys.int(0), let kind = RosterKey.Kind(rawValue: keys.text(1) ?? ""), let value = keys.text(2) {
                    byAttendee[id, default: []].append(RosterKey(kind, value))
                }
            }
            for (index, id) in ids.enumerated() {
                entries[index].keys = (byAttendee[id] ?? []).sorted { ($0.kind.rawValue, $0.value) < ($1.kind.rawValue, $1.value) }
            }
            return entries
        }
    }

    /// The attendee the first of `keys` that is in the event's roster finds, and that key.
    /// One indexed lookup per key tried (then one row read): microseconds at any roster size.
    public func rosterAttendee(event: String, keys: [RosterKey]) throws(StoreError) -> (entry: RosterEntry, key: RosterKey)? {
        guard !keys.isEmpty else { return nil }
        return try withDatabase { (db) throws(StoreError) in
            let find = try db.prepared("SELECT attendee FROM roster_keys WHERE event = ? AND kind = ? AND value = ? ORDER BY attendee LIMIT 1")
            for key in keys {
                try find.bind(1, event)
                try find.bind(2, key.kind.rawValue)
                try find.bind(3, key.value)
                let id = try find.step() ? find.int(0) : nil
                find.reset()
                guard let id else { continue }
                let read = try db.prepared("""
                    SELECT line, full_name, given_name, family_name, organization, title, email, phone FROM roster WHERE id = ?
                    """)
                try read.bind(1, id)
                defer { read.reset() }
                guard try read.step() else { continue }
                return (Self.entry(read, from: 0), key)
            }
            return nil
        }
    }

    private static func entry(_ row: SQLiteStatement, from column: Int32) -> RosterEntry {
        RosterEntry(line: row.int(column) ?? 0, fullName: row.text(column + 1), givenName: row.text(column + 2),
                    familyName: row.text(column + 3), organization: row.text(column + 4), title: row.text(column + 5),
                    email: row.text(column + 6), phone: row.text(column + 7))
    }

    /// An event's leads that no roster has resolved and that have no name: UID-only badges,
    /// links, codes, bare emails. Filtered in SQL, so only these are decoded.
    /// With a nil event, every event's.
    public func unresolvedLeads(event: String?) throws(StoreError) -> [Lead] {
        try unresolvedLeadVersions(event: event).map(\.lead)
    }

    /// The same, each with its row's version (its JSON as stored) for `LeadEnrichment.base`:
    /// an enrichment of a lead unchanged since is applied without decoding it again.
    public func unresolvedLeadVersions(event: String?) throws(StoreError) -> [(lead: Lead, version: String)] {
        try withDatabase { (db) throws(StoreError) in
            let statement = try db.statement("""
                SELECT id, json FROM leads WHERE (event = ?1 OR ?1 IS NULL)
                AND json_extract(json, '$.contact.full_name') IS NULL AND json_extract(json, '$.source.matched') IS NULL
                ORDER BY captured_at, rowid
                """)
            try statement.bind([event.map { .text($0) } ?? .null])
            var leads: [(lead: Lead, version: String)] = []
            while try statement.step() {
                let json = statement.text(1) ?? ""
                leads.append((try decodeLead(json, id: statement.text(0) ?? "?"), json))
            }
            return leads
        }
    }
}

/// Inserts rows `rowsPerInsert` at a time through one multi-row INSERT (the rest, at a
/// flush, through one sized to them): with one row a statement, as much time went to each
/// statement's setup and teardown as to the inserts. `bind` binds one row's values in
/// column order.
final class RowInserter<Row> {
    static var rowsPerInsert: Int { 64 }

    private let db: SQLiteDatabase
    private let into: String
    private let columns: Int
    private let verb: String
    private let bind: (Row, inout Values) throws(StoreError) -> Void
    private var pending: [Row] = []
    /// The statement for a full set of rows, prepared once.
    private var full: SQLiteStatement?

    init(db: SQLiteDatabase, into: String, columns: Int, verb: String,
         bind: @escaping (Row, inout Values) throws(StoreError) -> Void) throws(StoreError) {
        self.db = db
        self.into = into
        self.columns = columns
        self.verb = verb
        self.bind = bind
        pending.reserveCapacity(Self.rowsPerInsert)
    }

    /// Binds values in order, from a row's first parameter.
    struct Values {
        let statement: SQLiteStatement
        var index: Int32
        mutating func bind(_ text: String?) throws(StoreError) { try statement.bind(index, text); index += 1 }
        mutating func bind(_ text: String) throws(StoreError) { try statement.bind(index, text); index += 1 }
        mutating func bind(_ value: Int) throws(StoreError) { try statement.bind(index, value); index += 1 }
    }

    func add(_ row: Row) throws(StoreError) {
        pending.append(row)
        if pending.count == Self.rowsPerInsert { try flush() }
    }

    /// Inserts the rows added since the last insert.
    func flush() throws(StoreError) {
        guard !pending.isEmpty else { return }
        let statement: SQLiteStatement
        if pending.count == Self.rowsPerInsert, let full {
            statement = full
        } else {
            let tuple = "(" + Array(repeating: "?", count: columns).joined(separator: ", ") + ")"
            statement = try db.statement("\(verb) INTO \(into) VALUES " + Array(repeating: tuple, count: pending.count).joined(separator: ", "))
            if pending.count == Self.rowsPerInsert { full = statement }
        }
        var values = Values(statement: statement, index: 1)
        for row in pending { try bind(row, &values) }
        try statement.runBound()
        pending.removeAll(keepingCapacity: true)
    }
}
