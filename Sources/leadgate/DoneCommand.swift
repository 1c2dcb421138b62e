import ArgumentParser
import Foundation
import Gateway
import Leads
import LeadStore

struct DoneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "done",
        abstract: "Record that you followed up a lead: first contact, true speed-to-lead.",
        discussion: """
            Records a `contacted` change (forwarded like any other, with you as its actor: \
            $LEADGATE_ACTOR, else your user name). The first one is the lead's first contact: \
            leadgate report and the shared store's speed_to_lead view measure from the \
            capture to it. Without --next the lead has no next step and is never overdue.

            Examples:
              leadgate done 0192f3c4
              leadgate done 0192f3c4 --note "sent pricing" --next "call back" --due "tuesday 10:00"
            """
    )

    @Argument(help: "The lead's id, or the first 4+ characters of it.") var id: String
    @Option(help: "What happened, added to the lead's note.") var note: String?
    @Option(help: "The next step, e.g. \"call back\" (give --due with it).") var next: String?
    @Option(help: "When the next step is due: friday, tomorrow 14:00, 2026-12-01, +2d, an ISO time.") var due: String?
    @Flag(help: "Print the updated lead as JSON.") var json = false
    @OptionGroup var storeOptions: StoreOptions

    func validate() throws {
        if (next == nil) != (due == nil) {
            throw ValidationError("give --next and --due together (\(next == nil ? "--due without --next" : "--next without --due"))")
        }
        if let due, DueDate().parse(due) == nil {
            throw ValidationError("--due \(due): not a time leadgate reads (friday, tomorrow 14:00, 2026-12-01, +2d)")
        }
    }

    func run() throws {
        try reportingFailures {
            let store = try storeOptions.open()
            let now = Date()
            let result: (lead: Lead, first: Bool)
            do {
                result = try store.recordContact(id, followUp: FollowUp(note: note, nextAction: next, due: due.flatMap { DueDate(now: now).parse($0) }), at: now)
            } catch { throw CommandFailure.storeFailure(error, path: storeOptions.path) }
            if json {
                printLead(result.lead, json: true)
                return
            }
            Terminal.write(LeadTable.render([result.lead], now: now))
            let after = LeadReport.duration(now.timeIntervalSince(result.lead.capturedAt))
            Terminal.write(result.first ? "first contact, \(after) after capture\n" : "contact recorded (not the first)\n")
        }
    }
}
