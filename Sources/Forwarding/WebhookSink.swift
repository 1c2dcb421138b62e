import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import LeadStore
import Logging

/// Delivers the outbox to a webhook (a CRM, an automation tool): one signed POST per change,
/// in order, with the Standard Webhooks headers.
///
/// `webhook-id` is the change's event id, so a receiver drops the copy a crash re-sends.
/// A 2xx is delivered; 408, 425, 429 and 5xx are tried again later (429 and 503 hold the whole
/// destination back, honouring `Retry-After`); any other status is a rejection for good.
public final class WebhookSink: DeliverySink {
    public let destination: String
    private let url: URL
    private let secret: WebhookSecret
    private let session: URLSession
    private let logger: Logger

    /// `url` is `https://...`; plain `http://` only to this machine (127.0.0.1, ::1, localhost).
    public init(url text: String, secret: WebhookSecret, timeout: Duration = .seconds(30), logger: Logger) throws(ForwardingError) {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else {
            throw ForwardingError(.invalidDestination, "\(Destination.redacted(text)): not a URL")
        }
        let loopback = ["127.0.0.1", "::1", "[::1]", "localhost"].contains(host.lowercased())
        guard scheme == "https" || (scheme == "http" && loopback) else {
            throw ForwardingError(.invalidDestination, "\(Destination.redacted(text)): webhooks go over https:// (http:// only to this machine)")
        }
        self.url = url
        self.secret = secret
        self.logger = logger
        destination = Destination.redacted(text)
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout.seconds
        configuration.timeoutIntervalForResource = timeout.seconds * 2
        configuration.httpShouldSetCookies = false
        configuration.urlCache = nil
        session = URLSession(configuration: configuration)
    }

    deinit { session.finishTasksAndInvalidate() }

    /// Nothing to open: each POST makes or reuses its own connection.
    public func prepare() async throws(ForwardingError) {}

    public func close() async {}

    public func deliver(_ items: [OutboxItem]) async -> DeliveryReport {
        var report = DeliveryReport()
        // A lead whose change failed here gets none of its later changes in this batch.
        var heldLeads = Set<String>()
        for item in items where !heldLeads.contains(item.leadID) {
            do throws(ForwardingError) {
                try await post(item)
                report.delivered.append(item.seq)
            } catch {
                if error.isPermanent {
                    report.rejected.append(.init(seq: item.seq, error: error))
                    continue
                }
                report.retry.append(.init(seq: item.seq, error: error))
                heldLeads.insert(item.leadID)
                if error.code == .unreachable || [429, 503].contains(error.httpStatus) {
                    report.halt = error
                    break
                }
            }
        }
        return report
    }

    private func post(_ item: OutboxItem) async throws(ForwardingError) {
        let body = Self.body(for: item)
        let timestamp = Int(Date().timeIntervalSince1970)
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.httpBody = Data(body)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("leadgate", forHTTPHeaderField: "User-Agent")
        request.setValue(item.eventID, forHTTPHeaderField: "webhook-id")
        request.setValue(String(timestamp), forHTTPHeaderField: "webhook-timestamp")
        request.setValue(secret.signature(id: item.eventID, timestamp: timestamp, body: body), forHTTPHeaderField: "webhook-signature")
        let data: Data, response: URLResponse
        do {
            (data, response) = try await session.data(for: request)
        } catch {
            throw ForwardingError(.unreachable, error.localizedDescription, function: "POST")
        }
        guard let http = response as? HTTPURLResponse else {
            throw ForwardingError(.temporaryFailure, "not an HTTP response", function: "POST")
        }
        let status = http.statusCode
        if (200..<300).contains(status) { return }
        let excerpt = String(decoding: data.prefix(200), as: UTF8.self)
        let retryable = [408, 425, 429].contains(status) || (500..<600).contains(status)
        let retryAfter = (http.value(forHTTPHeaderField: "Retry-After")).flatMap { RetryAfter.parse($0) }
        logger.debug("webhook answered", metadata: ["forward.status": "\(status)", "forward.event_id": "\(item.eventID)"])
        throw ForwardingError(retryable ? .temporaryFailure : .rejected, excerpt, function: "POST",
                              httpStatus: status, retryAfter: retryAfter)
    }
}
