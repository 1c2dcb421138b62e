import ArgumentParser
import Forwarding
import Foundation
import Gateway
import Leads
import LeadStore

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Per rep and per owner: leads captured, notes, overdue, contacted, speed-to-lead.",
        discussion: """
            Speed-to-lead is the time from capture to the first contact (leadgate done): the \
            median and the 90th percentile of the leads contacted; NOT CONTACTED counts the \
            leads nobody followed up yet. TO SHARED is something else: the median time from \
            capture to the lead's arrival in the shared store (leadgate forward). A dash means \
            no lead has one yet.

            With --from (or --shared), the report covers every gateway's leads in the shared \
            store.

            Examples:
              leadgate report --event "RSA 2026"
              leadgate report --from postgres://crm-db/leads --json
            """
    )

    @Option(help: "Only this event.") var event: String?
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var sharedOptions: SharedStoreOptions
    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        try reportingFailures {
            let report: LeadReport
            if let shared = try sharedOptions.open() {
                do {
                    report = LeadReport(leads: try shared.leads(LeadFilter(event: event)),
                                        firstDelivered: try shared.firstDeliveries(event: event),
                                        firstContacted: try shared.firstContacts(event: event), now: Date())
                } catch { throw CommandFailure.sharedStoreFailure(error, shared) }
            } else {
                let store = try storeOptions.openExisting()
                do {
                    report = LeadReport(leads: try store.leads(LeadFilter(event: event)),
                                        firstDelivered: try store.firstDeliveries(event: event),
                                        firstContacted: try store.firstContacts(), now: Date())
                } catch { throw CommandFailure.storeFailure(error, path: storeOptions.path) }
            }
            Terminal.write(json ? Self.json(report, event: event) : Self.text(report, event: event))
        }
    }

    static func json(_ report: LeadReport, event: String?) -> String {
        func object(_ r: LeadReport.Row, key: String) -> [String: Any] {
            [key: r.rep, "captured": r.captured, "with_note": r.withNote, "overdue": r.overdue, "hot": r.hot,
             "forwarded": r.forwarded, "median_to_shared_store_seconds": r.medianToSharedStore ?? NSNull(),
             "contacted": r.contacted, "never_contacted": r.neverContacted,
             "median_speed_to_lead_seconds": r.medianSpeedToLead ?? NSNull(),
             "p90_speed_to_lead_seconds": r.p90SpeedToLead ?? NSNull()]
        }
        let top: [String: Any] = [
            "event": event.map { $0 as Any } ?? NSNull(),
            "reps": (report.rows + [report.total]).map { object($0, key: "rep") },
            "owners": report.byOwner.map { object($0, key: "owner") },
        ]
        let data = (try? JSONSerialization.data(withJSONObject: top, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    static func text(_ report: LeadReport, event: String?) -> String {
        var out = "Report\(event.map { " for \($0)" } ?? "")\n"
        out += table(first: "REP", report.rows, total: report.total)
        out += "\nBy owner\n"
        out += table(first: "OWNER", report.byOwner, total: nil)
        return out
    }

    static func table(first: String, _ rows: [LeadReport.Row], total: LeadReport.Row?) -> String {
        let header = [first, "CAPTURED", "WITH NOTE", "HOT", "OVERDUE", "CONTACTED", "NOT CONTACTED",
                      "SPEED-TO-LEAD", "P90", "FORWARDED", "TO SHARED"]
        var table = [header]
        for r in rows + (total.map { [$0] } ?? []) {
            table.append([r.rep, "\(r.captured)", "\(r.withNote) (\(percent(r.withNote, r.captured)))", "\(r.hot)",
                          "\(r.overdue)", "\(r.contacted)", "\(r.neverContacted)",
                          LeadReport.duration(r.medianSpeedToLead), LeadReport.duration(r.p90SpeedToLead),
                          "\(r.forwarded)", LeadReport.duration(r.medianToSharedStore)])
        }
        let widths = (0..<header.count).map { i in table.map { $0[i].count }.max() ?? 0 }
        var out = ""
        for (index, row) in table.enumerated() {
            if total != nil && index == table.count - 1 { out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n" }
            out += row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces) + "\n"
        }
        return out
    }

    static func percent(_ part: Int, _ whole: Int) -> String {
        whole == 0 ? "-" : "\(part * 100 / whole)%"
    }
}
