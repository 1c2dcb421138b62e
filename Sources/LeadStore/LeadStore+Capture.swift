import Foundation
import Leads

/// What happened to a capture.
public enum CaptureOutcome: Sendable {
    /// A new lead.
    case created(Lead)
    /// The same person was already a lead at this event: the capture was added to it.
    case merged(into: Lead)
    /// These exact bytes were already captured at this event (a re-import): nothing changed.
    case alreadyCaptured(leadID: String)

    public var lead: Lead? {
        switch self {
        case .created(let lead), .merged(into: let lead): return lead
        case .alreadyCaptured: return nil
        }
    }

    public var leadID: String {
        switch self {
        case .created(let lead), .merged(into: let lead): return lead.id
        case .alreadyCaptured(let id): return id
        }
    }
}

extension LeadStore {
    /// Runs a bulk load (an import): captures join long transactions that `commitBulk()`
    /// ends, with one fsync at the end instead of one per commit.
    ///
    /// Inside, commits use `synchronous=NORMAL`: in WAL mode a process crash (SIGKILL) still
    /// loses nothing committed, only a power cut could lose the last commits, and nothing
    /// has been reported as stored by then. Before returning, the open transaction is
    /// committed and a full checkpoint writes and fsyncs everything, so what the caller then
    /// reports is on disk. If `body` throws, what it stored before is committed all the same:
    /// each capture call was whole.
    ///
    /// A bigger page cache keeps the random-order index pages (content hashes, dedupe keys)
    /// in memory, and checkpoints wait for the end rather than running at every commit.
    public func bulkLoad<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        try withDatabase { (db) throws(StoreError) in
            try db.execute("PRAGMA synchronous=NORMAL")
            try db.execute("PRAGMA cache_size=\(-Self.bulkCacheKiB)")
            try db.execute("PRAGMA wal_autocheckpoint=\(Self.bulkCheckpointPages)")
            db.holdsTransactions = true
        }
        func finish() throws(StoreError) {
            try withDatabase { (db) throws(StoreError) in
                db.holdsTransactions = false
                try db.commitHeld()
                try db.execute("PRAGMA synchronous=FULL")
                try db.execute("PRAGMA cache_size=-2000")
                try db.execute("PRAGMA wal_autocheckpoint=1000")
                try db.execute("PRAGMA wal_checkpoint(FULL)")
            }
        }
        let result: T
        do {
            result = try body()
        } catch {
            try? finish()
            throw error
        }
        try finish()
        return result
    }

    /// Commits what a bulk load has captured so far (no fsync until the load ends).
    public func commitBulk() throws(StoreError) {
        try withDatabase { (db) throws(StoreError) in try db.commitHeld() }
    }

    /// Page cache of a bulk load, in KiB.
    static let bulkCacheKiB = 64 << 10
    /// WAL pages before a bulk load checkpoints (a checkpoint copies and fsyncs them).
    static let bulkCheckpointPages = 0

    /// Stores one capture durably and queues it for forwarding.
    public func capture(_ candidate: LeadCandidate) throws(StoreError) -> CaptureOutcome {
        try capture([candidate])[0]
    }

    /// Stores captures in one transaction (one fsync for the batch), in order, so a later
    /// capture of the same person merges into the lead an earlier one made.
    public func capture(_ candidates: [LeadCandidate]) throws(StoreError) -> [CaptureOutcome] {
        try withDatabase { (db) throws(StoreError) in
            try db.transaction { () throws(StoreError) in
                var outcomes: [CaptureOutcome] = []
                outcomes.reserveCapacity(candidates.count)
                let now = Date()
                let nowText = Timestamp.format(now)
                for candidate in candidates {
                    outcomes.append(try captureOne(candidate, now: now, nowText: nowText, db: db))
                }
                return outcomes
            }
        }
    }

    /// One capture: two lookups, then a new lead (row, created event, outbox item) or a
    /// merge, then the content hash. Statements are bound value by value: this runs
    /// 100,000 times in a big import.
    private func captureOne(_ candidate: LeadCandidate, now: Date, nowText: String,
                            db: SQLiteDatabase) throws(StoreError) -> CaptureOutcome {
        let lead = candidate.lead
        let seen = try db.prepared("SELECT lead_id FROM captures_seen WHERE event = ? AND content_hash = ?")
        try seen.bind(1, lead.event)
        try seen.bind(2, candidate.contentHash)
        let already = try seen.step() ? seen.text(0) : nil
        seen.reset()
        if let already { return .alreadyCaptured(leadID: already) }
        var outcome: CaptureOutcome
        if let key = candidate.dedupeKey, var existing = try leadRow(event: lead.event, dedupeKey: key, db: db) {
            existing.mergedCaptures.append(Capture(capturedAt: lead.capturedAt, source: lead.source, raw: lead.raw))
            existing.contact = existing.contact.merged(with: lead.contact)
            try updateLeadRow(existing, db: db, at: now)
            let change: [String: Any] = ["captured_at": Timestamp.format(lead.capturedAt),
                                         "channel": lead.source.channel.rawValue, "format": lead.source.format]
            try appendEvent(leadID: existing.id, kind: "merged", data: change, at: now, db: db)
            outcome = .merged(into: existing)
        } else {
            let capturedAt = Timestamp.format(lead.capturedAt)
            let insert = try db.prepared("""
                INSERT INTO leads (id, event, rep, owner, status, due_at, captured_at, updated_at, dedupe_key, has_note, json)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            try insert.bind(1, lead.id)
            try insert.bind(2, lead.event)
            try insert.bind(3, lead.rep)
            try insert.bind(4, lead.owner)
            try insert.bind(5, lead.status.rawValue)
            try insert.bind(6, Timestamp.format(lead.nextAction.due))
            try insert.bind(7, capturedAt)
            try insert.bind(8, nowText)
            try insert.bind(9, candidate.dedupeKey)
            try insert.bind(10, lead.note == nil ? 0 : 1)
            try insert.bind(11, candidate.leadJSON ?? LeadJSON.encode(lead))
            try insert.runBound()
            try appendEvent(leadID: lead.id, kind: "created", json: "{}", at: lead.capturedAt, atText: capturedAt, db: db)
            outcome = .created(lead)
        }
        let remember = try db.prepared("INSERT INTO captures_seen (event, content_hash, lead_id) VALUES (?, ?, ?)")
        try remember.bind(1, lead.event)
        try remember.bind(2, candidate.contentHash)
        try remember.bind(3, outcome.leadID)
        try remember.runBound()
        return outcome
    }

    func leadRow(event: String, dedupeKey: String, db: SQLiteDatabase) throws(StoreError) -> Lead? {
        let statement = try db.prepared("SELECT id, json FROM leads WHERE event = ? AND dedupe_key = ?")
        defer { statement.reset() }
        try statement.bind(1, event)
        try statement.bind(2, dedupeKey)
        guard try statement.step(), let id = statement.text(0), let json = statement.text(1) else { return nil }
        return try decodeLead(json, id: id)
    }

    func updateLeadRow(_ lead: Lead, db: SQLiteDatabase, at now: Date) throws(StoreError) {
        try db.statement("""
            UPDATE leads SET owner = ?, status = ?, due_at = ?, updated_at = ?, has_note = ?, json = ? WHERE id = ?
            """).run([
            .text(lead.owner), .text(lead.status.rawValue), .text(Timestamp.format(lead.nextAction.due)),
            .text(Timestamp.format(now)), .int(lead.note == nil ? 0 : 1), .text(try encode(lead)), .text(lead.id),
        ])
    }

    /// Records a change as an event and queues it for the shared store.
    func appendEvent(leadID: String, kind: String, data: [String: Any], at: Date, db: SQLiteDatabase) throws(StoreError) {
        try appendEvent(leadID: leadID, kind: kind, json: data.isEmpty ? "{}" : encodeJSON(data), at: at,
                        atText: Timestamp.format(at), db: db)
    }

    func appendEvent(leadID: String, kind: String, json: String, at: Date, atText: String, db: SQLiteDatabase) throws(StoreError) {
        let event = try db.prepared("INSERT INTO lead_events (id, lead_id, kind, at, data) VALUES (?, ?, ?, ?, ?)")
        try event.bind(1, LeadID.make(at: at))
        try event.bind(2, leadID)
        try event.bind(3, kind)
        try event.bind(4, atText)
        try event.bind(5, json)
        try event.runBound()
        let queued = try db.prepared("INSERT INTO outbox (event_seq, lead_id) VALUES (?, ?)")
        try queued.bind(1, db.lastInsertRowID)
        try queued.bind(2, leadID)
        try queued.runBound()
    }
}
