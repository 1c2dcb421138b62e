import Foundation
import Leads

/// A CRM whose lead import wizard takes leadgate's CSV without any column mapping by hand.
public enum CRMImport: String, CaseIterable, Sendable {
    /// Salesforce's Data Import Wizard, Leads: the standard field labels.
    case salesforce
    /// HubSpot's contact import: the default property labels.
    case hubspot

    /// The columns, named as the wizard's fields are labelled, so it maps each on its own.
    public var header: [String] {
        switch self {
        case .salesforce:
            ["First Name", "Last Name", "Company", "Title", "Email", "Phone", "Lead Source", "Description", "Lead Status", "Rating"]
        case .hubspot:
            ["First Name", "Last Name", "Email", "Phone Number", "Company Name", "Job Title", "Lead Status"]
        }
    }

    /// Salesforce requires a company on a lead; its own placeholder for "none known".
    public static let salesforceNoCompany = "[not provided]"

    /// The lead's status in the CRM's terms. Salesforce keeps hot/warm/cold in the lead's
    /// Rating (Hot, Warm, Cold) beside a Lead Status of "Open - Not Contacted"; HubSpot's
    /// Lead Status has New, Open, In Progress and Bad Timing among its default options.
    public func status(_ status: LeadStatus) -> (leadStatus: String, rating: String) {
        switch self {
        case .salesforce:
            let rating = status == .new ? "" : status.rawValue.prefix(1).uppercased() + status.rawValue.dropFirst()
            return ("Open - Not Contacted", rating)
        case .hubspot:
            switch status {
            case .new: return ("New", "")
            case .hot: return ("In Progress", "")
            case .warm: return ("Open", "")
            case .cold: return ("Bad Timing", "")
            }
        }
    }

    func row(_ lead: Lead) -> [String] {
        let c = lead.contact
        let name = PersonNameParts(c)
        let phone = c.phones.first.map { $0.e164 ?? $0.number } ?? ""
        let (leadStatus, rating) = status(lead.status)
        switch self {
        case .salesforce:
            // A lead needs a last name too: the email's or the link's, when there is no name.
            let last = name.family.isEmpty && name.given.isEmpty ? Self.standInName(lead, phone: phone)
                : (name.family.isEmpty ? name.given : name.family)
            let first = name.family.isEmpty ? "" : name.given
            return [first, last, c.organization ?? Self.salesforceNoCompany, c.title ?? "", c.emails.first ?? "", phone,
                    lead.event, Self.description(lead), leadStatus, rating]
        case .hubspot:
            return [name.given, name.family, c.emails.first ?? "", phone, c.organization ?? "", c.title ?? "", leadStatus]
        }
    }

    /// What names a lead that has no name: its email, phone, link, badge or id.
    static func standInName(_ lead: Lead, phone: String) -> String {
        let c = lead.contact
        if let email = c.emails.first { return email }
        if !phone.isEmpty { return phone }
        if let url = c.urls.first { return url }
        if let uid = lead.source.tagUID { return "Badge \(uid)" }
        return "Lead \(lead.id.prefix(8))"
    }

    /// The rep's note with what has no column of its own: where and by whom the lead was
    /// met, the next action, tags, the link and the tag's UID.
    static func description(_ lead: Lead) -> String {
        var lines: [String] = []
        if let note = lead.note, !note.isEmpty { lines.append(note) }
        lines.append("Met at \(lead.event) by \(lead.rep), \(Timestamp.format(lead.capturedAt)). "
                     + "Next: \(lead.nextAction.action) by \(Timestamp.format(lead.nextAction.due)), owner \(lead.owner).")
        if !lead.tags.isEmpty { lines.append("Tags: " + lead.tags.joined(separator: ", ")) }
        if let url = lead.contact.urls.first { lines.append("Link: " + url) }
        if let uid = lead.source.tagUID { lines.append("Tag UID: " + uid) }
        lines.append("leadgate lead \(lead.id)")
        return lines.joined(separator: "\n")
    }
}
