import Foundation

/// The key that signs webhooks, as Standard Webhooks defines it.
public struct WebhookSecret: Sendable {
    /// The environment variable `leadgate forward` reads the secret from.
    public static let environmentVariable = "LEADGATE_WEBHOOK_SECRET"

    let key: [UInt8]

    /// `whsec_` followed by base64 (the spec's form: the key is the decoded bytes), or any
    /// other text, whose UTF-8 bytes are the key. At least 16 bytes either way.
    public init(_ text: String) throws(ForwardingError) {
        if text.hasPrefix("whsec_") {
            guard let decoded = Data(base64Encoded: String(text.dropFirst(6))), !decoded.isEmpty else {
                throw ForwardingError(.invalidDestination, "\(Self.environmentVariable): whsec_ is not followed by base64")
            }
            key = [UInt8](decoded)
        } else {
            guard !text.isEmpty else {
                throw ForwardingError(.invalidDestination, "\(Self.environmentVariable) is empty")
            }
            key = Array(text.utf8)
        }
        guard key.count >= Self.minimumLength else {
            throw ForwardingError(.invalidDestination, "\(Self.environmentVariable) is \(key.count) byte(s): use at least "
                                  + "\(Self.minimumLength) bytes (e.g. whsec_ and the base64 of 32 random bytes: openssl rand -base64 32)")
        }
    }

    /// A shorter key is guessed too easily; Standard Webhooks suggests 24 to 64 bytes.
    public static let minimumLength = 16

    /// The `webhook-signature` header: `v1,` and the base64 HMAC-SHA256 of
    /// `{id}.{timestamp}.{body}`.
    public func signature(id: String, timestamp: Int, body: [UInt8]) -> String {
        let signed = Array("\(id).\(timestamp).".utf8) + body
        return "v1," + Data(HMAC.sha256(key: key, message: signed)).base64EncodedString()
    }
}
