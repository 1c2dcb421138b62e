/// How long to wait before trying again after failures: exponential, with jitter.
public struct Backoff: Sendable, Hashable {
    /// The wait after the first failure.
    public var initial: Duration
    /// No wait is longer, however many failures came before.
    public var maximum: Duration
    /// The longest `Retry-After` honoured; a receiver asking for more gets this.
    public var maximumRetryAfter: Duration

    public init(initial: Duration = .seconds(1), maximum: Duration = .seconds(300), maximumRetryAfter: Duration = .seconds(3600)) {
        self.initial = initial
        self.maximum = maximum
        self.maximumRetryAfter = maximumRetryAfter
    }

    /// The wait after `failures` failures in a row (1 or more). Half of it is fixed and half
    /// random ("equal jitter"), so booths that lost the same database do not all come back
    /// at the same instant.
    public func delay(afterFailures failures: Int) -> Duration {
        var generator = SystemRandomNumberGenerator()
        return delay(afterFailures: failures, using: &generator)
    }

    public func delay(afterFailures failures: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        let exponent = Double(min(max(failures, 1) - 1, 40))
        let full = min(initial.seconds * pow2(exponent), maximum.seconds)
        return .seconds(full / 2 + Double.random(in: 0...(full / 2), using: &generator))
    }

    /// The destination's own wait when it gave one, else the backoff.
    public func delay(afterFailures failures: Int, retryAfter: Duration?) -> Duration {
        guard let retryAfter else { return delay(afterFailures: failures) }
        return min(max(retryAfter, .zero), maximumRetryAfter)
    }

    private func pow2(_ exponent: Double) -> Double {
        var value = 1.0
        for _ in 0..<Int(exponent) { value *= 2 }
        return value
    }
}
