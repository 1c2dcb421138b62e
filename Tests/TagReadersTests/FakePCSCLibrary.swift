import Foundation
import Synchronization
@testable import TagReaders

/// A pcscd in memory behind the ``PCSCLibrary`` seam: readers that come and go, tags placed and
/// removed, a service that stops and starts. `getStatusChange` blocks until something differs
/// from what the caller knows, as pcscd does.
final class FakePCSCLibrary: PCSCLibrary, Sendable {
    private struct World {
        var isServiceUp = true
        /// Bumped when the service stops: older contexts are dead.
        var generation = 0
        var nextContext = 1
        var contexts: [PCSCContext: Int] = [:]
        var cancelled: Set<PCSCContext> = []
        var readers: [String] = []
        var tags: [String: SimulatedTag] = [:]
        /// pcsc-lite's per-reader count of insertions and removals.
        var eventCounts: [String: UInt] = [:]
        var cards: [Int: String] = [:]
        var nextCard = 1
        var connects = 0
    }

    private let world = Mutex(World())
    private let changed = NSCondition()

    private func mutate(_ body: (inout World) -> Void) {
        world.withLock { body(&$0) }
        changed.lock()
        changed.broadcast()
        changed.unlock()
    }

    var connectCount: Int { world.withLock { $0.connects } }

    func addReader(_ name: String) { mutate { $0.readers.append(name) } }
    func removeReader(_ name: String) { mutate { $0.readers.removeAll { $0 == name }; $0.tags[name] = nil } }

    func place(_ tag: SimulatedTag, on reader: String) {
        mutate { $0.tags[reader] = tag; $0.eventCounts[reader, default: 0] += 1 }
    }

    func remove(from reader: String) {
        mutate { $0.tags[reader] = nil; $0.eventCounts[reader, default: 0] += 1 }
    }

    /// Takes a tag away and puts another on between two waits: the state stays "present".
    func swap(_ tag: SimulatedTag, on reader: String) {
        mutate { $0.tags[reader] = tag; $0.eventCounts[reader, default: 0] += 2 }
    }

    func setServiceUp(_ isUp: Bool) {
        mutate { world in
            world.isServiceUp = isUp
            if !isUp { world.generation += 1 }
        }
    }

    private static func failure(_ result: Int, _ function: String) -> TagReaderError {
        do { try check(result, function: function) } catch { return error }
        fatalError("check succeeded for \(result)")
    }

    private func live(_ context: PCSCContext, _ world: World, _ function: String) throws(TagReaderError) {
        guard world.isServiceUp, world.contexts[context] == world.generation else {
            throw Self.failure(PCSCResult.noService, function)
        }
    }

    func establishContext() throws(TagReaderError) -> PCSCContext {
        try world.withLock { world throws(TagReaderError) -> PCSCContext in
            guard world.isServiceUp else { throw Self.failure(PCSCResult.noService, "SCardEstablishContext") }
            let context = world.nextContext
            world.nextContext += 1
            world.contexts[context] = world.generation
            return context
        }
    }

    func releaseContext(_ context: PCSCContext) {
        _ = world.withLock { $0.contexts.removeValue(forKey: context) }
    }

    func listReaders(_ context: PCSCContext) throws(TagReaderError) -> [String] {
        try world.withLock { world throws(TagReaderError) -> [String] in
            try live(context, world, "SCardListReaders")
            return world.readers
        }
    }

    private func eventState(of reader: String, in world: World) -> (UInt, [UInt8]) {
        if reader == PCSCReaderState.plugAndPlayReader { return (UInt(world.readers.count) << 16, []) }
        guard world.readers.contains(reader) else { return (PCSCState.unknown, []) }
        let count = world.eventCounts[reader, default: 0] << 16
        if let tag = world.tags[reader] { return (PCSCState.present | count, SimulatedCard(tag: tag).atr) }
        return (PCSCState.empty | count, [])
    }

    func getStatusChange(_ context: PCSCContext, timeout milliseconds: UInt,
                         states: inout [PCSCReaderState]) throws(TagReaderError) -> Bool {
        let deadline = Date().addingTimeInterval(Double(milliseconds) / 1000)
        changed.lock()
        defer { changed.unlock() }
        while true {
            let snapshot = world.withLock { $0 }
            if snapshot.cancelled.contains(context) {
                _ = world.withLock { $0.cancelled.remove(context) }
                throw Self.failure(PCSCResult.cancelled, "SCardGetStatusChange")
            }
            try live(context, snapshot, "SCardGetStatusChange")
            var anyChange = false
            for index in states.indices {
                let (state, atr) = eventState(of: states[index].reader, in: snapshot)
                if state != states[index].currentState & ~PCSCState.changed {
                    states[index].eventState = state | PCSCState.changed
                    anyChange = true
                } else {
                    states[index].eventState = state
                }
                states[index].atr = atr
            }
            if anyChange { return true }
            guard changed.wait(until: deadline) else { return false }
        }
    }

    func cancel(_ context: PCSCContext) {
        mutate { _ = $0.cancelled.insert(context) }
    }

    func connect(_ context: PCSCContext, reader: String) throws(TagReaderError) -> PCSCCardHandle {
        try world.withLock { world throws(TagReaderError) -> PCSCCardHandle in
            try live(context, world, "SCardConnect")
            guard world.tags[reader] != nil else { throw Self.failure(PCSCResult.noSmartcard, "SCardConnect") }
            world.connects += 1
            let handle = world.nextCard
            world.nextCard += 1
            world.cards[handle] = reader
            return PCSCCardHandle(handle: handle, activeProtocol: 2)
        }
    }

    func transmit(_ card: PCSCCardHandle, _ command: [UInt8]) throws(TagReaderError) -> [UInt8] {
        let tag = world.withLock { world in world.cards[card.handle].flatMap { world.tags[$0] } }
        guard let tag else { throw Self.failure(PCSCResult.removedCard, "SCardTransmit") }
        // A fresh simulated card per command answers the same, as these tags keep no state.
        return try SimulatedCard(tag: tag).transmit(command)
    }

    func disconnect(_ card: PCSCCardHandle) {
        _ = world.withLock { $0.cards.removeValue(forKey: card.handle) }
    }
}
