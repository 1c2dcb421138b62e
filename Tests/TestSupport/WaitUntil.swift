import Testing

/// Polls `condition` every 20 ms until it holds, or fails the test after `seconds`.
///
/// Generous limits: in a full `swift test` on two cores, other suites' blocking waits can
/// hold the cooperative pool for tens of seconds, and this loop with it.
public func waitUntil(seconds: Double = 120, _ condition: () async -> Bool) async throws {
    let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
    while true {
        if await condition() { return }
        if ContinuousClock.now >= deadline { break }
        try await Task.sleep(for: .milliseconds(20))
    }
    Issue.record("condition not met within \(seconds) s")
    throw HarnessFailure("timed out")
}
