import Synchronization

/// Recent E.164 conversions, so a number seen again costs a dictionary look-up instead of a
/// libphonenumber parse (about 10 µs, ICU regular expressions). Only for text the shim's
/// fast path does not take (tel: URIs, letters, extensions): digits and separators are
/// converted as fast as they would be looked up (`PhoneNumberNormalizer.toE164`).
///
/// Numbers repeat more than one would think: re-taps of the same card, a company's switchboard
/// on every card from its booth, re-imports of the same folder. Two generations bound the
/// memory: when the current one is full it becomes the previous one and the older is dropped,
/// which keeps recently used entries without the bookkeeping of a true LRU.
final class E164Cache: Sendable {
    struct Key: Hashable, Sendable {
        var region: String
        var text: String

        // Nearly every key of a process has the same region; hashing it too would double the
        // cost of a look-up for nothing. Equality still compares both.
        func hash(into hasher: inout Hasher) {
            hasher.combine(text)
        }
    }

    private struct State: ~Copyable {
        var current: [Key: Result<String, LeadsError>] = [:]
        var previous: [Key: Result<String, LeadsError>] = [:]
    }

    /// Entries per generation; at most twice this many are held.
    let capacity: Int
    private let state = Mutex(State())

    /// Shared by every `PhoneNumberNormalizer`, so a normalizer made per card still benefits.
    static let shared = E164Cache(capacity: 4096)

    init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
    }

    func value(for key: Key) -> Result<String, LeadsError>? {
        state.withLock { state in
            if let hit = state.current[key] { return hit }
            guard let hit = state.previous[key] else { return nil }
            insert(hit, for: key, into: &state)
            return hit
        }
    }

    func store(_ value: Result<String, LeadsError>, for key: Key) {
        state.withLock { state in insert(value, for: key, into: &state) }
    }

    private func insert(_ value: Result<String, LeadsError>, for key: Key, into state: inout State) {
        if state.current.count >= capacity {
            state.previous = state.current
            state.current = Dictionary(minimumCapacity: capacity)
        }
        state.current[key] = value
    }
}
