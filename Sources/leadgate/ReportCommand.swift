import ArgumentParser
import Foundation
import Gateway
import Leads
import LeadStore

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Per rep: leads captured, with a note, overdue next actions, speed-to-lead.",
        discussion: """
            Speed-to-lead is the median time from the tap to the lead's arrival in the shared \
            store (`leadgate forward`); a dash means nothing was forwarded yet.
            """
    )

    @Option(help: "Only this event.") var event: String?
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        try reportingFailures {
            let store = try storeOptions.openExisting()
            let report: LeadReport
            do {
                report = LeadReport(leads: try store.leads(LeadFilter(event: event)),
                                    firstDelivered: try store.firstDeliveries(event: event), now: Date())
            } catch { throw CommandFailure.storeFailure(error, path: storeOptions.path) }
            if json {
                let rows = (report.rows + [report.total]).map { r -> [String: Any] in
                    ["rep": r.rep, "captured": r.captured, "with_note": r.withNote, "overdue": r.overdue, "hot": r.hot,
                     "forwarded": r.forwarded, "median_speed_to_lead_seconds": r.medianSpeedToLead ?? NSNull()]
                }
                let data = try JSONSerialization.data(withJSONObject: ["event": event.map { $0 as Any } ?? NSNull(), "reps": rows],
                                                      options: [.sortedKeys])
                Terminal.write(String(decoding: data, as: UTF8.self) + "\n")
                return
            }
            var out = "Report\(event.map { " for \($0)" } ?? "")\n"
            let header = ["REP", "CAPTURED", "WITH NOTE", "HOT", "OVERDUE", "FORWARDED", "SPEED-TO-LEAD"]
            var table = [header]
            for r in report.rows + [report.total] {
                table.append([r.rep, "\(r.captured)", "\(r.withNote) (\(percent(r.withNote, r.captured)))", "\(r.hot)",
                              "\(r.overdue)", "\(r.forwarded)", LeadReport.duration(r.medianSpeedToLead)])
            }
            let widths = (0..<header.count).map { i in table.map { $0[i].count }.max() ?? 0 }
            for (index, row) in table.enumerated() {
                if index == table.count - 1 { out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n" }
                out += row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ") + "\n"
            }
            Terminal.write(out)
        }
    }

    func percent(_ part: Int, _ whole: Int) -> String {
        whole == 0 ? "-" : "\(part * 100 / whole)%"
    }
}
