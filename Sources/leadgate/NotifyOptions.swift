import ArgumentParser
import Forwarding
import Foundation
import LeadStore
import Logging

/// `--notify` and `--owners`: where owners hear about their leads.
struct NotifyOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Tell owners about assignments, hot leads and digests: an incoming webhook (https://..., Slack, Mattermost, Teams) for owners without their own address, and/or the mail server (smtp://host:port?from=leadgate@acme.example). Repeatable. Default: $LEADGATE_NOTIFY (space-separated).",
        valueName: "url"))
    var notify: [String] = []

    @Option(name: .long, help: ArgumentHelp(
        "The owners file: one `owner = address[, address]` a line, an address being an email or a webhook URL. Default: $LEADGATE_OWNERS.",
        valueName: "file"))
    var owners: String?

    /// The routing, or nil when no notification is configured.
    func routing(environment: [String: String] = ProcessInfo.processInfo.environment) throws(CommandFailure) -> NotificationRouting? {
        let targets = notify.isEmpty ? (environment["LEADGATE_NOTIFY"] ?? "").split(whereSeparator: \.isWhitespace).map(String.init) : notify
        let ownersFile = owners ?? environment["LEADGATE_OWNERS"].flatMap { $0.isEmpty ? nil : $0 }
        guard !targets.isEmpty || ownersFile != nil else { return nil }
        do {
            let directory = try ownersFile.map { (path) throws(ForwardingError) in try OwnerDirectory(file: path) } ?? OwnerDirectory()
            return try NotificationRouting(notify: targets, owners: directory)
        } catch {
            throw CommandFailure.usage(error.detail)
        }
    }

    func notifier(store: LeadStore, logger: Logger) throws(CommandFailure) -> Notifier? {
        try routing().map { Self.notifier(store: store, routing: $0, logger: logger) }
    }

    static func notifier(store: LeadStore, routing: NotificationRouting, logger: Logger) -> Notifier {
        // A mail server that hangs up mid-TLS makes OpenSSL's write raise SIGPIPE, which
        // would end the process: the failed write is an error like any other instead.
        signal(SIGPIPE, SIG_IGN)
        return Notifier(store: store, routing: routing, logger: logger)
    }
}
