import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import LeadStore
import Logging

/// Tells owners about their leads: finds the assignments and hot leads among the recorded
/// changes, queues one message each in the store's notification outbox, and delivers the
/// outbox to webhooks and a mail server, retrying with backoff.
///
/// At least once, and once in practice: a message is marked sent per address right after the
/// receiver took it, so only a crash in between those two steps repeats it; a restart never
/// loses one (the outbox and the scan position are in the store). Webhook posts carry the
/// message key as `Idempotency-Key`, mails as their `Message-ID`.
public actor Notifier {
    let store: LeadStore
    let routing: NotificationRouting
    let backoff: Backoff
    let logger: Logger
    let storeThread = BlockingCallThread(name: "leadgate.notify.store")
    let mailThread = BlockingCallThread(name: "leadgate.notify.smtp")
    let session: URLSession

    public init(store: LeadStore, routing: NotificationRouting, backoff: Backoff = Backoff(), timeout: Duration = .seconds(30), logger: Logger) {
        self.store = store
        self.routing = routing
        self.backoff = backoff
        self.logger = logger
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout.seconds
        configuration.timeoutIntervalForResource = timeout.seconds * 2
        configuration.httpShouldSetCookies = false
        configuration.urlCache = nil
        session = URLSession(configuration: configuration)
    }

    deinit { session.finishTasksAndInvalidate() }

    /// Queues what the changes since the last pass call for, then delivers what is due.
    public func pass(now: Date = Date()) async -> NotifyReport {
        var report = NotifyReport()
        do {
            report.queued = try await withStore { store throws(StoreError) in try store.queueOwnerNotifications(now: now) }
            let pending = try await withStore { store throws(StoreError) in try store.pendingNotifications(now: now) }
            for notification in pending where !Task.isCancelled {
                await deliver(notification, report: &report)
            }
        } catch {
            report.lastError = error.description
            logger.warning("notification outbox failed", metadata: ["notify.error": "\(error.redactedDescription)"])
        }
        if report.delivered + report.retried + report.deadLettered > 0 {
            logger.info("notification pass", metadata: [
                "notify.delivered": "\(report.delivered)", "notify.retried": "\(report.retried)",
                "notify.dead_lettered": "\(report.deadLettered)",
            ])
        }
        return report
    }

    /// Passes every `poll` until cancelled.
    public func run(poll: Duration = .milliseconds(250)) async {
        while !Task.isCancelled {
            _ = await pass()
            try? await Task.sleep(for: poll)
        }
    }

    private func deliver(_ notification: OwnerNotification, report: inout NotifyReport) async {
        let addresses: [String]
        switch routing.addresses(for: notification.owner) {
        case .success(let found): addresses = found
        case .failure(let error):
            try? await withStore { store throws(StoreError) in try store.markNotificationDead(notification.seq, reason: error.detail) }
            report.deadLettered += 1
            report.lastError = error.detail
            logger.warning("notification has no address", metadata: ["notify.kind": "\(notification.kind.rawValue)", "notify.seq": "\(notification.seq)"])
            return
        }
        for address in addresses where !notification.sentTo.contains(address) {
            do throws(ForwardingError) {
                try await send(notification, to: address)
                try await withStore { store throws(StoreError) in try store.markNotificationSent(notification.seq, to: address) }
            } catch {
                report.lastError = error.description
                let seq = notification.seq
                if error.isPermanent {
                    let reason = "\(OwnerDirectory.redacted(address)): \(error.description)"
                    try? await withStore { store throws(StoreError) in try store.markNotificationDead(seq, reason: reason) }
                    report.deadLettered += 1
                } else {
                    let retryAt = Date().addingTimeInterval(backoff.delay(afterFailures: notification.attempts + 1, retryAfter: error.retryAfter).seconds)
                    let reason = error.description
                    try? await withStore { store throws(StoreError) in try store.markNotificationRetry(seq, error: reason, retryAt: retryAt) }
                    report.retried += 1
                }
                logger.warning("notification not delivered", metadata: [
                    "notify.address": "\(OwnerDirectory.redacted(address))", "notify.error": "\(error.redactedDescription)",
                ])
                return
            }
        }
        try? await withStore { store throws(StoreError) in try store.markNotificationDelivered(notification.seq) }
        report.delivered += 1
    }

    private func send(_ notification: OwnerNotification, to address: String) async throws(ForwardingError) {
        if OwnerDirectory.isWebhook(address) {
            try await post(notification, to: address)
        } else if let smtp = routing.smtp {
            let messageID = "\(notification.key.replacingOccurrences(of: ":", with: "."))@leadgate"
            try await mailThread.run { () throws(ForwardingError) in
                let session = try SMTPSession(server: smtp)
                try session.send(to: address, subject: notification.subject, body: notification.body, messageID: messageID)
            }
        }
    }

    /// Slack, Mattermost and Teams incoming webhooks all take `{"text": ...}`.
    private func post(_ notification: OwnerNotification, to address: String) async throws(ForwardingError) {
        guard let url = URL(string: address) else { throw ForwardingError(.rejected, "not a URL") }
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.httpBody = (try? JSONSerialization.data(withJSONObject: ["text": notification.body], options: [.withoutEscapingSlashes])) ?? Data()
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("leadgate", forHTTPHeaderField: "User-Agent")
        request.setValue(notification.key, forHTTPHeaderField: "Idempotency-Key")
        let data: Data, response: URLResponse
        do {
            (data, response) = try await session.data(for: request)
        } catch {
            throw ForwardingError(.unreachable, error.localizedDescription, function: "POST")
        }
        guard let http = response as? HTTPURLResponse else { throw ForwardingError(.temporaryFailure, "not an HTTP response", function: "POST") }
        let status = http.statusCode
        if (200..<300).contains(status) { return }
        let retryable = [408, 425, 429].contains(status) || (500..<600).contains(status)
        throw ForwardingError(retryable ? .temporaryFailure : .rejected, String(decoding: data.prefix(200), as: UTF8.self),
                              function: "POST", httpStatus: status,
                              retryAfter: http.value(forHTTPHeaderField: "Retry-After").flatMap { RetryAfter.parse($0) })
    }

    private func withStore<T: Sendable>(_ body: @escaping @Sendable (LeadStore) throws(StoreError) -> T) async throws(ForwardingError) -> T {
        try await storeThread.run(on: store, body)
    }
}
