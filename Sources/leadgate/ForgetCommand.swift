import ArgumentParser
import Foundation
import Leads
import LeadStore

struct ForgetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forget",
        abstract: "Erase a person's data here and in the shared store (a GDPR request).",
        discussion: """
            Removes the lead's contact, note, tags, raw bytes and file name, the data of its \
            earlier changes, its quarantine entries and its unsent notifications from the local \
            store, and queues a `forgotten` change: the forwarder then empties the lead's row \
            and its events in the shared store. The lead keeps its id, event, rep and times, so \
            counts stay right. Cannot be undone; --yes confirms.

            Example:
              leadgate forget 0192f3c4 --yes && leadgate forward --once --to "$LEADGATE_FORWARD"
            """
    )

    @Argument(help: "The lead's id, or the first 4+ characters of it.") var id: String
    @Flag(help: "Confirm the erasure.") var yes = false
    @OptionGroup var storeOptions: StoreOptions

    func validate() throws {
        guard yes else { throw ValidationError("forget erases the lead's personal data for good: give --yes to confirm") }
    }

    func run() throws {
        try reportingFailures {
            let store = try storeOptions.open()
            let lead: Lead
            do { lead = try store.forget(id) } catch { throw CommandFailure.storeFailure(error, path: storeOptions.path) }
            Terminal.write("forgot lead \(lead.id) (\(lead.event), \(lead.rep)); the forwarder takes the erasure to the shared store\n")
        }
    }
}
