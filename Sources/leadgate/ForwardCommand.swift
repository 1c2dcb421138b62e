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
            every other libpq option go in its query string. An https:// URL gets one POST per \
            change with Standard Webhooks headers, signed with $LEADGATE_WEBHOOK_SECRET \
            (whsec_... or plain text).

            Failures for now (connection refused, timeouts, 429, 5xx) are retried with backoff \
            and Retry-After; a change the destination refuses for good (a 4xx, a rejected row) \
            goes to the dead-letter list (leadgate status --dead-letters) and never blocks the \
            rest. Without --once, runs until interrupted, waiting out outages.

            Exit codes: 0 all delivered, 65 some changes dead-lettered, 69 the destination is \
            unreachable (the number still queued is printed).

            With --notify (or $LEADGATE_NOTIFY) and/or --owners, owners are told of leads \
            assigned to them and of hot leads, through a notification outbox in the store: \
            queued, retried, and sent once per lead and owner (see leadgate remind).
            """
    )

    @Option(name: .long, help: ArgumentHelp("Where to deliver: postgres://... or https://...", valueName: "url"))
    var to: String

    @Flag(help: "Drain the queue and exit instead of running until interrupted.")
    var once = false

    @Option(name: .customLong("batch-size"), help: "Changes per batch (one transaction each for PostgreSQL).")
    var batchSize = 1000

    @OptionGroup var notifyOptions: NotifyOptions

    @OptionGroup var storeOptions: StoreOptions

    @Flag(help: "Print the summary as JSON.")
    var json = false

    func validate() throws {
        guard batchSize >= 1 && batchSize <= 100_000 else { throw ValidationError("--batch-size must be 1 to 100000") }
    }

    func run() async throws {
        do {
            try await execute()
        } catch {
            throw error.report()
        }
    }

    private func execute() async throws(CommandFailure) {
        let logger = Log.logger("leadgate.forward")
        let sink: any DeliverySink
        do {
            sink = try Destination.sink(for: to, environment: ProcessInfo.processInfo.environment, logger: logger)
        } catch {
            throw CommandFailure.usage("--to: \(error.detail)")
        }
        let store = try storeOptions.open()
        let forwarder = Forwarder(store: store, sink: sink, configuration: .init(batchSize: batchSize), logger: logger)
        // Owner notifications ride along (NotifyOptions): their own outbox, their own loop.
        let notifier = try notifyOptions.notifier(store: store, logger: Log.logger("leadgate.notify"))
        let notifying = once ? nil : notifier.map { notifier in Task { await notifier.run() } }
        let report = once ? await forwarder.run(until: .drained) : await Self.runUntilInterrupted(forwarder)
        notifying?.cancel()
        await notifying?.value
        if once, let notifier { _ = await notifier.pass() }
        await sink.close()
        printSummary(report, destination: sink.destination)
        if let halt = report.halt {
            throw CommandFailure.unavailable("cannot deliver to \(sink.destination): \(halt); \(report.queued) still queued")
        }
        if report.deadLettered > 0 {
            throw CommandFailure.dataError("\(report.deadLettered) change(s) refused by \(sink.destination) and dead-lettered: see leadgate status --dead-letters")
        }
    }

    /// Runs the loop until SIGINT or SIGTERM, then lets the batch in flight finish.
    private static func runUntilInterrupted(_ forwarder: Forwarder) async -> DrainReport {
        let run = Task { await forwarder.run(until: .cancelled) }
        let sources = [SIGINT, SIGTERM].map { number -> any DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { run.cancel() }
            source.resume()
            return source
        }
        let report = await run.value
        for source in sources { source.cancel() }
        return report
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
