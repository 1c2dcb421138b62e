import Foundation
import Leads

/// An input that could not become a lead, kept with its bytes and the reason.
public struct QuarantineEntry: Sendable, Hashable {
    public var id: String
    public var receivedAt: Date
    /// The file path, `stdin`, or the reader and tag it came from.
    public var origin: String
    /// Where in the input the problem was found.
    public var byteOffset: Int?
    public var reason: String
    public var mediaType: String?
    public var raw: [UInt8]
    public var size: Int
    public var event: String?
    public var rep: String?
    public var resolvedAt: Date?
    /// The lead a retry made from it.
    public var leadID: String?

    public init(origin: String, byteOffset: Int?, reason: String, mediaType: String?, raw: [UInt8],
                event: String?, rep: String?, receivedAt: Date = Date()) {
        self.id = LeadID.make(at: receivedAt)
        self.receivedAt = receivedAt
        self.origin = origin
        self.byteOffset = byteOffset
        self.reason = reason
        self.mediaType = mediaType
        self.raw = raw
        self.size = raw.count
        self.event = event
        self.rep = rep
    }
}

extension LeadStore {
    /// Keeps rejected input. The same bytes quarantined again for the same event (a re-run
    /// import) are not stored twice: the existing entry's id is returned.
    @discardableResult
    public func quarantine(_ entry: QuarantineEntry) throws(StoreError) -> String {
        try withDatabase { (db) throws(StoreError) in
            try db.transaction { () throws(StoreError) in try insertQuarantine(entry, db: db) }
        }
    }

    /// `quarantine` inside a transaction the caller holds.
    func insertQuarantine(_ entry: QuarantineEntry, db: SQLiteDatabase) throws(StoreError) -> String {
        let hash = SHA256.hex(entry.raw)
        let existing = try db.statement(
            "SELECT id FROM quarantine WHERE event IS ? AND content_hash = ? AND origin = ? AND resolved_at IS NULL")
        try existing.bind([.text(entry.event), .text(hash), .text(entry.origin)])
        if try existing.step(), let id = existing.text(0) { return id }
        try db.statement("""
            INSERT INTO quarantine (id, received_at, origin, byte_offset, reason, media_type, raw, event, rep, content_hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).run([
            .text(entry.id), .text(Timestamp.format(entry.receivedAt)), .text(entry.origin),
            entry.byteOffset.map { .int($0) } ?? .null, .text(entry.reason), .text(entry.mediaType),
            .blob(entry.raw), .text(entry.event), .text(entry.rep), .text(hash),
        ])
        return entry.id
    }

    /// Quarantined inputs, oldest first; without their bytes unless `withRaw`.
    public func quarantined(includeResolved: Bool = false, withRaw: Bool = false) throws(StoreError) -> [QuarantineEntry] {
        try withDatabase { (db) throws(StoreError) in
            let sql = """
                SELECT id, received_at, origin, byte_offset, reason, media_type, \(withRaw ? "raw" : "x''"), length(raw),
                       event, rep, resolved_at, lead_id FROM quarantine
                \(includeResolved ? "" : "WHERE resolved_at IS NULL") ORDER BY received_at, id
                """
            let statement = try db.statement(sql)
            var entries: [QuarantineEntry] = []
            while try statement.step() { entries.append(quarantineEntry(from: statement)) }
            return entries
        }
    }

    /// One quarantined input with its bytes, by id or unique id prefix.
    public func quarantined(_ idOrPrefix: String) throws(StoreError) -> QuarantineEntry {
        try withDatabase { (db) throws(StoreError) in
            let id = try resolveID(idOrPrefix, table: "quarantine", what: "quarantine entry", db: db)
            let statement = try db.statement("""
                SELECT id, received_at, origin, byte_offset, reason, media_type, raw, length(raw), event, rep, resolved_at, lead_id
                FROM quarantine WHERE id = ?
                """)
            try statement.bind([.text(id)])
            guard try statement.step() else { throw StoreError(.notFound, "no quarantine entry \(idOrPrefix)") }
            return quarantineEntry(from: statement)
        }
    }

    /// Marks an entry resolved by the lead a retry made from it.
    public func resolveQuarantine(_ id: String, leadID: String?, at: Date = Date()) throws(StoreError) {
        try withDatabase { (db) throws(StoreError) in
            try db.statement("UPDATE quarantine SET resolved_at = ?, lead_id = ? WHERE id = ?")
                .run([.text(Timestamp.format(at)), .text(leadID), .text(id)])
        }
    }

    /// Marks every open entry from `origin` resolved: the same file or tag has since been
    /// read cleanly into `leadID`. Returns how many were open.
    @discardableResult
    public func resolveQuarantine(origin: String, leadID: String?, at: Date = Date()) throws(StoreError) -> Int {
        try withDatabase { (db) throws(StoreError) in
            try db.statement("UPDATE quarantine SET resolved_at = ?, lead_id = ? WHERE origin = ? AND resolved_at IS NULL")
                .run([.text(Timestamp.format(at)), .text(leadID), .text(origin)])
            return db.changes
        }
    }

    /// The origins (files, tags) of entries not yet resolved.
    public func openQuarantineOrigins() throws(StoreError) -> Set<String> {
        try withDatabase { (db) throws(StoreError) in
            let statement = try db.statement("SELECT DISTINCT origin FROM quarantine WHERE resolved_at IS NULL")
            var origins = Set<String>()
            while try statement.step() { if let origin = statement.text(0) { origins.insert(origin) } }
            return origins
        }
    }

    /// Deletes the entries already resolved (retried, imported again cleanly or dismissed),
    /// bytes and all; returns how many.
    public func deleteResolvedQuarantine() throws(StoreError) -> Int {
        try withDatabase { (db) throws(StoreError) in
            try db.statement("DELETE FROM quarantine WHERE resolved_at IS NOT NULL").run()
            return db.changes
        }
    }

    /// Dismisses an entry: resolved with no lead (nothing in it was worth keeping).
    public func dismissQuarantine(_ idOrPrefix: String, at: Date = Date()) throws(StoreError) -> QuarantineEntry {
        try withDatabase { (db) throws(StoreError) in
            let id = try resolveID(idOrPrefix, table: "quarantine", what: "quarantine entry", db: db)
            try db.statement("UPDATE quarantine SET resolved_at = ? WHERE id = ? AND resolved_at IS NULL")
                .run([.text(Timestamp.format(at)), .text(id)])
        }
        return try quarantined(idOrPrefix)
    }

    private func quarantineEntry(from s: SQLiteStatement) -> QuarantineEntry {
        var entry = QuarantineEntry(origin: s.text(2) ?? "", byteOffset: s.int(3), reason: s.text(4) ?? "",
                                    mediaType: s.text(5), raw: s.blob(6), event: s.text(8), rep: s.text(9),
                                    receivedAt: Timestamp.parse(s.text(1) ?? "") ?? Date())
        entry.id = s.text(0) ?? ""
        entry.size = s.int(7) ?? entry.raw.count
        entry.resolvedAt = s.text(10).flatMap(Timestamp.parse)
        entry.leadID = s.text(11)
        return entry
    }
}
