import CSQLite
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

/// What a batch of captures did, counted.
public struct CaptureCounts: Sendable, Equatable {
    public var created = 0
    public var merged = 0
    public var alreadyCaptured = 0
    public init() {}
}

extension LeadStore {
    /// Runs a bulk load (an import): captures join long transactions that `commitBulk()`
    /// ends, and the load ends with everything on disk.
    ///
    /// Alone on the store (no other connection open), the load writes without the WAL: it
    /// switches the file to a rollback journal (`TRUNCATE`) and back to WAL at the end.
    /// New pages then go to the database file once, instead of to the WAL and again to the
    /// file at a checkpoint; for 100,000 cards that was half the bytes written and a tenth of
    /// the CPU time. Commits stay `synchronous=FULL`: a power cut loses nothing committed.
    /// A process opening the store meanwhile switches it back to WAL between two of the
    /// load's transactions (see `init`), and the load follows; a crash leaves a hot journal
    /// that the next open rolls back.
    ///
    /// With another connection open (a booth, a forwarder), the switch is refused and the
    /// load stays in WAL mode. Commits then use `synchronous=NORMAL`: in WAL mode a process
    /// crash (SIGKILL) still loses nothing committed, only a power cut could lose the last
    /// commits, and nothing has been reported as stored by then. Checkpoints run on a thread
    /// of their own (`BackgroundCheckpointer`), and before returning, a full checkpoint
    /// writes and fsyncs everything, so what the caller then reports is on disk.
    ///
    /// Either way, if a write inside fails, everything since the last `commitBulk()` is
    /// rolled back; what was committed before stays. A bigger page cache keeps the
    /// random-order index pages (content hashes, dedupe keys) in memory.
    public func bulkLoad<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        let checkpointer = BackgroundCheckpointer(path: path)
        let (alone, secureDelete) = try withDatabase { (db) throws(StoreError) -> (Bool, String) in
            let alone = db.leaveWAL()
            try db.execute(alone ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL")
            try db.execute("PRAGMA cache_size=\(-Self.bulkCacheKiB)")
            try db.execute("PRAGMA wal_autocheckpoint=\(Self.bulkCheckpointPages)")
            // The capture code writes each lead, event and outbox row together; checking the
            // two references per lead again cost two index lookups a lead. Tests run
            // `foreign_key_check` after imports, crashes included.
            try db.execute("PRAGMA foreign_keys=OFF")
            // A load only adds rows (a merge rewrites a lead with more in it): nothing it
            // frees is data the store no longer holds, so the zeroing of freed space (on in
            // Debian's SQLite) only costs, 4% of the writer's instructions.
            let secureDelete = try db.pragmaText("PRAGMA secure_delete") ?? "1"
            try db.execute("PRAGMA secure_delete=OFF")
            db.holdsTransactions = true
            db.bulkFilter = BulkCaptureFilter()
            return (alone, secureDelete)
        }
        if !alone { checkpointer.start() }
        func finish() throws(StoreError) {
            let clock = ContinuousClock()
            let start = clock.now
            try withDatabase { (db) throws(StoreError) in
                db.holdsTransactions = false
                db.bulkFilter = nil
                try db.commitHeld()
            }
            let committed = clock.now
            if !alone { checkpointer.stop() }
            let stopped = clock.now
            try withDatabase { (db) throws(StoreError) in
                try db.execute("PRAGMA foreign_keys=ON")
                try db.execute("PRAGMA secure_delete=\(secureDelete)")
                try db.execute("PRAGMA synchronous=FULL")
                try db.execute("PRAGMA cache_size=-2000")
                try db.execute("PRAGMA wal_autocheckpoint=1000")
                if alone {
                    // Every commit was FULL already. Back to WAL: waits (busy timeout) for a
                    // reader; if that fails the store stays usable and the next open retries.
                    if !db.enterWAL() {
                        logger.warning("store left in rollback-journal mode after an import; the next leadgate to open it switches it back", metadata: ["store.path": "\(path)"])
                        return
                    }
                    // A process that opened the store meanwhile switched it back to WAL
                    // (see `init`), and the load's later commits went to the WAL.
                    try db.execute("PRAGMA wal_checkpoint(PASSIVE)")
                    return
                }
                // A last, FULL commit: its fsync of the WAL covers every commit the load made
                // before, even if the checkpoint below must give up on a slow reader.
                try db.transaction { () throws(StoreError) in
                    let mark = try db.prepared("INSERT OR REPLACE INTO meta (key, value) VALUES ('last_bulk_load', ?)")
                    try mark.bind(1, Timestamp.format(Date()))
                    try mark.runBound()
                }
                try db.execute("PRAGMA wal_checkpoint(FULL)")
            }
            logger.debug("bulk load finished", metadata: [
                "bulk.journal": "\(alone ? "rollback" : "wal")",
                "bulk.commit_ms": "\((committed - start).milliseconds)",
                "bulk.checkpointer_stop_ms": "\((stopped - committed).milliseconds)",
                "bulk.final_ms": "\((clock.now - stopped).milliseconds)",
            ])
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
    static let bulkCacheKiB = 32 << 10
    /// WAL pages before the bulk load's own connection checkpoints: never, as a background
    /// thread does it (`BackgroundCheckpointer`) and the load ends with a full checkpoint.
    static let bulkCheckpointPages = 0

    /// Stores one capture durably and queues it for forwarding.
    public func capture(_ candidate: LeadCandidate) throws(StoreError) -> CaptureOutcome {
        try capture([candidate])[0]
    }

    /// Stores captures in one transaction (one fsync for the batch), in order, so a later
    /// capture of the same person merges into the lead an earlier one made.
    public func capture(_ candidates: [LeadCandidate]) throws(StoreError) -> [CaptureOutcome] {
        var outcomes: [CaptureOutcome] = []
        outcomes.reserveCapacity(candidates.count)
        try capture([candidates.map { PreparedCapture($0) }]) { (index, stored) in
            switch stored {
            case .created: outcomes.append(.created(candidates[index].lead))
            case .merged(let lead): outcomes.append(.merged(into: lead))
            case .alreadyCaptured(let id): outcomes.append(.alreadyCaptured(leadID: id))
            }
        }
        return outcomes
    }

    /// Stores captures as `capture(_:)` does and only counts what happened: an import
    /// needs no copy of each new lead. Its decode threads prepare the captures.
    /// The captures come in groups (one per file) so that gathering a batch copies none.
    public func captureCounting(_ groups: [[PreparedCapture]]) throws(StoreError) -> CaptureCounts {
        var counts = CaptureCounts()
        try capture(groups) { (_, stored) in
            switch stored {
            case .created: counts.created += 1
            case .merged: counts.merged += 1
            case .alreadyCaptured: counts.alreadyCaptured += 1
            }
        }
        return counts
    }

    /// All of `groups` in one transaction, in order; `report` gets each capture's index
    /// (counted across groups) and what it did.
    private func capture(_ groups: [[PreparedCapture]], _ report: (Int, Stored) -> Void) throws(StoreError) {
        try withDatabase { (db) throws(StoreError) in
            try db.transaction { () throws(StoreError) in
                try db.bulkFilter?.revalidate(db)
                let now = Date()
                // The update time as bytes, bound in place for every new lead of the call.
                var nowText = [UInt8](repeating: 0, count: Timestamp.length)
                nowText.withUnsafeMutableBufferPointer { _ = Timestamp.write(now, to: $0.baseAddress!) }
                // New leads' values are bound in place from their captures and stay bound
                // from one lead to the next (each rebinds them all); they are unbound here,
                // once, before the captures and `nowText` go.
                defer { try? unbindNewLeadStatements(db) }
                try nowText.withUnsafeBufferPointer { (nowText) throws(StoreError) in
                    var index = 0
                    for group in groups {
                        // Through a buffer pointer: `for capture in group` copied each capture,
                        // retaining and releasing every string of its lead.
                        try group.withUnsafeBufferPointer { (captures) throws(StoreError) in
                            guard let first = captures.baseAddress else { return }
                            for offset in captures.indices {
                                report(index, try captureOne(first + offset, now: now, nowText: nowText, db: db))
                                index += 1
                            }
                        }
                    }
                }
            }
        }
    }

    /// What one capture did; a new lead is the candidate's own.
    private enum Stored {
        case created
        case merged(Lead)
        case alreadyCaptured(String)
    }

    /// One capture: two lookups (skipped when a bulk load knows the answer), then a new
    /// lead (row, created event) or a merge, then the content hash.
    /// This runs 100,000 times in a big import: a new lead's values are bound straight from
    /// the prepared bytes.
    /// The capture comes by pointer: passed as a value (even `borrowing`), each one was
    /// copied, a retain and a release per string of its lead. Only what a path needs is read.
    private func captureOne(_ prepared: UnsafePointer<PreparedCapture>, now: Date, nowText: UnsafeBufferPointer<UInt8>,
                            db: SQLiteDatabase) throws(StoreError) -> Stored {
        let event = prepared.pointee.event
        // In a bulk load, the filter knows most captures are new: no lookups for those.
        let filter = try db.bulkFilter?.sets(for: event, db: db)
        let hashPrefix = prepared.pointee.hashPrefix
        let keyHash = prepared.pointee.keyHash
        if filter?.mayHaveSeen(hashPrefix) ?? true {
            let seen = try db.prepared("SELECT lead_id FROM captures_seen WHERE event = ? AND content_hash = ?")
            try seen.bind(1, event)
            try seen.bind(2, prepared.pointee.contentHash)
            let already = try seen.step() ? seen.text(0) : nil
            seen.reset()
            if let already { return .alreadyCaptured(already) }
        }
        defer { filter?.stored(hashPrefix: hashPrefix, keyHash: keyHash) }
        if keyHash.map({ filter?.mayHaveLead($0) ?? true }) ?? false {
            if let merged = try mergeIfKnown(prepared, now: now, db: db) { return .merged(merged) }
        }
        try insertNewLead(prepared, nowText: nowText, db: db)
        return .created
    }

    /// Adds the capture to the lead of the same person at its event, if there is one.
    private func mergeIfKnown(_ prepared: UnsafePointer<PreparedCapture>, now: Date, db: SQLiteDatabase) throws(StoreError) -> Lead? {
        let event = prepared.pointee.event
        guard let key = prepared.pointee.dedupeKey else { return nil }
        let tornByUID: Lead?
        var existing: Lead
        if let found = try leadRow(event: event, dedupeKey: key, db: db) {
            existing = found
            tornByUID = nil
        } else if let torn = try incompleteLead(event: event, candidate: prepared.pointee.candidate?.lead, db: db) {
            existing = torn
            tornByUID = torn
        } else {
            return nil
        }
        // An import's capture kept only its JSON: read the lead back (merges are few).
        let lead: Lead
        if let kept = prepared.pointee.candidate?.lead {
            lead = kept
        } else {
            lead = try decodeLead(String(decoding: prepared.pointee.leadJSON, as: UTF8.self), id: "being merged into \(existing.id)")
        }
        let completes = existing.tags.contains(Lead.incompleteTag) && lead.source.tagUID != nil
            && lead.source.tagUID == existing.source.tagUID && lead.source.channel != .import
        var ownerBefore: String?
        if completes {
            ownerBefore = try complete(&existing, with: lead, db: db, at: now)
        } else {
            try merge(lead, into: &existing, db: db, at: now)
        }
        try updateLeadRow(existing, db: db, at: now)
        if tornByUID != nil {
            try db.statement("UPDATE leads SET dedupe_key = ? WHERE id = ?").run([.text(key), .text(existing.id)])
        }
        var change: [String: Any] = ["captured_at": Timestamp.format(lead.capturedAt),
                                     "channel": lead.source.channel.rawValue, "format": lead.source.format]
        if completes { change["completed"] = true }
        try appendEvent(leadID: existing.id, kind: "merged", data: change, at: now, db: db)
        // Routed to someone else by the email now known: told like any assignment.
        if let ownerBefore {
            try appendEvent(leadID: existing.id, kind: "owner_changed", data: ["from": ownerBefore, "to": existing.owner], at: now, db: db)
        }
        let remember = try db.prepared(Self.insertContentHashSQL)
        try remember.bind(1, event)
        try remember.bind(2, prepared.pointee.contentHash)
        try remember.bind(3, existing.id)
        try remember.runBound()
        return existing
    }

    /// The lead an earlier tap of the same tag made when the tag left mid-read, when the
    /// person it reads now is no lead yet: a clean re-read completes it instead of making a
    /// second lead. Taps only (an import has no tag).
    private func incompleteLead(event: String, candidate: Lead?, db: SQLiteDatabase) throws(StoreError) -> Lead? {
        guard let candidate, candidate.source.channel != .import, let uid = candidate.source.tagUID, !uid.isEmpty,
              let torn = try leadRow(event: event, dedupeKey: "uid:" + uid.uppercased(), db: db),
              torn.tags.contains(Lead.incompleteTag) else { return nil }
        return torn
    }

    /// Completes a lead made from a tag that left mid-read with a clean read of the same tag:
    /// the lead becomes that read (its source, bytes and contact) and keeps the torn tap as a
    /// merged capture, its first capture time, note and changes. Its owner follows the
    /// routing for the contact now known, unless someone set the owner meanwhile; the owner
    /// it had, when that changed it.
    func complete(_ existing: inout Lead, with lead: Lead, db: SQLiteDatabase, at now: Date) throws(StoreError) -> String? {
        let torn = Capture(capturedAt: existing.capturedAt, source: existing.source, raw: existing.raw)
        existing.mergedCaptures.insert(torn, at: 0)
        existing.source = lead.source
        existing.raw = lead.raw
        existing.contact = existing.contact.merged(with: lead.contact)
        existing.tags.removeAll { $0 == Lead.incompleteTag }
        let ownerSet = try db.prepared("SELECT 1 FROM lead_events WHERE lead_id = ? AND kind = 'owner_changed' LIMIT 1")
        defer { ownerSet.reset() }
        try ownerSet.bind(1, existing.id)
        let ownerBefore = existing.owner
        if try !ownerSet.step() { existing.owner = lead.owner }
        try keepWithinLimits(&existing, db: db, at: now)
        return existing.owner == ownerBefore ? nil : ownerBefore
    }

    /// Adds `lead`'s capture and contact to `existing`, keeping it within `LeadLimits`: a
    /// lead merged many times lists its latest captures and moves earlier captures' bytes
    /// to the quarantine (one entry each), so it never grows past a megabyte.
    func merge(_ lead: Lead, into existing: inout Lead, db: SQLiteDatabase, at now: Date) throws(StoreError) {
        existing.mergedCaptures.append(Capture(capturedAt: lead.capturedAt, source: lead.source, raw: lead.raw))
        existing.contact = existing.contact.merged(with: lead.contact)
        try keepWithinLimits(&existing, db: db, at: now)
    }

    private func keepWithinLimits(_ existing: inout Lead, db: SQLiteDatabase, at now: Date) throws(StoreError) {
        guard let cut = LeadLimits.fit(&existing) else { return }
        let reason = "lead \(existing.id.prefix(8)) (merged): \(cut.description)"
        var moved = cut.captures.map { ($0.source.file ?? $0.source.reader ?? "capture of lead \(existing.id.prefix(8))", $0.raw) }
        if let raw = cut.raw { moved.append(("lead \(existing.id.prefix(8))", RawPayload(mediaType: existing.raw.mediaType, bytes: raw))) }
        for (origin, raw) in moved {
            _ = try insertQuarantine(QuarantineEntry(origin: origin, byteOffset: nil, reason: reason, mediaType: raw.mediaType, raw: raw.bytes,
                                                     event: existing.event, rep: existing.rep, receivedAt: now), db: db)
        }
        logger.warning("lead kept within its bounds after a merge", metadata: ["lead.id": "\(existing.id)", "lead.cut": "\(cut.description)"])
    }

    private static let insertLeadSQL: StaticString = """
        INSERT INTO leads (id, event, rep, owner, status, due_at, captured_at, updated_at, dedupe_key, has_note, json)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
    private static let insertCreatedEventSQL: StaticString =
        "INSERT INTO lead_events (id, lead_id, kind, at, data) VALUES (?, ?, 'created', ?, '{}')"
    private static let insertContentHashSQL: StaticString =
        "INSERT INTO captures_seen (event, content_hash, lead_id) VALUES (?, ?, ?)"

    /// Drops what `insertNewLead` left bound (pointers into captures about to be freed).
    private func unbindNewLeadStatements(_ db: SQLiteDatabase) throws(StoreError) {
        for sql in [Self.insertLeadSQL, Self.insertCreatedEventSQL, Self.insertContentHashSQL] {
            sqlite3_clear_bindings(try db.prepared(sql).handle)
        }
    }

    /// A new lead's row, its created event (queued for forwarding) and its content hash, every
    /// value bound in place from the prepared bytes; the caller unbinds them once it is done
    /// with its captures (`unbindNewLeadStatements`): clearing three statements' bindings
    /// for every lead, and copying the update time into SQLite, cost the writer 3%.
    private func insertNewLead(_ capture: UnsafePointer<PreparedCapture>, nowText: UnsafeBufferPointer<UInt8>,
                               db: SQLiteDatabase) throws(StoreError) {
        let insert = try db.prepared(Self.insertLeadSQL)
        let event = try db.prepared(Self.insertCreatedEventSQL)
        let remember = try db.prepared(Self.insertContentHashSQL)
        try capture.pointee.fields.withUnsafeBufferPointer { (bytes) throws(StoreError) in
            let fields = PreparedCapture.FieldView(bytes: bytes, ends: capture.pointee.ends)
            try insert.bind(1, fields, .id)
            try insert.bind(2, fields, .event)
            try insert.bind(3, fields, .rep)
            try insert.bind(4, fields, .owner)
            try insert.bind(5, fields, .status)
            try insert.bind(6, fields, .dueAt)
            try insert.bind(7, fields, .capturedAt)
            try insert.bind(8, utf8: nowText)
            if capture.pointee.hasDedupeKey { try insert.bind(9, fields, .dedupeKey) } else { try insert.bind(9, nil as String?) }
            try insert.bind(10, capture.pointee.hasNote ? 1 : 0)
            try insert.runBound(binding: 11, utf8: capture.pointee.leadJSON)

            try event.bind(1, fields, .createdEventID)
            try event.bind(2, fields, .id)
            try event.bind(3, fields, .capturedAt)
            try event.runBound()

            try remember.bind(1, fields, .event)
            try remember.bind(2, fields, .contentHash)
            try remember.bind(3, fields, .id)
            try remember.runBound()
        }
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

    /// Records a change as an event, queued for the shared store (its `state` starts queued).
    func appendEvent(leadID: String, kind: String, data: [String: Any], at: Date, db: SQLiteDatabase) throws(StoreError) {
        var data = data
        if data["actor"] == nil { data["actor"] = actor }
        try appendEvent(leadID: leadID, kind: kind, json: encodeJSON(data), at: at,
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
    }
}

extension Duration {
    var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
}
