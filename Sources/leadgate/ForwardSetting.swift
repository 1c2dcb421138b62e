import Forwarding
import Foundation

/// `--forward` (or `$LEADGATE_FORWARD`) as booth and demo take it: checked before the first
/// tap, so an unusable setting is said at once rather than found in the forwarder's log.
struct ForwardSetting {
    /// The destination, nil when forwarding is off.
    let url: String?
    /// Why it cannot work (bad URL, missing secret); nil when it can.
    let problem: String?

    init(option: String?, environment: [String: String] = ProcessInfo.processInfo.environment) {
        let url = option ?? environment["LEADGATE_FORWARD"]
        self.url = (url?.isEmpty ?? true) ? nil : url
        problem = self.url.flatMap { ForwardingHealth.problem(with: $0, environment: environment) }
    }

    /// What to hand to `BackgroundForwarding`: "" starts nothing (an unusable destination).
    var startURL: String? { problem == nil ? url : "" }

    /// Says on stderr, before the screen takes over, that forwarding will not work.
    func warn() {
        guard let url, let problem else { return }
        Terminal.printWarning("--forward \(Destination.redacted(url)): \(problem): forwarding is off, leads stay in the local store")
    }
}
