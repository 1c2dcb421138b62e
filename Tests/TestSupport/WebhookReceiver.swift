import Foundation

/// Hardware/webhook_receiver.py on a free loopback port: checks each POST's Standard Webhooks
/// signature, answers a scripted sequence of statuses and logs what it got.
public final class WebhookReceiver: Sendable {
    public struct Request: Sendable {
        public var id: String
        public var signatureOK: Bool
        public var fresh: Bool
        public var status: Int
        public var receivedAt: Double
        public var contentType: String
        public var body: [String: any Sendable]
        /// POST, or GET/PUT... when a client followed a redirect here.
        public var method: String
        /// Whether the request carried a `webhook-signature` header at all.
        public var hasSignature: Bool
    }

    public let url: String
    private let process: ChildProcess.Running
    private let log: URL
    private let folder: URL

    /// `statuses` as the script takes them: `500,200`, `429:1,200`, `302=http://...`...
    public init(secret: String, statuses: String) async throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("leadgate-webhook-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        log = folder.appendingPathComponent("requests.jsonl")
        let (process, port) = try await LoopbackServerScript.start("webhook_receiver.py",
                                                                   ["--secret", secret, "--statuses", statuses, "--log", log.path],
                                                                   folder: folder)
        self.process = process
        url = "http://127.0.0.1:\(port)/hooks/leads"
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: folder)
    }

    public func stop() {
        process.kill()
    }

    /// What the receiver got so far, in order.
    public func requests() throws -> [Request] {
        guard let text = try? String(contentsOf: log, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
            return Request(id: object["id"] as? String ?? "", signatureOK: object["signature_ok"] as? Bool ?? false,
                           fresh: object["fresh"] as? Bool ?? false, status: object["status"] as? Int ?? 0,
                           receivedAt: object["received_at"] as? Double ?? 0,
                           contentType: object["content_type"] as? String ?? "",
                           body: Self.sendable(object["body"] as? [String: Any] ?? [:]),
                           method: object["method"] as? String ?? "POST",
                           hasSignature: object["has_signature"] as? Bool ?? false)
        }
    }

    private static func sendable(_ object: [String: Any]) -> [String: any Sendable] {
        object.compactMapValues { value -> (any Sendable)? in
            switch value {
            case let nested as [String: Any]: return sendable(nested)
            case let text as String: return text
            case let number as NSNumber: return number.intValue
            default: return nil
            }
        }
    }
}
