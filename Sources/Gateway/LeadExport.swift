import Foundation
import Leads

/// Leads as the files a CRM imports: CSV with the usual column names, or vCard 4.0.
public enum LeadExport {
    public static let csvHeader = ["First Name", "Last Name", "Company", "Title", "Email", "Phone", "Lead Source",
                                   "Description", "Lead Owner", "Lead Status", "Next Action", "Due", "Lead ID",
                                   "Rep", "Captured At", "Tags", "Tag UID", "Link", "Roster Key"]

    /// CSV (RFC 4180, CRLF) with every column leadgate has; `--for` CRMs get `csv(_:for:)`.
    /// Cells a spreadsheet would run as formulas are neutralized (`CSVCell`).
    public static func csv(_ leads: [Lead]) -> String {
        var out = csvRow(csvHeader)
        for lead in leads {
            let c = lead.contact
            let name = PersonNameParts(c)
            out += csvRow([
                name.given, name.family, c.organization ?? "", c.title ?? "", c.emails.first ?? "",
                c.phones.first.map { $0.e164 ?? $0.number } ?? "", lead.event, lead.note ?? "", lead.owner,
                lead.status.rawValue, lead.nextAction.action, Timestamp.format(lead.nextAction.due), lead.id,
                lead.rep, Timestamp.format(lead.capturedAt), lead.tags.joined(separator: ";"), lead.source.tagUID ?? "",
                c.urls.first ?? "",
                lead.rosterKeyText,
            ])
        }
        return out
    }

    static func csvRow(_ cells: [String]) -> String {
        cells.map(CSVCell.encode).joined(separator: ",") + "\r\n"
    }

    /// vCard 4.0 (RFC 6350), one card per lead, with the rep's note and the lead's status.
    public static func vcards(_ leads: [Lead]) -> String {
        var out = ""
        for lead in leads {
            let c = lead.contact
            let name = PersonNameParts(c)
            var lines = ["BEGIN:VCARD", "VERSION:4.0"]
            lines.append("FN:" + escape(c.fullName ?? c.emails.first ?? c.phones.first?.number ?? c.urls.first ?? "Lead \(lead.id)"))
            lines.append("N:" + [name.family, name.given, "", "", ""].map(escape).joined(separator: ";"))
            if let org = c.organization { lines.append("ORG:" + escape(org)) }
            if let title = c.title { lines.append("TITLE:" + escape(title)) }
            for (i, email) in c.emails.enumerated() { lines.append("EMAIL\(i == 0 ? ";PREF=1" : ""):" + escape(email)) }
            for phone in c.phones {
                let types = phone.types.filter { ["cell", "work", "home", "voice", "fax", "text", "video", "pager"].contains($0) }
                let typeParam = types.isEmpty ? "" : ";TYPE=\"\(types.joined(separator: ","))\""
                if let e164 = phone.e164 { lines.append("TEL;VALUE=uri\(typeParam):tel:\(e164)") }
                else { lines.append("TEL;VALUE=text\(typeParam):" + escape(phone.number)) }
            }
            for url in c.urls { lines.append("URL:" + url) }
            for address in c.addresses { lines.append("ADR;LABEL=\"\(address.replacingOccurrences(of: "\"", with: "'").replacingOccurrences(of: "\n", with: " "))\":;;" + escape(address) + ";;;;") }
            var note = "Met at \(lead.event) by \(lead.rep). Status: \(lead.status.rawValue). Next: \(lead.nextAction.action) by \(Timestamp.format(lead.nextAction.due))."
            if let rep = lead.note { note += "\n" + rep }
            lines.append("NOTE:" + escape(note))
            if !lead.tags.isEmpty { lines.append("CATEGORIES:" + lead.tags.map(escape).joined(separator: ",")) }
            lines += lead.leadgateVCardLines
            lines.append("UID:urn:uuid:" + lead.id)
            lines.append("REV:" + Timestamp.format(lead.capturedAt))
            lines.append("END:VCARD")
            out += lines.map(fold).joined()
        }
        return out
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for ch in s {
            switch ch {
            case "\\": out += "\\\\"
            case ",": out += "\\,"
            case ";": out += "\\;"
            case "\n", "\r\n": out += "\\n"
            case "\r": break
            default: out.append(ch)
            }
        }
        return out
    }

    /// Lines of at most 75 octets, continued with CRLF and a space, never splitting a character.
    static func fold(_ line: String) -> String {
        var out = ""
        var width = 0
        for ch in line {
            let n = ch.utf8.count
            if width + n > 75 {
                out += "\r\n "
                width = 1
            }
            out.append(ch)
            width += n
        }
        return out + "\r\n"
    }
}

/// Given and family names for export: the contact's own, else the first and last word of
/// the full name.
struct PersonNameParts {
    var given: String
    var family: String

    init(_ c: NormalizedContact) {
        if c.givenName != nil || c.familyName != nil {
            given = c.givenName ?? ""
            family = c.familyName ?? ""
        } else if let full = c.fullName {
            let words = full.split(separator: " ")
            given = words.count > 1 ? words.dropLast().joined(separator: " ") : full
            family = words.count > 1 ? String(words.last!) : ""
        } else {
            given = ""
            family = ""
        }
    }
}
