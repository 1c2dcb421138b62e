import Logging
import Synchronization

/// Taps without hardware: tags from files or made in code, read by the same ``TagSession`` as
/// real ones, through a simulated card that answers the same commands.
///
/// The demo and the booth layers drive it with ``place(_:on:)``, ``remove(from:)``, ``tap(_:on:)``
/// and ``play(_:on:interval:)``; readers and the service can be made to come and go.
public final class SimulatedBackend: TagReader {
    public static let defaultReaderName = "Simulated Reader 00 00"

    private struct Subscriber {
        var selection: ReaderSelection
        var continuation: AsyncStream<TagEvent>.Continuation
    }

    private struct State {
        var readers: [String]
        var tags: [String: SimulatedTag] = [:]
        var isServiceAvailable = true
        var subscribers: [Int: Subscriber] = [:]
        var nextSubscriberID = 0
    }

    public let logger: Logger
    private let state: Mutex<State>

    public init(readers: [String] = [SimulatedBackend.defaultReaderName], logger: Logger) {
        self.logger = logger
        self.state = Mutex(State(readers: readers))
    }

    public func readers() async throws(TagReaderError) -> [ReaderStatus] {
        let snapshot = state.withLock { ($0.isServiceAvailable, $0.readers, $0.tags) }
        guard snapshot.0 else { throw Self.serviceDown }
        return snapshot.1.map { name in
            let tag = snapshot.2[name]
            return ReaderStatus(name: name, isTagPresent: tag != nil, atr: tag.map { SimulatedCard(tag: $0).atr } ?? [])
        }
    }

    public func events(on selection: ReaderSelection = .all) -> AsyncStream<TagEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: TagEvent.self)
        let (id, isAvailable, readers, tags) = state.withLock { state in
            let id = state.nextSubscriberID
            state.nextSubscriberID += 1
            state.subscribers[id] = Subscriber(selection: selection, continuation: continuation)
            return (id, state.isServiceAvailable, state.readers, state.tags)
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) }
        }
        // Start as a PC/SC stream does: the service, the readers, the tags already lying there.
        guard isAvailable else {
            continuation.yield(.serviceUnavailable(Self.serviceDown))
            return stream
        }
        continuation.yield(.serviceAvailable)
        for reader in readers where selection.includes(reader, among: readers) {
            continuation.yield(.readerAdded(reader))
        }
        for reader in readers where selection.includes(reader, among: readers) {
            if let tag = tags[reader] { continuation.yield(.tap(read(tag, on: reader))) }
        }
        return stream
    }

    /// Puts a tag on a reader (the first one by default) and reads it; it stays until ``remove(from:)``.
    @discardableResult
    public func place(_ tag: SimulatedTag, on reader: String? = nil) throws(TagReaderError) -> Tap {
        let name = try state.withLock { state throws(TagReaderError) -> String in
            guard state.isServiceAvailable else { throw Self.serviceDown }
            let name = reader ?? state.readers.first ?? ""
            guard state.readers.contains(name) else {
                throw TagReaderError(.unknownReader, "no simulated reader named \(name.isEmpty ? "(none)" : name)")
            }
            state.tags[name] = tag
            return name
        }
        let tap = read(tag, on: name)
        logger.info("Tag read", metadata: [
            "pcsc.reader": "\(name)", "tag.type": "\(tap.tagType)", "tag.commands": "\(tap.commandCount)",
            "tag.complete": "\(tap.isComplete)",
        ])
        broadcast(.tap(tap), reader: name)
        return tap
    }

    /// Takes the tag off a reader (the first one by default).
    public func remove(from reader: String? = nil) {
        let removed: String? = state.withLock { state in
            let name = reader ?? state.readers.first ?? ""
            return state.tags.removeValue(forKey: name) != nil ? name : nil
        }
        if let removed { broadcast(.tagRemoved(reader: removed), reader: removed) }
    }

    /// Places a tag and takes it off again: one tap.
    @discardableResult
    public func tap(_ tag: SimulatedTag, on reader: String? = nil) throws(TagReaderError) -> Tap {
        let tap = try place(tag, on: reader)
        remove(from: tap.reader)
        return tap
    }

    /// Taps each tag in turn, `interval` apart, until done or the task is cancelled.
    public func play(_ tags: [SimulatedTag], on reader: String? = nil, interval: Duration) async throws(TagReaderError) {
        for (index, tag) in tags.enumerated() {
            if index > 0 {
                do { try await Task.sleep(for: interval) } catch { return }
            }
            try tap(tag, on: reader)
        }
    }

    public func addReader(_ name: String) {
        let added = state.withLock { state in
            guard !state.readers.contains(name) else { return false }
            state.readers.append(name)
            return state.isServiceAvailable
        }
        if added { broadcast(.readerAdded(name), reader: name) }
    }

    public func removeReader(_ name: String) {
        let removed = state.withLock { state in
            guard let index = state.readers.firstIndex(of: name) else { return false }
            state.readers.remove(at: index)
            state.tags[name] = nil
            return state.isServiceAvailable
        }
        if removed { broadcast(.readerRemoved(name), reader: name) }
    }

    /// Stops or restarts the simulated service, as pcscd stopping and coming back.
    public func setServiceAvailable(_ isAvailable: Bool) {
        let change: (changed: Bool, readers: [String]) = state.withLock { state in
            guard state.isServiceAvailable != isAvailable else { return (false, []) }
            state.isServiceAvailable = isAvailable
            if !isAvailable { state.tags = [:] }
            return (true, state.readers)
        }
        guard change.changed else { return }
        if isAvailable {
            broadcast(.serviceAvailable, reader: nil)
            for reader in change.readers { broadcast(.readerAdded(reader), reader: reader) }
        } else {
            for reader in change.readers { broadcast(.readerRemoved(reader), reader: reader) }
            broadcast(.serviceUnavailable(Self.serviceDown), reader: nil)
        }
    }

    /// Ends every event stream, as when the program shuts the backend down.
    public func finish() {
        let continuations = state.withLock { state in
            defer { state.subscribers = [:] }
            return state.subscribers.values.map(\.continuation)
        }
        continuations.forEach { $0.finish() }
    }

    private func read(_ tag: SimulatedTag, on reader: String) -> Tap {
        let card = SimulatedCard(tag: tag)
        return TagSession(reader: reader, atr: card.atr, logger: logger).read(from: card)
    }

    /// Yields outside the lock: a consumer that stops may call back into ``state``.
    private func broadcast(_ event: TagEvent, reader: String?) {
        let targets = state.withLock { state in
            state.subscribers.values.filter { subscriber in
                reader.map { subscriber.selection.includes($0, among: state.readers + [$0]) } ?? true
            }.map(\.continuation)
        }
        for continuation in targets { continuation.yield(event) }
    }

    private static let serviceDown = TagReaderError(.serviceUnavailable, "the simulated PC/SC service is stopped")
}
