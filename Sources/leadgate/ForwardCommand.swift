import ArgumentParser
import Dispatch
import Forwarding
import Foundation
import LeadStore

struct ForwardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forward",
        abstract: "Deliver the outbox to the team's shared store: postgres://... or https://...",
        discussion: """
            Every lead and every later change (a note, a status, an owner, a next action) is \
            delivered oldest first, in order per lead, at least once and idempotently: the \
            event id is the key downstream, so a re-send after a crash changes nothing.

            A postgres:// URL (postgres://user@host/db?sslmode=verify-full) upserts into the \
            tables leads and lead_events, made if missing, one transaction per batch; TLS and \
            every other libpq option go in its query string; percent-encode a /, ? or # in the \
            password. An https:// URL gets one POST per change with Standard Webhooks headers, \
            signed with $LEADGATE_WEBHOOK_SECRET (whsec_... or plain text, at least 16 bytes); \
            redirects are not followed. Without --to, $LEADGATE_FORWARD names the destination \
            (so it stays out of `ps`).

            Failures for now (connection refused, timeouts, 429, 5xx) hold the whole \
            destination back with exponential backoff and Retry-After. A change the destination \
            refuses for good (a 4xx, a rejected row, a redirect) goes to the dead-letter list \
            (leadgate status --dead-letters) and never blocks the rest; --retry-dead puts \
            dead letters back in the queue. When every change of a pass is refused the same \
            way (a wrong secret: 401, a wrong URL: 404, a constraint no row meets), the \
            destination is at fault: nothing is dead-lettered, the changes wait. Without \
            --once, runs until interrupted, waiting out outages.

            One forwarder per store: a second one exits (69) naming the first one's pid.

            Examples:
              leadgate forward --once --to postgres://sales@db.example/crm
              leadgate forward --retry-dead --all
              leadgate forward --retry-dead --all --once --to https://crm.example/hooks

            Besides the codes below: 65 also when an id given to --retry-dead is not \
            dead-lettered; 69 also when the destination refuses everything or another \
            forwarder runs; 73 when the local store cannot be written (a full disk).

            Exit codes: 0 all delivered, 65 some changes dead-lettered, 69 the destination is \
            unreachable (the number still queued is printed).

            With --notify (or $LEADGATE_NOTIFY) and/or --owners, owners are told of leads \
            assigned to them and of hot leads, through a notification outbox in the store: \
            queued, retried, and sent once per lead and owner (see leadgate remind).
            """
    )

    @Option(name: .long, help: ArgumentHelp("Where to deliver: postgres://... or https://... Default: $LEADGATE_FORWARD.", valueName: "url"))
    var to: String?

    @Flag(help: "Drain the queue and exit instead of running until interrupted.")
    var once = false

    @Option(name: .customLong("batch-size"), help: "Changes per batch (one transaction each for PostgreSQL).")
    var batchSize = 1000

    @OptionGroup var notifyOptions: NotifyOptions

    @OptionGroup var storeOptions: StoreOptions

    @Flag(help: "Print the summary as JSON.")
    var json = false

    @Flag(name: .customLong("retry-dead"), help: ArgumentHelp(
        "Put dead-lettered changes back in the queue: --all, or the event or lead ids given.",
        discussion: "Then delivers them if a destination is given; else the running forwarder will."))
    var retryDead = false

    @Flag(help: "With --retry-dead: every dead-lettered change.")
    var all = false

    @Argument(help: ArgumentHelp("With --retry-dead: event ids or lead ids (leadgate status --dead-letters lists them).", valueName: "id"))
    var ids: [String] = []

    func validate() throws {
        guard batchSize >= 1 && batchSize <= 100_000 else { throw ValidationError("--batch-size must be 1 to 100000") }
        if retryDead {
            guard all != !ids.isEmpty else { throw ValidationError("--retry-dead takes --all or ids, not both and not neither") }
        } else if all || !ids.isEmpty {
            throw ValidationError("--all and ids go with --retry-dead")
        }
    }

    func run() async throws {
        do {
            try await execute()
        } catch {
            throw error.report()
        }
    }

    private func execute() async throws(CommandFailure) {
        let environment = ProcessInfo.processInfo.environment
        // Started by booth or demo: die with it (see ForwarderParent).
        let parent = ForwarderParent.expected(environment: environment)
        if let parent, !ForwarderParent.bind(to: parent) { return }
        var unmatched: [String] = []
        if retryDead {
            unmatched = try requeueDeadLetters()
        }
        guard let url = to ?? environment["LEADGATE_FORWARD"].flatMap({ $0.isEmpty ? nil : $0 }) else {
            if retryDead { return try failIfUnmatched(unmatched) }
            throw CommandFailure.usage("no destination: give --to postgres://... or https://..., or set $LEADGATE_FORWARD")
        }
        let logger = Log.logger("leadgate.forward")
        let sink: any DeliverySink
        do {
            sink = try Destination.sink(for: url, environment: environment, logger: logger)
        } catch {
            throw CommandFailure.usage("--to: \(error.detail)")
        }
        if let webhook = sink as? WebhookSink, webhook.isPlainHTTP {
            Terminal.printWarning("\(sink.destination): plain http:// (allowed to this machine only): the leads travel unencrypted")
        }
        // A store that is not there is a mistyped --store: say so, instead of creating an empty one to forward.
        let store = try storeOptions.openExisting()
        let lock = try await ForwarderParent.lockStore(storeOptions.path, waiting: parent)
        guard let lock else { return }
        let forwarder = Forwarder(store: store, sink: sink, configuration: .init(batchSize: batchSize), logger: logger)
        // Owner notifications ride along (NotifyOptions): their own outbox, their own loop.
        let notifier = try notifyOptions.notifier(store: store, logger: Log.logger("leadgate.notify"))
        let notifying = once ? nil : notifier.map { notifier in Task { await notifier.run() } }
        let report = once ? await forwarder.run(until: .drained) : await Self.runUntilInterrupted(forwarder)
        notifying?.cancel()
        await notifying?.value
        if once, let notifier { _ = await notifier.pass() }
        await sink.close()
        withExtendedLifetime(lock) {}
        printSummary(report, destination: sink.destination)
        if let halt = report.halt {
            if halt.code == .store {
                throw CommandFailure.cannotWrite("cannot record deliveries in the store \(storeOptions.path): \(halt.detail); "
                                                 + "\(report.queued) still queued")
            }
            throw CommandFailure.unavailable("cannot deliver to \(sink.destination): \(halt); \(report.queued) still queued")
        }
        if report.deadLettered > 0 {
            throw CommandFailure.dataError("\(report.deadLettered) change(s) refused by \(sink.destination) and dead-lettered: "
                                           + "see leadgate status --dead-letters, then leadgate forward --retry-dead")
        }
        try failIfUnmatched(unmatched)
    }

    /// Until SIGINT, SIGTERM, SIGHUP or, for a background forwarder, its parent's end.
    private static func runUntilInterrupted(_ forwarder: Forwarder) async -> DrainReport {
        await ForwarderParent.runUntilInterrupted(forwarder, parent: ForwarderParent.expected(environment: ProcessInfo.processInfo.environment))
    }

    /// `--retry-dead`: requeues and says how many; returns the ids that matched no dead letter.
    private func requeueDeadLetters() throws(CommandFailure) -> [String] {
        let store = try storeOptions.openExisting()
        let result: (requeued: Int, unmatched: [String])
        do {
            result = try store.requeueDeadLetters(all ? nil : ids)
        } catch {
            throw CommandFailure.storeFailure(error, path: storeOptions.path)
        }
        if json && to == nil && ProcessInfo.processInfo.environment["LEADGATE_FORWARD"] == nil {
            Terminal.write("{\"requeued\":\(result.requeued)}\n")
        } else if !json {
            Terminal.write("requeued \(result.requeued) dead-lettered change(s)\n")
        }
        return result.unmatched
    }

    private func failIfUnmatched(_ unmatched: [String]) throws(CommandFailure) {
        guard !unmatched.isEmpty else { return }
        throw CommandFailure.dataError("no dead-lettered change has the id \(unmatched.joined(separator: ", ")) (leadgate status --dead-letters lists them)")
    }

    private func printSummary(_ report: DrainReport, destination: String) {
        if json {
            let object: [String: Any] = [
                "destination": destination, "delivered": report.delivered, "dead_lettered": report.deadLettered,
                "retried": report.retried, "queued": report.queued,
                "error": report.halt.map { "\($0)" } ?? NSNull(),
            ]
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
            Terminal.write(String(decoding: data, as: UTF8.self) + "\n")
        } else {
            Terminal.write("delivered \(report.delivered), dead-lettered \(report.deadLettered), queued \(report.queued) (\(destination))\n")
        }
    }
}
