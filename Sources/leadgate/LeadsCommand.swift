import ArgumentParser
import Foundation
import Forwarding
import Gateway
import Leads
import LeadStore

struct LeadsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "leads",
        abstract: "List the leads in the local or the shared store, or export them (JSON, CSV for a CRM, vCard).",
        discussion: """
            Examples:
              leadgate leads --event "RSA 2026"                  a table on the terminal
              leadgate leads --overdue --rep alice                what alice should have done by now
              leadgate leads --format csv > rsa.csv               every column, for a spreadsheet or a CRM
              leadgate leads --format csv --for salesforce > sf.csv   Salesforce's Data Import Wizard (Leads)
              leadgate leads --format csv --for hubspot > hs.csv      HubSpot's contact import
              leadgate leads --format vcf > rsa.vcf               for an address book
              leadgate leads --from postgres://crm-db/leads       every gateway's leads, from the shared store
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, json, csv, vcf
    }

    @Option(help: "Only leads met at this event.") var event: String?
    @Option(help: "Only leads this rep captured.") var rep: String?
    @Option(help: "Only leads this person owns.") var owner: String?
    @Option(help: "Only leads with this status: new, hot, warm, cold.") var status: LeadStatus?
    @Flag(help: "Only leads whose next action is past due.") var overdue = false
    @Option(help: "Output: table, json (one lead per line), csv or vcf.") var format: Format = .table
    @Flag(help: "Same as --format json.") var json = false
    @OptionGroup var sharedOptions: SharedStoreOptions
    @Option(name: .customLong("for"), help: ArgumentHelp(
        "CSV with the columns this CRM's import maps on its own: salesforce or hubspot.",
        discussion: "Salesforce: First Name, Last Name, Company (\"[not provided]\" when unknown), Title, Email, Phone, "
            + "Lead Source (the event), Description (note, next action, tags, link), Lead Status, Rating (Hot/Warm/Cold). "
            + "HubSpot: First Name, Last Name, Email, Phone Number, Company Name, Job Title, Lead Status "
            + "(hot: In Progress, warm: Open, cold: Bad Timing, new: New).",
        valueName: "crm"))
    var crm: CRMImport?
    @OptionGroup var storeOptions: StoreOptions

    func validate() throws {
        if crm != nil, json || ![.csv, .table].contains(format) {
            throw ValidationError("--for \(crm!.rawValue) makes CSV: use it with --format csv")
        }
    }

    func run() throws {
        try reportingFailures {
            let filter = LeadFilter(event: event, rep: rep, owner: owner, status: status, dueBefore: overdue ? Date() : nil)
            let leads: [Lead]
            let store: LeadStore?
            if let shared = try sharedOptions.open() {
                store = nil
                do { leads = try shared.leads(filter) } catch { throw CommandFailure.sharedStoreFailure(error, shared) }
            } else {
                let local = try storeOptions.openExisting()
                store = local
                do { leads = try local.leads(filter) } catch { throw CommandFailure.storeFailure(error, path: storeOptions.path) }
            }
            if let crm {
                Terminal.write(LeadExport.csv(leads, for: crm))
                return
            }
            switch json ? .json : format {
            case .json:
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                var out = ""
                for lead in leads { out += String(decoding: try encoder.encode(lead), as: UTF8.self) + "\n" }
                Terminal.write(out)
            case .csv:
                Terminal.write(LeadExport.csv(leads))
            case .vcf:
                Terminal.write(LeadExport.vcards(leads))
            case .table:
                let short = store.flatMap { try? $0.shortIDs(leads.map(\.id)) } ?? shortPrefixes(leads.map(\.id))
                Terminal.write(LeadTable.render(leads, now: Date(), shortIDs: short))
            }
        }
    }
}

extension LeadStatus: ExpressibleByArgument {}
extension CRMImport: ExpressibleByArgument {}

/// The leads as a table that fits a terminal line.
enum LeadTable {
    static func render(_ leads: [Lead], now: Date, shortIDs: [String: String] = [:]) -> String {
        guard !leads.isEmpty else { return "no leads\n" }
        var rows = [["ID", "CAPTURED", "NAME", "COMPANY", "STATUS", "OWNER", "NEXT", "DUE", "NOTE"]]
        let time = DateFormatter()
        time.dateFormat = "MM-dd HH:mm"
        for lead in leads {
            let c = lead.contact
            let name = c.fullName ?? c.emails.first ?? c.phones.first?.number ?? c.urls.first ?? (lead.source.tagUID.map { "UID \($0)" } ?? "?")
            let due = lead.nextAction.action == NextAction.noAction ? "" : (lead.isOverdue(at: now) ? "!" : "") + time.string(from: lead.nextAction.due)
            rows.append([shortIDs[lead.id] ?? lead.id, time.string(from: lead.capturedAt), name, c.organization ?? "",
                         lead.status.rawValue, lead.owner, lead.nextAction.action, due, lead.note?.replacingOccurrences(of: "\n", with: " ") ?? ""])
        }
        let limits = [36, 11, 24, 20, 6, 10, 12, 12, 40]
        var widths = Array(repeating: 0, count: rows[0].count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = min(limits[i], max(widths[i], cell.count)) } }
        var out = ""
        for row in rows {
            let cells = row.enumerated().map { i, cell -> String in
                let clipped = cell.count > widths[i] ? String(cell.prefix(widths[i] - 1)) + "…" : cell
                return clipped.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }
            out += cells.joined(separator: "  ").trimmingCharacters(in: .whitespaces) + "\n"
        }
        let overdue = leads.filter { $0.isOverdue(at: now) }.count
        out += "\(leads.count) lead(s)\(overdue > 0 ? ", \(overdue) overdue (!)" : "")\n"
        return out
    }
}

struct NoteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "note",
        abstract: "Add context to a lead after the fact.",
        discussion: """
            The note keeps what is there and adds a line. The note grammar works here too: \
            #hot #warm #cold set the status, other #words are tags, @name sets the owner, \
            next: call friday sets the next action.

            Example:
              leadgate note 0192f3c4 "wants a 50-seat pilot #hot next: call tuesday"
            """
    )

    @Argument(help: "The lead's id, or the first 4+ characters of it.") var id: String
    @Argument(help: "The note.") var text: [String]
    @Flag(help: "Print the updated lead as JSON.") var json = false
    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        try reportingFailures {
            let store = try storeOptions.openExisting()
            let parsed = NoteGrammar(now: Date()).parse(text.joined(separator: " "))
            let lead: Lead
            do {
                lead = try store.annotate(id, note: parsed.note, change: LeadChange(parsed))
            } catch { throw CommandFailure.storeFailure(error, path: storeOptions.path) }
            printLead(lead, json: json)
        }
    }
}

struct SetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Change a lead's status, owner, next action or contact.",
        discussion: """
            Examples:
              leadgate set 0192f3c4 --status hot --owner bob
              leadgate set 0192f3c4 --next "send pricing" --due friday
              leadgate set 0192f3c4 --next demo --due 2026-12-01T15:00
              leadgate set 0192f3c4 --name "Jane Doe" --email jane@acme.example --company Acme
            """
    )

    @Argument(help: "The lead's id, or the first 4+ characters of it.") var id: String
    @Option(help: "new, hot, warm or cold.") var status: LeadStatus?
    @Option(help: "Who owns the follow-up.") var owner: String?
    @Option(help: "The next action, e.g. \"call\", \"send pricing\".") var next: String?
    @Option(help: "When it is due: friday, tomorrow 14:00, 2026-12-01, +2d, an ISO time.") var due: String?
    @OptionGroup(title: "Contact") var contactEdit: ContactEditOptions
    @Flag(help: "Accept a --due time that is already past.") var allowPast = false
    @Flag(help: "Print the updated lead as JSON.") var json = false
    @OptionGroup var storeOptions: StoreOptions

    func validate() throws {
        if status == nil && owner == nil && next == nil && due == nil && contactEdit.isEmpty {
            throw ValidationError("nothing to change: give --status, --owner, --next with --due, or --name, --email, --phone, --company, --title")
        }
    }

    /// The `--due` time, or the usage error naming what did not read or that it is past.
    func dueTime(now: Date) throws(CommandFailure) -> Date? {
        guard let due else { return nil }
        guard let date = DueDate(now: now).parse(due) else {
            throw CommandFailure.usage("--due \"\(due)\": \(DueDate(now: now).problem(due) ?? "not a time leadgate reads")")
        }
        if date < now.addingTimeInterval(-60) && !allowPast {
            throw CommandFailure.usage("--due \"\(due)\" is in the past (\(Timestamp.format(date))): give a later time, or --allow-past")
        }
        return date
    }

    func run() throws {
        try reportingFailures {
            let dueDate = try dueTime(now: Date())
            let store = try storeOptions.openExisting()
            let change = LeadChange(status: status, owner: owner, nextAction: next, due: dueDate)
            do {
                var lead = try store.annotate(id, note: nil, change: change)
                if let edit = contactEdit.enrichment(leadID: lead.id) { lead = try store.enrich([edit]).first ?? lead }
                printLead(lead, json: json)
            } catch {
                throw CommandFailure.storeFailure(error, path: storeOptions.path)
            }
        }
    }
}

func printLead(_ lead: Lead, json: Bool) {
    if json {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        Terminal.write(String(decoding: (try? encoder.encode(lead)) ?? Data(), as: UTF8.self) + "\n")
    } else {
        Terminal.write(LeadTable.render([lead], now: Date()))
    }
}
