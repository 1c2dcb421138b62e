import Foundation
import Leads

/// Kiosk captures, held until the visitor agrees to be contacted.
///
/// A held capture is a lead row with no events and no dedupe key: committed (fsync'd)
/// before the kiosk shows it, as every tap is, yet invisible to the forwarder, which reads
/// only events, and never merged into by another capture. Agreeing writes its `created`
/// event (queued like any other) or, when the person already is a lead at the event, merges
/// it into that lead. Declining deletes the row and any quarantined bytes of the tap.
///
/// Why no event until consent: an event written at the tap could be read by a running
/// forwarder (another process) at once, and deleting events would break the outbox's
/// ordering (`seq` is the largest plus one; see Schema migration 3). Nothing to delete,
/// nothing forwarded.
extension LeadStore {
    /// Stores a kiosk capture without queueing it: a new lead row, nothing else.
    public func holdForConsent(_ candidate: LeadCandidate) throws(StoreError) -> CaptureOutcome {
        let lead = candidate.lead
        try withDatabase { (db) throws(StoreError) in
            try db.transaction { () throws(StoreError) in
                try db.statement("""
                    INSERT INTO leads (id, event, rep, owner, status, due_at, captured_at, updated_at, dedupe_key, has_note, json)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, 0, ?)
                    """).run([
                    .text(lead.id), .text(lead.event), .text(lead.rep), .text(lead.owner), .text(lead.status.rawValue),
                    .text(Timestamp.format(lead.nextAction.due)), .text(Timestamp.format(lead.capturedAt)),
                    .text(Timestamp.format(lead.capturedAt)), .text(try encode(lead)),
                ])
            }
        }
        return .created(lead)
    }

    /// The visitor agreed: records the consent and the owner, and queues the lead for the
    /// shared store. Returns the lead as stored (an earlier lead of the same person at the
    /// same event, when there is one, with this capture merged into it).
    public func confirmConsent(_ leadID: String, consent: Consent, owner: String, at now: Date = Date()) throws(StoreError) -> Lead {
        try withDatabase { (db) throws(StoreError) in
            try db.transaction { () throws(StoreError) -> Lead in
                guard try !hasEvents(leadID, db: db) else { return try leadRow(leadID, db: db) }
                var lead = try leadRow(leadID, db: db)
                lead.consent = consent
                lead.owner = owner
                let key = LeadCandidate.dedupeKey(contact: lead.contact, tagUID: lead.source.tagUID)
                if let key, var existing = try leadRow(event: lead.event, dedupeKey: key, db: db) {
                    try merge(lead, into: &existing, db: db, at: now)
                    existing.consent = consent
                    try updateLeadRow(existing, db: db, at: now)
                    try appendEvent(leadID: existing.id, kind: "merged", data: [
                        "captured_at": Timestamp.format(lead.capturedAt), "channel": lead.source.channel.rawValue,
                        "format": lead.source.format, "consent_text_version": consent.textVersion,
                    ], at: now, db: db)
                    try db.statement("DELETE FROM leads WHERE id = ?").run([.text(leadID)])
                    return existing
                }
                try updateLeadRow(lead, db: db, at: now)
                try db.statement("UPDATE leads SET dedupe_key = ? WHERE id = ?").run([.text(key), .text(leadID)])
                try appendEvent(leadID: leadID, kind: "created", data: [:], at: lead.capturedAt, db: db)
                return lead
            }
        }
    }

    /// The visitor declined (or walked away before agreeing): deletes the held capture and
    /// the tap's quarantined bytes (`origin` and `receivedAt` as the capture gave them), and
    /// counts it in `meta` under `countKey`. A lead that already has events (consent given)
    /// is left alone. Returns whether a lead was deleted.
    @discardableResult
    public func discardUnconsented(_ leadID: String?, quarantineOrigin origin: String, receivedAt: Date,
                                   countKey: String) throws(StoreError) -> Bool {
        let deleted = try withDatabase { (db) throws(StoreError) -> Bool in
            // Freed pages are zeroed, so the deleted bytes are gone from the file (Debian's
            // SQLite has this on already; said here so it never depends on the build).
            try db.execute("PRAGMA secure_delete=ON")
            return try db.transaction { () throws(StoreError) -> Bool in
                var deleted = false
                if let leadID, try !hasEvents(leadID, db: db) {
                    try db.statement("DELETE FROM leads WHERE id = ?").run([.text(leadID)])
                    deleted = db.changes > 0
                }
                try db.statement("DELETE FROM quarantine WHERE origin = ? AND received_at = ? AND resolved_at IS NULL")
                    .run([.text(origin), .text(Timestamp.format(receivedAt))])
                let count = Int(try meta(countKey, db: db) ?? "0") ?? 0
                try setMeta(countKey, String(count + 1), db: db)
                return deleted
            }
        }
        // The old pages also sit in the WAL until a checkpoint copies the file's new state
        // over them and truncates it; best effort (a reader may hold it back a while).
        try? withDatabase { (db) throws(StoreError) in try db.execute("PRAGMA wal_checkpoint(TRUNCATE)") }
        return deleted
    }

    /// Deletes kiosk captures still held from an earlier run (a crash or a kill between the
    /// tap and the visitor's answer): without consent they must not stay. Returns how many.
    @discardableResult
    public func purgeUnconsented() throws(StoreError) -> Int {
        try withDatabase { (db) throws(StoreError) in
            try db.execute("PRAGMA secure_delete=ON")
            try db.statement("""
                DELETE FROM leads WHERE json_extract(json, '$.source.channel') = 'kiosk'
                AND NOT EXISTS (SELECT 1 FROM lead_events e WHERE e.lead_id = leads.id)
                """).run()
            return db.changes
        }
    }

    /// A counter kept in `meta` (such as the kiosk's declines), 0 if never set.
    public func counter(_ key: String) throws(StoreError) -> Int {
        try withDatabase { (db) throws(StoreError) in Int(try meta(key, db: db) ?? "0") ?? 0 }
    }

    func hasEvents(_ leadID: String, db: SQLiteDatabase) throws(StoreError) -> Bool {
        let statement = try db.statement("SELECT 1 FROM lead_events WHERE lead_id = ? LIMIT 1")
        try statement.bind([.text(leadID)])
        return try statement.step()
    }
}
