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
/// A 2xx is delivered. Redirects are never followed (a redirected POST arrives as a GET or
/// empty, and the signature would go to another host): a 3xx is a rejection naming its
/// target. 401, 403, 404, 405, 407 and 410 say the URL or the secret is wrong for every
/// change, and 408, 425, 429, 5xx and connection failures that the destination is in
/// trouble: both hold the whole destination back (honouring `Retry-After`). Any other status
/// rejects that one change for good.
public final class WebhookSink: DeliverySink {
    public let destination: String
    /// Whether the URL is plain `http://` (to this machine only): callers warn about it.
    public let isPlainHTTP: Bool
    private let url: URL
    private let secret: WebhookSecret
    private let session: URLSession
    private let logger: Logger
    private let secrets: DestinationSecrets
    /// A batch ends after this long even with changes left, so the loop records progress:
    /// a killed forwarder re-sends at most this much.
    private let progressInterval: Duration

    /// At most this many changes per batch, for the same reason.
    public var maximumBatchSize: Int { 50 }

    /// `url` is `https://...`; plain `http://` only to this machine (127.0.0.1, ::1, localhost).
    public init(url text: String, secret: WebhookSecret, timeout: Duration = .seconds(30),
                progressInterval: Duration = .milliseconds(250), logger: Logger) throws(ForwardingError) {
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
        self.progressInterval = progressInterval
        isPlainHTTP = scheme == "http"
        secrets = DestinationSecrets(text)
        destination = Destination.redacted(text)
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout.seconds
        configuration.timeoutIntervalForResource = timeout.seconds * 2
        configuration.httpShouldSetCookies = false
        configuration.urlCache = nil
        // The session's delegate, not a task's: FoundationNetworking (6.3) asks only the
        // session's delegate about redirects when `data(for:)` is used.
        session = URLSession(configuration: configuration, delegate: RedirectRefusal(), delegateQueue: nil)
    }

    deinit { session.finishTasksAndInvalidate() }

    /// Nothing to open: each POST makes or reuses its own connection.
    public func prepare() async throws(ForwardingError) {}

    public func close() async {}

    public func deliver(_ items: [OutboxItem]) async -> DeliveryReport {
        var report = DeliveryReport()
        // A lead whose change failed here gets none of its later changes in this batch.
        var heldLeads = Set<String>()
        let deadline = ContinuousClock.now + progressInterval
        for item in items where !heldLeads.contains(item.leadID) {
            // The rest stays queued, untried, for the next batch once this one is recorded.
            if ContinuousClock.now >= deadline && !(report.delivered.isEmpty && report.rejected.isEmpty) { break }
            do throws(ForwardingError) {
                try await post(item)
                report.delivered.append(item.seq)
            } catch {
                if error.isPermanent {
                    report.rejected.append(.init(seq: item.seq, error: error))
                    continue
                }
                // Anything else is the destination's trouble, not this change's.
                report.retry.append(.init(seq: item.seq, error: error))
                heldLeads.insert(item.leadID)
                report.halt = error
                break
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
            throw ForwardingError(.unreachable, secrets.scrub(error.localizedDescription), function: "POST")
        }
        guard let http = response as? HTTPURLResponse else {
            throw ForwardingError(.temporaryFailure, "not an HTTP response", function: "POST")
        }
        let status = http.statusCode
        if (200..<300).contains(status) { return }
        logger.debug("webhook answered", metadata: ["forward.status": "\(status)", "forward.event_id": "\(item.eventID)"])
        if (300..<400).contains(status) {
            let location = http.value(forHTTPHeaderField: "Location").map { Destination.redacted($0) } ?? "nowhere (no Location)"
            throw ForwardingError(.rejected, "redirected to \(location): redirects are not followed, fix the URL", function: "POST",
                                  httpStatus: status)
        }
        let excerpt = secrets.scrub(String(decoding: data.prefix(200), as: UTF8.self))
        let code: ForwardingError.Code
        switch status {
        case 401, 403, 404, 405, 407, 410: code = .refusedByDestination
        case 408, 425, 429, 500..<600: code = .temporaryFailure
        default: code = .rejected
        }
        let retryAfter = (http.value(forHTTPHeaderField: "Retry-After")).flatMap { RetryAfter.parse($0) }
        throw ForwardingError(code, excerpt, function: "POST", httpStatus: status, retryAfter: retryAfter)
    }
}

/// Refuses every redirect: the task then ends with the 3xx response itself.
private final class RedirectRefusal: NSObject, URLSessionTaskDelegate, Sendable {
    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
        completionHandler(nil)
    }
}
