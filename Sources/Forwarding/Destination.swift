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
    ///
    /// A `postgres://` URL is read by libpq's own parser (`PQconninfoParse`), which also finds
    /// a password in the query string or percent-encoded; libpq's key=value form shows only
    /// host, port and database. Anything else keeps its scheme and what follows the last `@`
    /// (a raw `/`, `?` or `#` in a password cannot cut it short), up to a `?` or `#`.
    public static func redacted(_ url: String) -> String {
        let secrets = DestinationSecrets(url)
        if secrets.isPostgresURL, !secrets.userInfoIsAmbiguous, case .success(let options) = LibPQ.parseConnectionInfo(url) {
            var text = String(url.prefix(while: { $0 != ":" })) + "://"
            if let host = options["host"] ?? options["hostaddr"] { text += host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host }
            if let port = options["port"] { text += ":" + port }
            if let database = options["dbname"] { text += "/" + database }
            return text
        }
        guard let schemeEnd = url.range(of: "://") else {
            if url.contains("="), case .success(let options) = LibPQ.parseConnectionInfo(url) {
                return ["host", "hostaddr", "port", "dbname"].compactMap { key in options[key].map { "\(key)=\($0)" } }.joined(separator: " ")
            }
            return url.contains("@") || url.contains("=") ? "(a destination that is not a URL)" : url
        }
        var rest = url[schemeEnd.upperBound...]
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        return String(url[..<schemeEnd.upperBound]) + rest.prefix(while: { $0 != "?" && $0 != "#" })
    }

    /// `text` (an error message, perhaps from libpq, which can quote the URL it was given)
    /// with every secret of `destination` replaced by `***`.
    public static func scrub(_ text: String, of destination: String) -> String {
        DestinationSecrets(destination).scrub(text)
    }
}
