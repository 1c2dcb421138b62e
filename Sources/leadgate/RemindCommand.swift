import ArgumentParser
import Forwarding
import Foundation
import LeadStore

struct RemindCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remind",
        abstract: "Send each owner one digest of their overdue and due-today follow-ups.",
        discussion: """
            One message per owner and day, listing each lead's name, company, next action, due \
            time and note; an owner with nothing due gets none, and running it again the same \
            day sends nothing new (run it from cron every morning). The digests go through the \
            notification outbox with any other queued notification: retried later by \
            leadgate forward --notify if a receiver is down.

            Examples:
              leadgate remind --notify https://hooks.slack.com/services/... 
              leadgate remind --owners owners.conf --notify "smtp://mail.acme.example:587?from=leadgate@acme.example"
            """
    )

    @Option(help: "Only this owner's digest.") var owner: String?
    @OptionGroup var notifyOptions: NotifyOptions
    @Flag(help: "Print the summary as JSON.") var json = false
    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
        do { try await execute() } catch { throw error.report() }
    }

    private func execute() async throws(CommandFailure) {
        guard let routing = try notifyOptions.routing() else {
            throw CommandFailure.usage("nowhere to send digests: give --notify https://... or smtp://..., and/or --owners FILE")
        }
        let store = try storeOptions.open()
        let owners: [String]
        do { owners = try store.queueDigests(owner: owner) } catch { throw CommandFailure.storeFailure(error, path: storeOptions.path) }
        let notifier = NotifyOptions.notifier(store: store, routing: routing, logger: Log.logger("leadgate.notify"))
        let report = await notifier.pass()
        if json {
            let object: [String: Any] = ["digests": owners, "delivered": report.delivered, "retried": report.retried,
                                         "dead_lettered": report.deadLettered, "error": report.lastError ?? NSNull()]
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
            Terminal.write(String(decoding: data, as: UTF8.self) + "\n")
        } else {
            Terminal.write("digests queued for \(owners.isEmpty ? "nobody (nothing due, or sent today)" : owners.joined(separator: ", ")); "
                           + "delivered \(report.delivered), retrying \(report.retried), undeliverable \(report.deadLettered)\n")
        }
        if report.retried > 0 {
            throw CommandFailure.unavailable("\(report.retried) notification(s) not delivered yet: \(report.lastError ?? "")")
        }
        if report.deadLettered > 0 {
            throw CommandFailure.dataError("\(report.deadLettered) notification(s) cannot be delivered: \(report.lastError ?? "")")
        }
    }
}
