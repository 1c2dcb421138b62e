import Foundation

/// The mail server owner notifications go through:
/// `smtp://[user:password@]host[:port][?from=...&starttls=...&cafile=...]`.
///
/// With a user, the session logs in with AUTH PLAIN, only over TLS (or to this machine).
/// `starttls` is `auto` (default: encrypt when the server offers STARTTLS, else send plain),
/// `required` (refuse to send without it) or `never`. The server's certificate is checked
/// against the system's roots, or `cafile`, and the host name.
public struct SMTPServer: Sendable, Hashable {
    public enum StartTLS: String, Sendable { case auto, required, never }

    public var host: String
    public var port: Int
    public var from: String
    public var startTLS: StartTLS
    public var caFile: String?
    public var user: String?
    public var password: String?

    public init(url text: String) throws(ForwardingError) {
        guard let url = URLComponents(string: text), url.scheme?.lowercased() == "smtp", let host = url.host, !host.isEmpty else {
            throw ForwardingError(.invalidDestination, "\(Destination.redacted(text)): not an smtp://host:port URL")
        }
        self.host = host
        port = url.port ?? 25
        let query = Dictionary((url.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
        from = query["from"] ?? "leadgate@\(ProcessInfo.processInfo.hostName)"
        guard OwnerDirectory.isEmail(from) else {
            throw ForwardingError(.invalidDestination, "\(Destination.redacted(text)): from=\(from) is not an email address")
        }
        guard let mode = StartTLS(rawValue: query["starttls"] ?? "auto") else {
            throw ForwardingError(.invalidDestination, "\(Destination.redacted(text)): starttls is auto, required or never")
        }
        startTLS = mode
        caFile = query["cafile"]
        user = url.user.flatMap { $0.isEmpty ? nil : $0 }
        password = url.password
    }

    var isLoopback: Bool { ["127.0.0.1", "::1", "localhost"].contains(host.lowercased()) }

    public var description: String { "smtp://\(host):\(port)" }
}
