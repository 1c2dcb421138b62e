import Forwarding
import Foundation
import LeadStore
import Logging

/// What the booth header says about forwarding, in a few words: whether leads reach the
/// shared store, and when they do not, why, and whether waiting helps.
///
/// It reads what the forwarder leaves behind (the outbox state in the store, the error
/// lines in `<store>.forward.log`), never the forwarder itself, which runs as a child.
struct ForwardingHealth: Equatable {
    enum Kind: Equatable {
        /// No `--forward`: leads stay in the local store.
        case off
        case online
        /// Cannot deliver now; the forwarder retries (no network, server down).
        case offline
        /// Will not work until someone fixes the setting (bad URL, missing secret, TLS).
        case misconfigured
    }

    var kind: Kind
    /// The header line, starting `forward:`.
    var text: String

    static let off = ForwardingHealth(kind: .off, text: "forward: off, leads stay on this machine (--forward URL sends them)")

    /// The problem with `url` that makes forwarding impossible, checked the way
    /// `leadgate forward` checks it, before anything is sent; nil when it is usable.
    static func problem(with url: String, environment: [String: String]) -> String? {
        do {
            _ = try Destination.sink(for: url, environment: environment, logger: Logger(label: "leadgate.forward.check"))
            return nil
        } catch {
            return phrase(forSetupError: error.detail)
        }
    }

    /// A setup error from `Destination` as the header says it.
    static func phrase(forSetupError detail: String) -> String {
        let lower = detail.lowercased()
        let secret = WebhookSecret.environmentVariable
        if lower.contains(secret.lowercased()) {
            if lower.contains("not set") { return "no \(secret)" }
            return "\(secret) unusable (\(detail.replacingOccurrences(of: secret + ": ", with: "")))"
        }
        if lower.contains("use postgres://") { return "not a postgres:// or https:// URL" }
        if lower.contains("not a url") { return "not a URL" }
        if lower.contains("http:// only") { return "plain http:// goes only to this machine: use https://" }
        return detail
    }

    /// The state shown for a booth forwarding to `url`: from the outbox and the errors the
    /// forwarder logged since `logOffset` in its log (a failed start never reaches the store).
    static func assess(url: String, status: OutboxStatus, logLines: [String], now: Date = Date()) -> ForwardingHealth {
        let host = Self.host(of: url)
        if let line = logLines.last(where: { $0.hasPrefix("leadgate: error:") }) {
            let message = String(line.dropFirst("leadgate: error:".count)).trimmingCharacters(in: .whitespaces)
            if message.hasPrefix("--to:") {
                return ForwardingHealth(kind: .misconfigured, text: "forward: \(phrase(forSetupError: String(message.dropFirst(5)).trimmingCharacters(in: .whitespaces))): will not work, fix --forward and restart (leads kept here)")
            }
            let (kind, reason) = classify(message, host: host)
            if kind == .misconfigured || status.lastErrorAt == nil {
                return ForwardingHealth(kind: kind, text: "forward: \(reason)" + suffix(kind))
            }
        }
        if let success = status.lastSuccess, status.lastErrorAt.map({ $0 <= success }) ?? true {
            return ForwardingHealth(kind: .online, text: "forward: online, last sync \(BoothApp.shortTime(success))")
        }
        guard let error = status.lastError, let errorAt = status.lastErrorAt else {
            return ForwardingHealth(kind: .online, text: "forward: connecting to \(host)")
        }
        let (kind, reason) = classify(error, host: host)
        if kind == .misconfigured { return ForwardingHealth(kind: kind, text: "forward: \(reason)" + suffix(kind)) }
        return ForwardingHealth(kind: kind, text: "forward: \(reason), offline since \(BoothApp.shortTime(errorAt))" + suffix(kind))
    }

    static func suffix(_ kind: Kind) -> String {
        kind == .misconfigured ? ": will not work, fix --forward and restart (leads kept here)" : "; will retry (leads kept here)"
    }

    /// A delivery error (libpq's, URLSession's, an HTTP status) reduced to a few words, and
    /// whether waiting will help.
    static func classify(_ error: String, host: String) -> (Kind, String) {
        // Without the host name: `tls.example` or `ssl-db` must not read as a TLS failure.
        let t = host.isEmpty ? error.lowercased() : error.lowercased().replacingOccurrences(of: host.lowercased(), with: "the host")
        if t.contains("leadgate_webhook_secret") { return (.misconfigured, phrase(forSetupError: error)) }
        if t.contains("temporary failure in name resolution") || t.contains("try again") && t.contains("name") {
            return (.offline, "\(host): no DNS (no network?)")
        }
        if t.contains("could not translate host name") || t.contains("name or service not known")
            || t.contains("hostname could not be found") || t.contains("resolve host") || t.contains("no address associated") {
            return (.misconfigured, "\(host): host not found")
        }
        if t.contains("server does not support ssl") { return (.misconfigured, "TLS: server does not support SSL") }
        if t.contains("certificate") { return (.misconfigured, "TLS: the server's certificate is not trusted") }
        if t.contains("ssl") || t.contains("tls") { return (.misconfigured, "TLS: the connection could not be secured") }
        if t.contains("password authentication failed") || t.contains("no password supplied") || t.contains("authentication failed") {
            return (.misconfigured, "\(host): login refused")
        }
        if t.contains("does not exist") && t.contains("database") { return (.misconfigured, "\(host): no such database") }
        if t.contains("permission denied") { return (.misconfigured, "\(host): permission denied") }
        if let status = httpStatus(t) {
            switch status {
            case 401, 403: return (.misconfigured, "\(host) refused the signature (HTTP \(status)): check \(WebhookSecret.environmentVariable)")
            case 404, 405, 410: return (.misconfigured, "\(host) has no webhook there (HTTP \(status)): check the URL")
            case 408, 425, 429, 500...599: return (.offline, "\(host) answers HTTP \(status)")
            default: return (.misconfigured, "\(host) refuses the leads (HTTP \(status))")
            }
        }
        if t.contains("connection refused") || t.contains("could not connect") { return (.offline, "\(host): connection refused") }
        if t.contains("timed out") || t.contains("timeout") { return (.offline, "\(host): no answer") }
        if t.contains("unreachable") || t.contains("no route") || t.contains("offline") || t.contains("network") {
            return (.offline, "\(host): network unreachable")
        }
        let first = error.split(whereSeparator: { $0 == "\n" }).first.map(String.init) ?? error
        return (.offline, first.count > 60 ? String(first.prefix(59)) + "…" : first)
    }

    static func httpStatus(_ text: String) -> Int? {
        guard let range = text.range(of: "http ") else { return nil }
        let digits = text[range.upperBound...].prefix(while: { $0.isNumber })
        return digits.count == 3 ? Int(digits) : nil
    }

    /// The host of a destination URL, without user, password or port.
    static func host(of url: String) -> String {
        let redacted = Destination.redacted(url)
        guard let start = redacted.range(of: "://")?.upperBound else { return redacted }
        let authority = redacted[start...].prefix(while: { $0 != "/" && $0 != "?" })
        if authority.hasPrefix("[") { return String(authority.prefix(while: { $0 != "]" })) + "]" }
        return String(authority.prefix(while: { $0 != ":" }))
    }
}
