import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Fetches a URL that came from a tag, which is attacker-controlled, within strict bounds:
/// HTTPS only, 3 s for everything (redirects included), 512 KB, 3 redirects, and never an
/// address that is not public (loopback only with `allowLoopback`, for tests; then plain
/// HTTP too, to loopback only). Redirects are never followed automatically: each hop's host
/// is resolved and every address it has is checked before the request is made.
///
/// The HTTP client is Foundation's URLSession (libcurl underneath): no new package. One
/// gap remains: URLSession resolves the host again when it connects, so a DNS server that
/// answers differently the second time (rebinding) could still steer the connection; the
/// check stops every link that simply names or redirects to a private address.
public struct LinkFetcher: Sendable {
    public struct Policy: Sendable {
        /// Allow loopback addresses (127.0.0.0/8, ::1), and plain http to them.
        public var allowLoopback: Bool
        public var deadline: Duration
        public var maximumBytes: Int
        public var maximumRedirects: Int

        public init(allowLoopback: Bool = false, deadline: Duration = .seconds(3), maximumBytes: Int = 512 << 10,
                    maximumRedirects: Int = 3) {
            self.allowLoopback = allowLoopback
            self.deadline = deadline
            self.maximumBytes = maximumBytes
            self.maximumRedirects = maximumRedirects
        }
    }

    public struct Page: Sendable {
        /// Where the page was found, after redirects.
        public var url: URL
        public var contentType: String?
        public var body: [UInt8]
    }

    public enum Outcome: Sendable {
        case page(Page)
        /// Why nothing was fetched, for the lead's warnings.
        case failed(String)
    }

    public let policy: Policy

    public init(policy: Policy = Policy()) {
        self.policy = policy
    }

    public func fetch(_ text: String) async -> Outcome {
        let clock = ContinuousClock()
        let deadline = clock.now + policy.deadline
        guard var url = URL(string: text) else { return .failed("not a URL") }
        var redirects = 0
        while true {
            if let refusal = await check(url) { return .failed(refusal) }
            let remaining = deadline - clock.now
            guard remaining > .zero else { return .failed("no answer within \(policy.deadline.wholeSeconds) s") }
            let hop = await HopRequest(url: url, timeout: remaining, maximumBytes: policy.maximumBytes).run()
            switch hop {
            case .timedOut:
                return .failed("no answer within \(policy.deadline.wholeSeconds) s")
            case .failed(let reason):
                return .failed(reason)
            case .tooLarge:
                return .failed("the page is larger than \(policy.maximumBytes / 1024) KB")
            case .response(let status, let headers, let body):
                if (300..<400).contains(status) {
                    guard let location = headers["location"], let next = URL(string: location, relativeTo: url)?.absoluteURL else {
                        return .failed("HTTP \(status) without a usable Location")
                    }
                    redirects += 1
                    guard redirects <= policy.maximumRedirects else { return .failed("more than \(policy.maximumRedirects) redirects") }
                    url = next
                    continue
                }
                guard (200..<300).contains(status) else { return .failed("HTTP \(status)") }
                return .page(Page(url: url, contentType: headers["content-type"], body: body))
            }
        }
    }

    /// Why `url` may not be fetched, or nil: its scheme, then every address of its host.
    func check(_ url: URL) async -> String? {
        let scheme = url.scheme?.lowercased() ?? ""
        guard scheme == "https" || (scheme == "http" && policy.allowLoopback) else {
            return scheme == "http" ? "plain http is refused (https only)" : "only https links are fetched"
        }
        guard let host = url.host, !host.isEmpty else { return "no host" }
        let addresses = await NetworkAddress.resolve(host)
        guard !addresses.isEmpty else { return "\(host) does not resolve" }
        for address in addresses {
            switch address.scope {
            case .public where scheme == "http":
                return "plain http is refused (https only; http only to loopback with --allow-private-links)"
            case .public: continue
            case .loopback where policy.allowLoopback: continue
            case .loopback: return "\(host) is a loopback address (\(address.text)); refused"
            case .restricted(let kind): return "\(host) is a \(kind) address (\(address.text)); refused"
            }
        }
        return nil
    }
}

extension Duration {
    var wholeSeconds: Int64 { components.seconds }
}

/// One GET, redirects not followed, the body cut off past `maximumBytes`.
final class HopRequest: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    // `@unchecked Sendable`: `state` is only touched with `lock` held; the rest is immutable.
    enum Result: Sendable {
        case response(status: Int, headers: [String: String], body: [UInt8])
        case tooLarge
        case timedOut
        case failed(String)
    }

    private struct State {
        var status = 0
        var headers: [String: String] = [:]
        var body: [UInt8] = []
        var tooLarge = false
        var continuation: CheckedContinuation<Result, Never>?
        var result: Result?
    }

    private let lock = NSLock()
    private var state = State()
    let url: URL
    let timeout: Duration
    let maximumBytes: Int

    init(url: URL, timeout: Duration, maximumBytes: Int) {
        self.url = url
        self.timeout = timeout
        self.maximumBytes = maximumBytes
    }

    func run() async -> Result {
        let configuration = URLSessionConfiguration.ephemeral
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        // URLSession hands libcurl whole seconds (2.99 became 2): its own timeouts are set a
        // second late, and the task is cancelled at the deadline itself (below).
        configuration.timeoutIntervalForRequest = seconds.rounded(.up) + 1
        configuration.timeoutIntervalForResource = seconds.rounded(.up) + 1
        configuration.httpShouldSetCookies = false
        configuration.urlCache = nil
        let session = URLSession(configuration: configuration, delegate: self, delegateQueue: nil)
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: seconds.rounded(.up) + 1)
        request.setValue("text/vcard, text/html;q=0.9, application/xhtml+xml;q=0.9, */*;q=0.1", forHTTPHeaderField: "Accept")
        request.setValue("leadgate (profile link)", forHTTPHeaderField: "User-Agent")
        let task = session.dataTask(with: request)
        let result = await withCheckedContinuation { continuation in
            lock.withLock { state.continuation = continuation }
            task.resume()
            // The deadline: the task is cancelled when the fetch's time is up.
            DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { [weak task] in task?.cancel() }
        }
        session.invalidateAndCancel()
        return result
    }

    private func finish(_ result: Result) {
        let continuation: CheckedContinuation<Result, Never>? = lock.withLock {
            guard state.result == nil else { return nil }
            state.result = result
            defer { state.continuation = nil }
            return state.continuation
        }
        continuation?.resume(returning: result)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
        // Every hop is checked by the caller first.
        completionHandler(nil)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        let http = response as? HTTPURLResponse
        var headers: [String: String] = [:]
        for (key, value) in http?.allHeaderFields ?? [:] {
            if let key = key as? String, let value = value as? String { headers[key.lowercased()] = value }
        }
        let tooLarge = response.expectedContentLength > Int64(maximumBytes)
        lock.withLock {
            state.status = http?.statusCode ?? 0
            state.headers = headers
            state.tooLarge = tooLarge
        }
        completionHandler(tooLarge ? .cancel : .allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let over = lock.withLock { () -> Bool in
            state.body.append(contentsOf: data)
            if state.body.count > maximumBytes { state.tooLarge = true }
            return state.tooLarge
        }
        if over { dataTask.cancel() }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        let snapshot = lock.withLock { state }
        if snapshot.tooLarge { return finish(.tooLarge) }
        if let error {
            let code = (error as? URLError)?.code
            // Cancelled: by the deadline's backstop (a too-large body is handled above).
            if code == .timedOut || code == .cancelled { return finish(.timedOut) }
            return finish(.failed("cannot fetch: \(error.localizedDescription)"))
        }
        finish(.response(status: snapshot.status, headers: snapshot.headers, body: snapshot.body))
    }
}
