import Synchronization
import TagReaders

/// Consumes a tap stream in the background and keeps every event, for a test to wait on.
final class EventRecorder: Sendable {
    private final class Log: Sendable {
        let events = Mutex<[TagEvent]>([])
    }

    private let log = Log()
    private let task: Task<Void, Never>

    init(_ stream: AsyncStream<TagEvent>) {
        let log = self.log
        task = Task {
            for await event in stream { log.events.withLock { $0.append(event) } }
        }
    }

    var events: [TagEvent] { log.events.withLock { $0 } }
    var taps: [Tap] { events.compactMap(\.tap) }

    /// Waits until `condition` holds for the events so far.
    func waitFor(_ what: String, timeout: Duration = .seconds(15),
                 _ condition: ([TagEvent]) -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while !condition(events) {
            guard ContinuousClock.now < deadline else {
                throw VirtualReaderFailure("no \(what) within \(timeout); events: \(events.map(\.summary))")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    @discardableResult
    func waitForTaps(_ count: Int, timeout: Duration = .seconds(15)) async throws -> [Tap] {
        try await waitFor("\(count) taps", timeout: timeout) { $0.compactMap(\.tap).count >= count }
        return taps
    }

    func count(_ predicate: (TagEvent) -> Bool) -> Int { events.filter(predicate).count }

    /// Ends the stream, which stops the backend's monitor thread.
    func stop() {
        task.cancel()
    }
}

extension TagEvent {
    var tap: Tap? {
        if case .tap(let tap) = self { return tap }
        return nil
    }

    var summary: String {
        switch self {
        case .serviceAvailable: "serviceAvailable"
        case .serviceUnavailable(let error): "serviceUnavailable(\(error.code))"
        case .readerAdded(let name): "readerAdded(\(name))"
        case .readerRemoved(let name): "readerRemoved(\(name))"
        case .tap(let tap): "tap(\(tap.reader), \(tap.tagType), \(tap.commandCount) commands, \(tap.interruption.map { "\($0.code)" } ?? "complete"))"
        case .tagRemoved(let reader): "tagRemoved(\(reader))"
        }
    }

    func isReaderAdded(_ name: String) -> Bool {
        if case .readerAdded(name) = self { return true }
        return false
    }

    func isReaderRemoved(_ name: String) -> Bool {
        if case .readerRemoved(name) = self { return true }
        return false
    }

    func isTagRemoved(_ name: String) -> Bool {
        if case .tagRemoved(name) = self { return true }
        return false
    }

    var isServiceAvailable: Bool {
        if case .serviceAvailable = self { return true }
        return false
    }

    var isServiceUnavailable: Bool {
        if case .serviceUnavailable = self { return true }
        return false
    }
}
