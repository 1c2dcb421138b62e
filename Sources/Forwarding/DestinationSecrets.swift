import Foundation

/// The parts of a destination that must never be printed or stored: its password as libpq
/// reads it (`PQconninfoParse`), the raw user-info of a URL (everything between `://` and
/// the last `@`, however libpq would cut it), its pieces, and any `password=` value.
struct DestinationSecrets: Sendable {
    let destination: String
    /// Longest first, so a secret is replaced before a piece of it.
    private let secrets: [String]

    init(_ destination: String) {
        self.destination = destination
        var found: [String] = []
        if case .success(let options) = LibPQ.parseConnectionInfo(destination), let password = options["password"] {
            found.append(password)
        }
        if let userInfo = Self.rawUserInfo(destination) {
            found.append(userInfo)
            if let colon = userInfo.firstIndex(of: ":") {
                let password = String(userInfo[userInfo.index(after: colon)...])
                found.append(password)
                password.removingPercentEncoding.map { found.append($0) }
                // What libpq may quote when a raw delimiter cuts the password short.
                found += password.split(whereSeparator: { "/?#@:&=%".contains($0) }).map(String.init).filter { $0.count >= 3 }
            }
        }
        secrets = Set(found.filter { !$0.isEmpty }).sorted { $0.count > $1.count }
    }

    var isPostgresURL: Bool {
        let scheme = destination.prefix(while: { $0 != ":" }).lowercased()
        return (scheme == "postgres" || scheme == "postgresql") && destination.contains("://")
    }

    /// True when the user-info holds a raw `/`, `?` or `#`: libpq then reads part of the
    /// password as host, port or database, so its reading cannot be trusted to redact.
    var userInfoIsAmbiguous: Bool {
        Self.rawUserInfo(destination)?.contains(where: { "/?#".contains($0) }) ?? false
    }

    func scrub(_ text: String) -> String {
        var out = text
        if destination.count >= 3 { out = out.replacingOccurrences(of: destination, with: Destination.redacted(destination)) }
        for secret in secrets { out = out.replacingOccurrences(of: secret, with: "***") }
        return Self.passwordAssignment.stringByReplacingMatches(in: out, range: NSRange(out.startIndex..., in: out),
                                                                withTemplate: "$1***")
    }

    /// Everything between `://` and the last `@` of a URL, if it has both.
    static func rawUserInfo(_ url: String) -> String? {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        let rest = url[schemeEnd.upperBound...]
        guard let at = rest.lastIndex(of: "@") else { return nil }
        return String(rest[..<at])
    }

    /// `password=VALUE` (libpq's key=value form, a query parameter), quoted or not.
    private static let passwordAssignment: NSRegularExpression = {
        // A literal pattern: it compiles.
        try! NSRegularExpression(pattern: #"(password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&]+)"#, options: [.caseInsensitive])
    }()
}
