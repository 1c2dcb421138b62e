import ArgumentParser
import Foundation
import LeadStore
import Leads

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the outbox: queued, delivered, dead-lettered, last success, last error.",
        discussion: """
            Reads the local store only, so it works while `leadgate forward` runs elsewhere. \
            --dead-letters lists the changes the destination refused, with the reason; \
            `leadgate forward --retry-dead --all` (or ids) puts them back in the queue.
            """
    )

    @OptionGroup var storeOptions: StoreOptions

    @Flag(help: "Print one JSON object.")
    var json = false

    @Flag(name: .customLong("dead-letters"), help: "Also list the dead-lettered changes and why.")
    var deadLetters = false

    func run() throws {
        try reportingFailures {
            let store = try storeOptions.openExisting()
            let status: OutboxStatus
            let dead: [(item: OutboxItem, reason: String)]
            do {
                status = try store.outboxStatus()
                dead = deadLetters ? try store.deadLetters() : []
            } catch {
                throw CommandFailure.storeFailure(error, path: storeOptions.path)
            }
            json ? printJSON(status, dead) : printText(status, dead)
        }
    }

    private func printJSON(_ status: OutboxStatus, _ dead: [(item: OutboxItem, reason: String)]) {
        func time(_ date: Date?) -> Any { date.map(Timestamp.format) ?? NSNull() }
        var object: [String: Any] = [
            "queued": status.queued, "delivered": status.delivered, "dead_lettered": status.deadLettered,
            "last_success": time(status.lastSuccess), "last_error": status.lastError ?? NSNull(),
            "last_error_at": time(status.lastErrorAt), "oldest_queued_at": time(status.oldestQueuedAt),
        ]
        if deadLetters {
            object["dead_letters"] = dead.map { entry -> [String: Any] in
                ["event_id": entry.item.eventID, "lead_id": entry.item.leadID, "kind": entry.item.kind,
                 "at": Timestamp.format(entry.item.at), "attempts": entry.item.attempts, "reason": entry.reason]
            }
        }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        Terminal.write(String(decoding: data, as: UTF8.self) + "\n")
    }

    private func printText(_ status: OutboxStatus, _ dead: [(item: OutboxItem, reason: String)]) {
        var lines = [
            "queued         \(status.queued)" + (status.oldestQueuedAt.map { " (oldest \(Timestamp.format($0)))" } ?? ""),
            "delivered      \(status.delivered)",
            "dead-lettered  \(status.deadLettered)",
            "last success   \(status.lastSuccess.map(Timestamp.format) ?? "never")",
            "last error     " + (status.lastError.map { "\(status.lastErrorAt.map(Timestamp.format) ?? "?") \($0)" } ?? "none"),
        ]
        for entry in dead {
            lines.append("dead  \(entry.item.eventID)  lead \(entry.item.leadID)  \(entry.item.kind)  \(entry.reason)")
        }
        if !dead.isEmpty {
            lines.append("resend them once the cause is fixed: leadgate forward --retry-dead --all (or event/lead ids)")
        }
        Terminal.write(lines.joined(separator: "\n") + "\n")
    }
}
