import Foundation

/// The key that signs webhooks, as Standard Webhooks defines it.
public struct WebhookSecret: Sendable {
    /// The environment variable `leadgate forward` reads the secret from.
    public static let environmentVariable = "LEADGATE_WEBHOOK_SECRET"

    let key: [UInt8]

    /// `whsec_` followed by base64 (the spec's form: the key is the decoded bytes), or any
    /// other text, whose UTF-8 bytes are the key.
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
    }

    /// The `webhook-signature` header: `v1,` and the base64 HMAC-SHA256 of
    /// `{id}.{timestamp}.{body}`.
    public func signature(id: String, timestamp: Int, body: [UInt8]) -> String {
        let signed = Array("\(id).\(timestamp).".utf8) + body
        return "v1," + Data(HMAC.sha256(key: key, message: signed)).base64EncodedString()
    }
}
