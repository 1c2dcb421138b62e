import Foundation

/// Hardware/notify_receiver.py on free loopback ports: an incoming webhook and an SMTP server
/// (with STARTTLS when given a certificate), logging every message it gets.
public final class NotifyReceiver: Sendable {
    public struct Message: Sendable {
        /// `webhook` or `smtp`.
        public var channel: String
        public var text: String
        public var status: Int
        public var recipients: [String]
        public var subject: String
        public var tls: Bool
        /// The user an SMTP client logged in as (AUTH PLAIN), if it did.
        public var authUser: String?
        public var key: String
        public var receivedAt: Double
    }

    public let httpPort: Int
    public let smtpPort: Int
    private let process: ChildProcess.Running
    private let log: URL
    public let folder: URL

    /// With `tls`, makes a self-signed certificate for 127.0.0.1 (openssl) and offers
    /// STARTTLS with it; `certificatePath` is then the file a client trusts.
    public init(tls: Bool = false, httpStatuses: String = "200") async throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("leadgate-notify-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        log = folder.appendingPathComponent("messages.jsonl")
        var arguments = [ChildProcess.packageRoot.appendingPathComponent("Hardware/notify_receiver.py").path,
                         "--log", log.path, "--http-statuses", httpStatuses]
        if tls {
            let cert = folder.appendingPathComponent("cert.pem").path, key = folder.appendingPathComponent("key.pem").path
            let made = try await ChildProcess.run("/usr/bin/openssl", [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", key, "-out", cert,
            ])
            guard made.status == 0 else { throw HarnessFailure("openssl req: \(made.stderr)") }
            arguments += ["--tls-cert", cert, "--tls-key", key]
        }
        let portsFile = folder.appendingPathComponent("ports")
        process = try ChildProcess.spawn("/usr/bin/env", ["python3"] + arguments, stdout: portsFile.path,
                                         stderr: folder.appendingPathComponent("stderr").path)
        var ports: [String: Any] = [:]
        for _ in 0..<250 where ports.isEmpty {
            try await Task.sleep(for: .milliseconds(20))
            if let data = try? Data(contentsOf: portsFile), !data.isEmpty {
                ports = (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
            }
        }
        guard let http = ports["http_port"] as? Int, let smtp = ports["smtp_port"] as? Int else {
            process.kill()
            throw HarnessFailure("notify_receiver.py did not start")
        }
        httpPort = http
        smtpPort = smtp
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: folder)
    }

    public func stop() { process.kill() }

    public var webhookURL: String { "http://127.0.0.1:\(httpPort)/hooks/team" }
    public var certificatePath: String { folder.appendingPathComponent("cert.pem").path }

    public func smtpURL(from: String = "leadgate@booth.example", login: String = "", extra: String = "") -> String {
        "smtp://\(login.isEmpty ? "" : login + "@")127.0.0.1:\(smtpPort)?from=\(from)\(extra)"
    }

    /// What arrived so far, in order (webhook posts answered 2xx and every mail).
    public func messages() -> [Message] {
        guard let text = try? String(contentsOf: log, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            let status = object["status"] as? Int ?? 250
            guard status < 300 else { return nil }
            return Message(channel: object["channel"] as? String ?? "", text: object["text"] as? String ?? "", status: status,
                           recipients: object["rcpt_to"] as? [String] ?? [], subject: object["subject"] as? String ?? "",
                           tls: object["tls"] as? Bool ?? false, authUser: object["auth_user"] as? String,
                           key: object["idempotency_key"] as? String ?? object["message_id"] as? String ?? "",
                           receivedAt: object["received_at"] as? Double ?? 0)
        }
    }
}
