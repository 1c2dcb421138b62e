import Foundation
import Leads

/// A message for a lead's owner waiting in the notification outbox.
public struct OwnerNotification: Sendable, Hashable {
    public enum Kind: String, Sendable {
        /// A lead was given to the owner (note `@bob`, `set --owner`, routing, the kiosk).
        case assigned
        /// A lead the owner owns turned hot.
        case hot
        /// The owner's overdue and due-today follow-ups (`leadgate remind`).
        case digest
    }

    public var seq: Int
    /// Unique per message: a second look at the same change queues nothing new.
    public var key: String
    public var kind: Kind
    public var owner: String
    public var leadID: String?
    public var subject: String
    /// The text: name, company, note, next action and due time.
    public var body: String
    public var attempts: Int
    /// Addresses already reached; a retry skips them.
    public var sentTo: [String]
}

extension LeadStore {
    /// Turns the changes recorded since the last call into owner notifications: an owner
    /// change (whatever made it) tells the new owner, a lead turning hot tells its owner, a
    /// lead captured already owned by someone other than its rep (routing) or already hot
    /// does the same. Each lead tells an owner of its assignment once, and turns hot once.
    /// The scan and the queueing share a transaction, so a crash loses and repeats nothing.
    /// Returns how many notifications were queued.
    @discardableResult
    public func queueOwnerNotifications(now: Date = Date(), limit: Int = 5000) throws(StoreError) -> Int {
        try withDatabase { (db) throws(StoreError) in
            // A read first: an idle poll takes no write lock and syncs nothing.
            let pending = try db.statement("SELECT coalesce(max(seq), 0) > coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'notify_cursor'), 0) FROM lead_events")
            _ = try pending.step()
            let anyNew = pending.int(0) == 1
            pending.reset()
            guard anyNew else { return 0 }
            return try db.transaction { () throws(StoreError) -> Int in
                let cursor = Int(try meta("notify_cursor", db: db) ?? "0") ?? 0
                // A created lead matters only if routed or already hot: the leads' own columns
                // say so, and the JSON of the others (an import's thousands) is never read.
                let scan = try db.statement("""
                    SELECT e.seq, e.id, e.lead_id, e.kind, e.data, l.json FROM lead_events e JOIN leads l ON l.id = e.lead_id
                    WHERE e.seq > ? AND (e.kind IN ('owner_changed', 'status_changed')
                                         OR (e.kind = 'created' AND (l.owner <> l.rep OR l.status = 'hot')))
                    ORDER BY e.seq LIMIT ?
                    """)
                try scan.bind([.int(cursor), .int(limit)])
                var last = cursor
                var rows = 0
                var queued: [(owner: String, kind: OwnerNotification.Kind, lead: Lead)] = []
                while try scan.step() {
                    rows += 1
                    last = scan.int(0) ?? last
                    let kind = scan.text(3) ?? ""
                    let data = (try? JSONSerialization.jsonObject(with: Data((scan.text(4) ?? "{}").utf8))) as? [String: Any] ?? [:]
                    guard let lead = try? decodeLead(scan.text(5) ?? "", id: scan.text(2) ?? "?") else { continue }
                    switch kind {
                    case "owner_changed":
                        if let owner = data["to"] as? String { queued.append((owner, .assigned, lead)) }
                    case "status_changed" where data["to"] as? String == LeadStatus.hot.rawValue:
                        queued.append((lead.owner, .hot, lead))
                    case "created":
                        if lead.owner != lead.rep { queued.append((lead.owner, .assigned, lead)) }
                        if lead.status == .hot { queued.append((lead.owner, .hot, lead)) }
                    default:
                        break
                    }
                }
                scan.reset()
                if rows < limit {
                    // Every change of interest since the cursor was seen (the write lock is held): on to the newest.
                    let newest = try db.statement("SELECT coalesce(max(seq), 0) FROM lead_events")
                    _ = try newest.step()
                    last = max(cursor, newest.int(0) ?? cursor)
                    newest.reset()
                }
                var count = 0
                for (owner, kind, lead) in queued {
                    let key = kind == .assigned ? "assigned:\(lead.id):\(owner)" : "hot:\(lead.id)"
                    let message = Self.message(kind, lead: lead, owner: owner)
                    count += try insertNotification(key: key, kind: kind, owner: owner, leadID: lead.id,
                                                    subject: message.subject, body: message.body, at: now, db: db)
                }
                try setMeta("notify_cursor", String(last), db: db)
                return count
            }
        }
    }

    /// Queues one digest per owner and day: the owner's overdue and due-today follow-ups
    /// as of `now`. An owner with none gets none; a second run the same day queues nothing.
    /// Returns the owners whose digest was queued now.
    public func queueDigests(now: Date = Date(), owner only: String? = nil, timeZone: TimeZone = .current) throws(StoreError) -> [String] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let startOfDay = calendar.startOfDay(for: now)
        let endOfDay = calendar.date(byAdding: .day, value: 1, to: startOfDay) ?? now
        let due = try leads(LeadFilter(owner: only, dueBefore: endOfDay))
        let byOwner = Dictionary(grouping: due, by: \.owner)
        let day = Timestamp.format(startOfDay).prefix(10)
        return try withDatabase { (db) throws(StoreError) in
            try db.transaction { () throws(StoreError) -> [String] in
                var queued: [String] = []
                for owner in byOwner.keys.sorted() {
                    let leads = byOwner[owner]!.sorted { $0.nextAction.due < $1.nextAction.due }
                    let overdue = leads.filter { $0.nextAction.due < now }.count
                    let subject = "leadgate: \(overdue) overdue, \(leads.count - overdue) due today"
                    var body = "@\(owner): \(overdue) overdue and \(leads.count - overdue) due today\n"
                    for lead in leads { body += "- " + Self.summary(lead, now: now) + "\n" }
                    if try insertNotification(key: "digest:\(owner):\(day)", kind: .digest, owner: owner, leadID: nil,
                                              subject: subject, body: body, at: now, db: db) > 0 {
                        queued.append(owner)
                    }
                }
                return queued
            }
        }
    }

    /// Queued notifications due by `now`, oldest first.
    public func pendingNotifications(limit: Int = 100, now: Date = Date()) throws(StoreError) -> [OwnerNotification] {
        try withDatabase { (db) throws(StoreError) in
            let statement = try db.statement("""
                SELECT seq, key, kind, owner, lead_id, subject, body, attempts, sent_to FROM notifications
                WHERE state = 'queued' AND (next_attempt_at IS NULL OR next_attempt_at <= ?) ORDER BY seq LIMIT ?
                """)
            try statement.bind([.text(Timestamp.format(now)), .int(limit)])
            var out: [OwnerNotification] = []
            while try statement.step() {
                let sent = (try? JSONSerialization.jsonObject(with: Data((statement.text(8) ?? "[]").utf8))) as? [String] ?? []
                out.append(OwnerNotification(seq: statement.int(0) ?? 0, key: statement.text(1) ?? "",
                                             kind: OwnerNotification.Kind(rawValue: statement.text(2) ?? "") ?? .assigned,
                                             owner: statement.text(3) ?? "", leadID: statement.text(4),
                                             subject: statement.text(5) ?? "", body: statement.text(6) ?? "",
                                             attempts: statement.int(7) ?? 0, sentTo: sent))
            }
            return out
        }
    }

    /// Records that one address got the message (before the others are tried).
    public func markNotificationSent(_ seq: Int, to address: String) throws(StoreError) {
        try withDatabase { (db) throws(StoreError) in
            try db.statement("UPDATE notifications SET sent_to = json_insert(sent_to, '$[#]', ?) WHERE seq = ?").run([.text(address), .int(seq)])
        }
    }

    /// Every address got it: done.
    public func markNotificationDelivered(_ seq: Int, at: Date = Date()) throws(StoreError) {
        try withDatabase { (db) throws(StoreError) in
            try db.statement("UPDATE notifications SET state = 'delivered', delivered_at = ?, attempts = attempts + 1, last_error = NULL WHERE seq = ?")
                .run([.text(Timestamp.format(at)), .int(seq)])
        }
    }

    /// A failure for now: try again at `retryAt`.
    public func markNotificationRetry(_ seq: Int, error: String, retryAt: Date) throws(StoreError) {
        try withDatabase { (db) throws(StoreError) in
            try db.statement("UPDATE notifications SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE seq = ?")
                .run([.text(error), .text(Timestamp.format(retryAt)), .int(seq)])
        }
    }

    /// A failure for good (no address for the owner, a refusing receiver): kept, never retried.
    public func markNotificationDead(_ seq: Int, reason: String) throws(StoreError) {
        try withDatabase { (db) throws(StoreError) in
            try db.statement("UPDATE notifications SET state = 'dead', attempts = attempts + 1, last_error = ? WHERE seq = ?")
                .run([.text(reason), .int(seq)])
        }
    }

    /// Counts by state (`queued`, `delivered`, `dead`).
    public func notificationCounts() throws(StoreError) -> [String: Int] {
        try withDatabase { (db) throws(StoreError) in
            let statement = try db.statement("SELECT state, count(*) FROM notifications GROUP BY state")
            var out: [String: Int] = [:]
            while try statement.step() { out[statement.text(0) ?? ""] = statement.int(1) ?? 0 }
            return out
        }
    }

    private func insertNotification(key: String, kind: OwnerNotification.Kind, owner: String, leadID: String?,
                                    subject: String, body: String, at: Date, db: SQLiteDatabase) throws(StoreError) -> Int {
        try db.statement("""
            INSERT OR IGNORE INTO notifications (key, kind, owner, lead_id, created_at, subject, body) VALUES (?, ?, ?, ?, ?, ?, ?)
            """).run([.text(key), .text(kind.rawValue), .text(owner), .text(leadID), .text(Timestamp.format(at)), .text(subject), .text(body)])
        return db.changes
    }

    static func message(_ kind: OwnerNotification.Kind, lead: Lead, owner: String) -> (subject: String, body: String) {
        let who = displayName(lead)
        let subject = kind == .hot ? "Hot lead: \(who)" : "New lead for you: \(who)"
        var body = kind == .hot ? "@\(owner): hot lead \(who)" : "@\(owner): lead assigned to you: \(who)"
        if let company = lead.contact.organization { body += " (\(company))" }
        body += "\nevent: \(lead.event), met by \(lead.rep)"
        if let note = lead.note { body += "\nnote: \(note.replacingOccurrences(of: "\n", with: " / "))" }
        body += "\nnext: \(lead.nextAction.action), due \(Timestamp.format(lead.nextAction.due))"
        if let email = lead.contact.emails.first { body += "\nemail: \(email)" }
        if let phone = lead.contact.phones.first { body += "\nphone: \(phone.number)" }
        body += "\nlead: \(lead.id)"
        return (subject, body)
    }

    static func summary(_ lead: Lead, now: Date) -> String {
        var line = displayName(lead)
        if let company = lead.contact.organization { line += " (\(company))" }
        line += ": \(lead.nextAction.action), due \(Timestamp.format(lead.nextAction.due))"
        if lead.nextAction.due < now { line += " OVERDUE" }
        if let note = lead.note { line += "; note: \(note.replacingOccurrences(of: "\n", with: " / "))" }
        line += " [\(lead.id.prefix(8))]"
        return line
    }

    static func displayName(_ lead: Lead) -> String {
        let c = lead.contact
        return c.fullName ?? c.emails.first ?? c.phones.first?.number ?? "lead \(lead.id.prefix(8))"
    }
}
