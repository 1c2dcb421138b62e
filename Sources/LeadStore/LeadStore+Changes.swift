import Foundation
import Leads

/// Changes to a lead after capture; fields left nil stay as they are.
public struct LeadChange: Sendable, Hashable {
    public var status: LeadStatus?
    public var owner: String?
    /// A new next action; its due time stays unless `due` is given.
    public var nextAction: String?
    /// A new due time for the next action.
    public var due: Date?
    public var addTags: [String]

    public init(status: LeadStatus? = nil, owner: String? = nil, nextAction: String? = nil, due: Date? = nil, addTags: [String] = []) {
        self.status = status
        self.owner = owner
        self.nextAction = nextAction
        self.due = due
        self.addTags = addTags
    }

    /// The changes a note's grammar carried (`#hot`, `@bob`, `next: call friday`, `#tags`).
    public init(_ note: ParsedNote) {
        self.init(status: note.status, owner: note.owner, nextAction: note.nextAction, due: note.due, addTags: note.tags)
    }

    public var isEmpty: Bool { status == nil && owner == nil && nextAction == nil && due == nil && addTags.isEmpty }
}

extension LeadStore {
    /// Adds the rep's context to a lead (after any note it has, on a new line) and applies
    /// the changes the note carried. Each change is its own event, queued for forwarding.
    @discardableResult
    public func annotate(_ idOrPrefix: String, note: String?, change: LeadChange = LeadChange(), at: Date = Date()) throws(StoreError) -> Lead {
        try withDatabase { (db) throws(StoreError) in
            try db.transaction { () throws(StoreError) in
                var lead = try leadRow(idOrPrefix, db: db)
                var events: [(String, [String: Any])] = []
                if let note = note?.trimmingCharacters(in: .whitespacesAndNewlines), !note.isEmpty {
                    lead.note = lead.note.map { $0 + "\n" + note } ?? note
                    events.append(("note_added", ["note": note]))
                }
                if let status = change.status, status != lead.status {
                    events.append(("status_changed", ["from": lead.status.rawValue, "to": status.rawValue]))
                    lead.status = status
                }
                if let owner = change.owner, owner != lead.owner {
                    events.append(("owner_changed", ["from": lead.owner, "to": owner]))
                    lead.owner = owner
                }
                let next = NextAction(action: change.nextAction ?? lead.nextAction.action, due: change.due ?? lead.nextAction.due)
                if next != lead.nextAction {
                    events.append(("next_action_changed", ["action": next.action, "due": Timestamp.format(next.due)]))
                    lead.nextAction = next
                }
                let newTags = change.addTags.filter { !lead.tags.contains($0) }
                if !newTags.isEmpty {
                    lead.tags += newTags
                    events.append(("tags_changed", ["added": newTags, "tags": lead.tags]))
                }
                guard !events.isEmpty else { return lead }
                try updateLeadRow(lead, db: db, at: at)
                for (kind, data) in events { try appendEvent(leadID: lead.id, kind: kind, data: data, at: at, db: db) }
                return lead
            }
        }
    }
}
