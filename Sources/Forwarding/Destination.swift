import Logging

/// What `--to` names: the shared store's PostgreSQL database or a webhook.
public enum Destination {
    /// The sink for `url`: `postgres://` or `postgresql://` (libpq reads every option from the
    /// URL), or `https://` (a webhook signed with the secret in `LEADGATE_WEBHOOK_SECRET`).
    public static func sink(for url: String, environment: [String: String], logger: Logger) throws(ForwardingError) -> any DeliverySink {
        let scheme = url.prefix(while: { $0 != ":" }).lowercased()
        switch scheme {
        case "postgres", "postgresql":
            return try PostgresSink(url: url, logger: logger)
        case "https", "http":
            guard let text = environment[WebhookSecret.environmentVariable] else {
                throw ForwardingError(.invalidDestination, "\(WebhookSecret.environmentVariable) is not set: webhooks are signed with it")
            }
            return try WebhookSink(url: url, secret: try WebhookSecret(text), logger: logger)
        default:
            throw ForwardingError(.invalidDestination, "\(redacted(url)): use postgres://... or https://...")
        }
    }

    /// `url` without its password, user or query string, for logs and messages.
    public static func redacted(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url.contains("@") ? "(unprintable URL)" : url }
        let rest = url[schemeEnd.upperBound...]
        let withoutQuery = rest.prefix(while: { $0 != "?" && $0 != "#" })
        let authorityEnd = withoutQuery.firstIndex(of: "/") ?? withoutQuery.endIndex
        var authority = withoutQuery[..<authorityEnd]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        return String(url[..<schemeEnd.upperBound]) + authority + withoutQuery[authorityEnd...]
    }
}
