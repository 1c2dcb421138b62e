import Foundation
import Leads

/// What was learnt about a lead's person after the tap: from the event's roster, a profile
/// link, or the rep typing it in (`leadgate set --name ...`).
public struct LeadEnrichment: Sendable, Hashable {
    public enum Origin: String, Sendable, Hashable {
        /// The attendee roster (`source.matched` says which key).
        case roster
        /// A profile page the tag's link led to.
        case profileLink = "profile_link"
        /// Typed in by hand: these values replace the lead's.
        case manual
    }

    public var leadID: String
    public var origin: Origin
    /// Details to add; fields the lead already has stay, except for `manual`.
    public var contact: NormalizedContact
    public var matched: RosterMatch?
    /// Enrichment that failed, kept on the lead.
    public var warnings: [String]
    /// The lead as read before, with its row's version (its JSON, `unresolvedLeadVersions`):
    /// used as it is if the row is unchanged since, instead of decoding it again.
    public var base: Lead?
    public var baseVersion: String?

    public init(leadID: String, origin: Origin, contact: NormalizedContact = NormalizedContact(), matched: RosterMatch? = nil,
                warnings: [String] = [], base: Lead? = nil, baseVersion: String? = nil) {
        self.leadID = leadID
        self.origin = origin
        self.contact = contact
        self.matched = matched
        self.warnings = warnings
        self.base = base
        self.baseVersion = baseVersion
    }
}

extension LeadStore {
    /// Applies enrichments in one transaction, each to its lead as a change event
    /// (`enriched`; `contact_changed` for a hand edit; `enrichment_failed` for warnings), queued for the shared store
    /// like any other; the lead's raw bytes and dedupe key stay as they were. The event's
    /// data names the fields that changed, not their values: the lead it travels with has
    /// them. Returns the leads that changed.
    @discardableResult
    public func enrich(_ enrichments: [LeadEnrichment], at: Date = Date()) throws(StoreError) -> [Lead] {
        guard !enrichments.isEmpty else { return [] }
        return try withDatabase { (db) throws(StoreError) in
            try db.transaction { () throws(StoreError) in
                var changed: [Lead] = []
                for enrichment in enrichments {
                    var lead = try current(enrichment, db: db)
                    let before = lead.contact
                    // Typed values come first (an email or phone typed in is the one exports use);
                    // found ones only fill what is missing.
                    lead.contact = enrichment.origin == .manual
                        ? enrichment.contact.merged(with: lead.contact)
                        : lead.contact.merged(with: enrichment.contact)
                    let fields = before.changedFields(to: lead.contact)
                    var matchedChanged = false
                    if let matched = enrichment.matched, lead.source.matched != matched {
                        lead.source.matched = matched
                        matchedChanged = true
                    }
                    let warnings = enrichment.warnings.filter { !lead.warnings.contains($0) }
                    lead.warnings += warnings
                    guard !fields.isEmpty || matchedChanged || !warnings.isEmpty else { continue }
                    try updateLeadRow(lead, db: db, at: at)
                    if !fields.isEmpty || matchedChanged {
                        var data: [String: Any] = ["via": enrichment.origin.rawValue, "fields": fields]
                        if let matched = enrichment.matched { data["matched"] = ["key": matched.key, "value": matched.value] }
                        try appendEvent(leadID: lead.id, kind: enrichment.origin == .manual ? "contact_changed" : "enriched",
                                        data: data, at: at, db: db)
                    }
                    for warning in warnings {
                        try appendEvent(leadID: lead.id, kind: "enrichment_failed",
                                        data: ["via": enrichment.origin.rawValue, "warning": warning], at: at, db: db)
                    }
                    changed.append(lead)
                }
                return changed
            }
        }
    }
}

extension LeadStore {
    /// The enrichment's lead as stored now: its base if the row still has that version.
    private func current(_ enrichment: LeadEnrichment, db: SQLiteDatabase) throws(StoreError) -> Lead {
        if let base = enrichment.base, let version = enrichment.baseVersion {
            let statement = try db.prepared("SELECT json FROM leads WHERE id = ?")
            try statement.bind(1, base.id)
            let stored = try statement.step() ? statement.text(0) : nil
            statement.reset()
            if stored == version { return base }
        }
        return try leadRow(enrichment.leadID, db: db)
    }
}

extension NormalizedContact {
    /// The JSON names of the fields that differ in `other`.
    func changedFields(to other: NormalizedContact) -> [String] {
        var out: [String] = []
        if fullName != other.fullName { out.append("full_name") }
        if givenName != other.givenName { out.append("given_name") }
        if familyName != other.familyName { out.append("family_name") }
        if organization != other.organization { out.append("organization") }
        if title != other.title { out.append("title") }
        if emails != other.emails { out.append("emails") }
        if phones != other.phones { out.append("phones") }
        if urls != other.urls { out.append("urls") }
        if addresses != other.addresses { out.append("addresses") }
        if note != other.note { out.append("note") }
        return out
    }
}
