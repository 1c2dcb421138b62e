import CSQLite
import Leads

/// What a bulk load knows is not yet in the store, so most captures skip their two lookups
/// (content hash already captured? person already a lead?).
///
/// Per event, the 64-bit prefixes of the content hashes and hashes of the dedupe keys
/// already stored, loaded once and kept up to date as the load writes. A value not in a
/// set is certainly not in the store; one in it (or a hash collision) gets the real
/// lookup. If another connection commits in between (`PRAGMA data_version` moves), the
/// sets are dropped and loaded again.
final class BulkCaptureFilter {
    /// One event's sets. A class so a capture looks its event up once, not per question.
    final class EventSets {
        fileprivate var hashes: Set<UInt64>
        fileprivate var keys: Set<Int>

        fileprivate init(capacity: Int) {
            hashes = Set(minimumCapacity: capacity)
            keys = Set(minimumCapacity: capacity)
        }

        /// False when the content hash (its `prefix`) is certainly not stored.
        func mayHaveSeen(_ hashPrefix: UInt64) -> Bool { hashes.contains(hashPrefix) }

        /// False when no lead certainly has this dedupe key (its `hashValue`).
        func mayHaveLead(_ keyHash: Int) -> Bool { keys.contains(keyHash) }

        func stored(hashPrefix: UInt64, keyHash: Int?) {
            hashes.insert(hashPrefix)
            if let keyHash { keys.insert(keyHash) }
        }
    }

    private var events: [String: EventSets] = [:]
    /// The event asked for last (an import has one): its sets without a dictionary lookup.
    private var last: (event: String, sets: EventSets?)?
    private var dataVersion: Int?
    /// Above this many stored captures for an event, lookups are cheaper than the sets.
    static let maximumLoaded = 2_000_000

    /// Drops everything if another connection has committed since the sets were loaded.
    func revalidate(_ db: SQLiteDatabase) throws(StoreError) {
        let version = try db.prepared("PRAGMA data_version")
        defer { version.reset() }
        _ = try version.step()
        let now = version.int(0)
        if now != dataVersion {
            events.removeAll()
            last = nil
            dataVersion = now
        }
    }

    /// The event's sets, loaded on first use; nil when the event has too many captures to
    /// hold (every capture then gets the real lookups).
    func sets(for event: String, db: SQLiteDatabase) throws(StoreError) -> EventSets? {
        if let last, last.event == event { return last.sets }
        let sets = try load(event, db: db)
        last = (event, sets)
        return sets
    }

    private func load(_ event: String, db: SQLiteDatabase) throws(StoreError) -> EventSets? {
        if let loaded = events[event] { return loaded }
        let count = try db.prepared("SELECT count(*) FROM captures_seen WHERE event = ?")
        try count.bind(1, event)
        _ = try count.step()
        let stored = count.int(0) ?? 0
        count.reset()
        guard stored <= Self.maximumLoaded else { return nil }
        let sets = EventSets(capacity: stored)
        let hashes = try db.prepared("SELECT content_hash FROM captures_seen WHERE event = ?")
        try hashes.bind(1, event)
        while try hashes.step() { if let hash = hashes.text(0) { sets.hashes.insert(Self.prefix(hash)) } }
        hashes.reset()
        let keys = try db.prepared("SELECT dedupe_key FROM leads WHERE event = ? AND dedupe_key IS NOT NULL")
        try keys.bind(1, event)
        while try keys.step() { if let key = keys.text(0) { sets.keys.insert(key.hashValue) } }
        keys.reset()
        events[event] = sets
        return sets
    }

    /// The first 16 hex digits as a number (any other text hashes the usual way).
    static func prefix(_ hex: String) -> UInt64 {
        var value: UInt64 = 0
        var digits = 0
        for c in hex.utf8.prefix(16) {
            let d: UInt8
            switch c {
            case 0x30...0x39: d = c - 0x30
            case 0x61...0x66: d = c - 0x57
            default: return UInt64(bitPattern: Int64(hex.hashValue))
            }
            value = value << 4 | UInt64(d)
            digits += 1
        }
        return digits == 16 ? value : UInt64(bitPattern: Int64(hex.hashValue))
    }
}
