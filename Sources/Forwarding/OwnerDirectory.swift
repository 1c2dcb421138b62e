import Foundation

/// Where each owner hears about their leads: the owners file (`--owners FILE`,
/// `$LEADGATE_OWNERS`), one owner a line, `#` comments:
///
///     bob   = bob@acme.example
///     carol = https://hooks.slack.com/services/T000/B000/XXXX, carol@acme.example
///
/// An address is an email (sent through the `--notify smtp://` server) or an incoming
/// webhook URL (Slack, Mattermost, Teams: `{"text": ...}`).
public struct OwnerDirectory: Sendable, Hashable {
    public var addresses: [String: [String]]

    public init(addresses: [String: [String]] = [:]) {
        self.addresses = addresses
    }

    public init(file path: String) throws(ForwardingError) {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ForwardingError(.invalidDestination, "\(path): cannot read the owners file (\(error.localizedDescription))")
        }
        try self.init(text: text, file: path)
    }

    public init(text: String, file: String) throws(ForwardingError) {
        var addresses: [String: [String]] = [:]
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.prefix { $0 != "#" }.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty else { continue }
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw ForwardingError(.invalidDestination, "\(file):\(index + 1): use owner = address, e.g. bob = bob@acme.example")
            }
            for address in parts[1].split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !address.isEmpty {
                guard Self.isWebhook(address) || Self.isEmail(address) else {
                    throw ForwardingError(.invalidDestination, "\(file):\(index + 1): \(Self.redacted(address)) is neither an email address nor an https:// webhook")
                }
                addresses[parts[0], default: []].append(address)
            }
        }
        self.addresses = addresses
    }

    static func isWebhook(_ address: String) -> Bool {
        address.hasPrefix("https://") || address.hasPrefix("http://")
    }

    static func isEmail(_ address: String) -> Bool {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !address.contains(where: { $0 == " " || $0 == "<" || $0 == ">" })
    }

    /// An address for logs: a webhook's scheme and host only (its path is its secret).
    static func redacted(_ address: String) -> String {
        guard isWebhook(address), let url = URL(string: address), let host = url.host else { return address }
        return "\(url.scheme ?? "https")://\(host)\(url.port.map { ":\($0)" } ?? "")/..."
    }
}
