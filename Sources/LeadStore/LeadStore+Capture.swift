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
    /// Runs a bulk load (an import) with one fsync at the end instead of one per batch.
    ///
    /// Inside, commits use `synchronous=NORMAL`: in WAL mode a process crash (SIGKILL) still
    /// loses nothing committed, only a power cut could lose the last batches, and nothing
    /// has been reported as stored by then. Before returning, a full checkpoint writes and
    /// fsyncs everything, so what the caller then reports is on disk.
    public func bulkLoad<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        try withDatabase { (db) throws(StoreError) in try db.execute("PRAGMA synchronous=NORMAL") }
        let result: T
        do {
            result = try body()
        } catch {
            _ = try? withDatabase { (db) throws(StoreError) in try db.execute("PRAGMA synchronous=FULL") }
            throw error
        }
        try withDatabase { (db) throws(StoreError) in
            try db.execute("PRAGMA synchronous=FULL")
            try db.execute("PRAGMA wal_checkpoint(FULL)")
        }
        return result
    }

    /// Stores one capture durably and queues it for forwarding.
    public func capture(_ candidate: LeadCandidate) throws(StoreError) -> CaptureOutcome {
        try capture([candidate])[0]
    }

    /// Stores captures in one transaction (one fsync for the batch), in order, so a later
    /// capture of the same person merges into the lead an earlier one made.
    public func capture(_ candidates: [LeadCandidate]) throws(StoreError) -> [CaptureOutcome] {
        // Encode outside the lock where possible: JSON is the expensive part of a capture.
        try withDatabase { (db) throws(StoreError) in
            try db.transaction { () throws(StoreError) in
                var outcomes: [CaptureOutcome] = []
                outcomes.reserveCapacity(candidates.count)
                for candidate in candidates {
                    outcomes.append(try captureOne(candidate, db: db))
                }
                return outcomes
            }
        }
    }

    private func captureOne(_ candidate: LeadCandidate, db: SQLiteDatabase) throws(StoreError) -> CaptureOutcome {
        let lead = candidate.lead
        let seen = try db.statement("SELECT lead_id FROM captures_seen WHERE event = ? AND content_hash = ?")
        try seen.bind([.text(lead.event), .text(candidate.contentHash)])
        if try seen.step(), let existing = seen.text(0) {
            return .alreadyCaptured(leadID: existing)
        }
        let now = Date()
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
            try db.statement("""
                INSERT INTO leads (id, event, rep, owner, status, due_at, captured_at, updated_at, dedupe_key, has_note, json)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).run([
                .text(lead.id), .text(lead.event), .text(lead.rep), .text(lead.owner), .text(lead.status.rawValue),
                .text(Timestamp.format(lead.nextAction.due)), .text(Timestamp.format(lead.capturedAt)),
                .text(Timestamp.format(now)), .text(candidate.dedupeKey), .int(lead.note == nil ? 0 : 1),
                .text(candidate.leadJSON ?? LeadJSON.encode(lead)),
            ])
            try appendEvent(leadID: lead.id, kind: "created", data: [:], at: lead.capturedAt, db: db)
            outcome = .created(lead)
        }
        try db.statement("INSERT INTO captures_seen (event, content_hash, lead_id) VALUES (?, ?, ?)")
            .run([.text(lead.event), .text(candidate.contentHash), .text(outcome.leadID)])
        return outcome
    }

    func leadRow(event: String, dedupeKey: String, db: SQLiteDatabase) throws(StoreError) -> Lead? {
        let statement = try db.statement("SELECT id, json FROM leads WHERE event = ? AND dedupe_key = ?")
        try statement.bind([.text(event), .text(dedupeKey)])
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
        try db.statement("INSERT INTO lead_events (id, lead_id, kind, at, data) VALUES (?, ?, ?, ?, ?)")
            .run([.text(LeadID.make(at: at)), .text(leadID), .text(kind), .text(Timestamp.format(at)), .text(encodeJSON(data))])
        let seq = db.lastInsertRowID
        try db.statement("INSERT INTO outbox (event_seq, lead_id) VALUES (?, ?)").run([.int(seq), .text(leadID)])
    }
}
