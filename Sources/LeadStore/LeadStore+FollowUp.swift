import Foundation
import Leads

/// What `done` records besides the contact itself.
public struct FollowUp: Sendable, Hashable {
    public var note: String?
    /// The next step; nil leaves none ("none", nothing overdue).
    public var nextAction: String?
    public var due: Date?

    public init(note: String? = nil, nextAction: String? = nil, due: Date? = nil) {
        self.note = note
        self.nextAction = nextAction
        self.due = due
    }
}

extension LeadStore {
    /// Records that the owner acted on a lead: a `contacted` event (the first one is the
    /// lead's first contact, the end of its speed-to-lead), the note if any, and the next
    /// action, which is "none" unless a new one is given.
    @discardableResult
    public func recordContact(_ idOrPrefix: String, followUp: FollowUp, at: Date = Date()) throws(StoreError) -> (lead: Lead, first: Bool) {
        try withDatabase { (db) throws(StoreError) in
            try db.transaction { () throws(StoreError) in
                var lead = try leadRow(idOrPrefix, db: db)
                let earlier = try db.statement("SELECT count(*) FROM lead_events WHERE lead_id = ? AND kind = 'contacted'")
                try earlier.bind([.text(lead.id)])
                _ = try earlier.step()
                let first = (earlier.int(0) ?? 0) == 0
                earlier.reset()
                var data: [String: Any] = ["first": first]
                if let note = followUp.note?.trimmingCharacters(in: .whitespacesAndNewlines), !note.isEmpty {
                    lead.note = lead.note.map { $0 + "\n" + note } ?? note
                    data["note"] = note
                }
                let next = NextAction(action: followUp.nextAction ?? NextAction.noAction, due: followUp.due ?? lead.nextAction.due)
                lead.nextAction = next
                data["next_action"] = ["action": next.action, "due": Timestamp.format(next.due)]
                try updateLeadRow(lead, db: db, at: at)
                try appendEvent(leadID: lead.id, kind: "contacted", data: data, at: at, db: db)
                return (lead, first)
            }
        }
    }

    /// When each lead was first contacted (`leadgate done`), by lead id.
    public func firstContacts() throws(StoreError) -> [String: Date] {
        try withDatabase { (db) throws(StoreError) in
            let statement = try db.statement("SELECT lead_id, min(at) FROM lead_events WHERE kind = 'contacted' GROUP BY lead_id")
            var out: [String: Date] = [:]
            while try statement.step() {
                if let id = statement.text(0), let at = statement.text(1).flatMap(Timestamp.parse) { out[id] = at }
            }
            return out
        }
    }

    /// Erases a lead's personal data: its contact, note, tags, raw bytes and file names, the
    /// data of its earlier events, its quarantine entries, content hashes and undelivered
    /// notifications. The lead keeps its id, event, rep, owner, status and times, and a
    /// `forgotten` event takes the erasure to the shared store. Freed pages are zeroed and
    /// the WAL checkpointed, so the old bytes do not linger in the file.
    @discardableResult
    public func forget(_ idOrPrefix: String, at: Date = Date()) throws(StoreError) -> Lead {
        let lead = try withDatabase { (db) throws(StoreError) -> Lead in
            try db.execute("PRAGMA secure_delete=ON")
            defer { try? db.execute("PRAGMA secure_delete=OFF") }
            return try db.transaction { () throws(StoreError) -> Lead in
                var lead = try leadRow(idOrPrefix, db: db)
                lead.contact = NormalizedContact()
                lead.note = nil
                lead.tags = []
                lead.nextAction = NextAction(action: NextAction.noAction, due: lead.nextAction.due)
                lead.raw = RawPayload(mediaType: lead.raw.mediaType, bytes: [])
                lead.source = Self.scrubbed(lead.source)
                lead.mergedCaptures = lead.mergedCaptures.map {
                    Capture(capturedAt: $0.capturedAt, source: Self.scrubbed($0.source), raw: RawPayload(mediaType: $0.raw.mediaType, bytes: []))
                }
                try updateLeadRow(lead, db: db, at: at)
                let id = SQLValue.text(lead.id)
                try db.statement("UPDATE leads SET dedupe_key = NULL WHERE id = ?").run([id])
                try db.statement("UPDATE lead_events SET data = '{}' WHERE lead_id = ?").run([id])
                try db.statement("DELETE FROM quarantine WHERE lead_id = ?").run([id])
                try db.statement("DELETE FROM captures_seen WHERE lead_id = ?").run([id])
                try db.statement("DELETE FROM notifications WHERE lead_id = ? AND state <> 'delivered'").run([id])
                try db.statement("UPDATE notifications SET subject = 'forgotten', body = '' WHERE lead_id = ?").run([id])
                try appendEvent(leadID: lead.id, kind: "forgotten", data: [:], at: at, db: db)
                return lead
            }
        }
        try? withDatabase { (db) throws(StoreError) in try db.execute("PRAGMA wal_checkpoint(TRUNCATE)") }
        return lead
    }

    private static func scrubbed(_ source: LeadSource) -> LeadSource {
        var source = source
        source.tagUID = nil
        source.file = nil
        return source
    }
}
