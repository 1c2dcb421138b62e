import Foundation

/// Where owner notifications go: each owner's own addresses from the owners file, else the
/// team's channels (`--notify https://...`); email goes through the `--notify smtp://` server.
public struct NotificationRouting: Sendable {
    public var teamWebhooks: [String]
    public var smtp: SMTPServer?
    public var owners: OwnerDirectory

    /// `notify` holds what `--notify` (or `$LEADGATE_NOTIFY`) gave: webhook URLs and at most
    /// one `smtp://` server.
    public init(notify: [String], owners: OwnerDirectory) throws(ForwardingError) {
        var webhooks: [String] = []
        var smtp: SMTPServer?
        for target in notify {
            if target.lowercased().hasPrefix("smtp://") {
                guard smtp == nil else { throw ForwardingError(.invalidDestination, "give one smtp:// server") }
                smtp = try SMTPServer(url: target)
            } else {
                try Self.checkWebhook(target)
                webhooks.append(target)
            }
        }
        for address in owners.addresses.values.joined() where OwnerDirectory.isWebhook(address) {
            try Self.checkWebhook(address)
        }
        teamWebhooks = webhooks
        self.smtp = smtp
        self.owners = owners
    }

    /// https://, or http:// to this machine only (a webhook URL is a secret).
    static func checkWebhook(_ text: String) throws(ForwardingError) {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased() else {
            throw ForwardingError(.invalidDestination, "\(OwnerDirectory.redacted(text)): use https://... or smtp://...")
        }
        let loopback = ["127.0.0.1", "::1", "[::1]", "localhost"].contains(host)
        guard scheme == "https" || (scheme == "http" && loopback) else {
            throw ForwardingError(.invalidDestination, "\(OwnerDirectory.redacted(text)): notifications go to https:// webhooks (http:// only to this machine) or smtp://")
        }
    }

    /// The addresses for `owner`, or why there are none.
    func addresses(for owner: String) -> Result<[String], ForwardingError> {
        let own = owners.addresses[owner] ?? []
        let addresses = own.isEmpty ? teamWebhooks : own
        guard !addresses.isEmpty else {
            return .failure(ForwardingError(.rejected, "no address for owner \(owner): add one to the owners file, or give --notify https://..."))
        }
        if smtp == nil, addresses.contains(where: OwnerDirectory.isEmail) {
            return .failure(ForwardingError(.rejected, "owner \(owner) has an email address but no --notify smtp://... server is given"))
        }
        return .success(addresses)
    }
}
