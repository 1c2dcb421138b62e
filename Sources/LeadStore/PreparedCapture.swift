import CSQLite
import Foundation
import Leads

/// A capture with what its new lead's rows bind laid out ahead of time, as bytes.
///
/// An import makes these on its decode threads, so the store's single writer binds bytes
/// in place: no strings to retain, no timestamps to format, no ids to make, no hashing
/// for the bulk filter. Those were a sixth of the writer's time for 100,000 cards. A tap
/// makes its own on the way in (`capture(_:)`): one insert path for every capture.
public struct PreparedCapture: Sendable {
    // The fields the store's writer reads for every capture come first, close together:
    // it reads them from memory another core wrote, a cache miss per line they span.

    /// The capture's event (the lead's own string).
    let event: String
    /// The content hash's first 64 bits and the dedupe key's hash (for `BulkCaptureFilter`).
    let hashPrefix: UInt64
    let keyHash: Int?
    /// The text fields, one after another; `ends[f]` is where field `f` ends.
    let fields: [UInt8]
    /// The lead's JSON as UTF-8.
    let leadJSON: [UInt8]
    let hasDedupeKey: Bool
    let hasNote: Bool
    let ends: SIMD16<UInt32>
    /// The capture's content hash and dedupe key (the lead's own strings).
    let contentHash: String
    let dedupeKey: String?
    /// The card's raw bytes, counted.
    public let rawByteCount: Int
    /// The candidate as given, boxed, or nil for an import's (`keepingLead: false`): its
    /// lead is freed on the decode thread that made it, and read back from `leadJSON` if
    /// it merges. Held inline, the optional candidate made every capture 600 bytes, most
    /// of them empty, that the writer's reads skipped over.
    private let kept: KeptCandidate?

    /// The candidate as given, or nil for an import's.
    public var candidate: LeadCandidate? { kept?.candidate }

    private final class KeptCandidate: Sendable {
        let candidate: LeadCandidate
        init(_ candidate: consuming LeadCandidate) { self.candidate = candidate }
    }

    enum Field: Int {
        case id, event, rep, owner, status, dueAt, capturedAt, dedupeKey, contentHash, createdEventID
    }

    /// Also makes the lead's JSON if the candidate has none yet. Without `keepingLead`, the
    /// lead goes once its JSON and row values are made: an import's decode threads free
    /// each card's strings while they are in the cache, instead of a thread that frees
    /// batches after the writer (7% of an import's CPU time), and a batch holds a third of
    /// the memory.
    public init(_ candidate: consuming LeadCandidate, keepingLead: Bool = true) {
        if candidate.leadJSON == nil { candidate.encodeJSON() }
        leadJSON = candidate.leadJSON ?? []
        rawByteCount = candidate.lead.raw.bytes.count
        // Written in place, one allocation: the two timestamps and the event id as Strings
        // first cost three more, and freeing them, per capture. The closure below sees only
        // these locals: capturing `candidate` copied all of it (a retain and a release a
        // string of its lead).
        let id = candidate.lead.id, event = candidate.lead.event, rep = candidate.lead.rep, owner = candidate.lead.owner
        let status = candidate.lead.status.rawValue, due = candidate.lead.nextAction.due, capturedAt = candidate.lead.capturedAt
        let key = candidate.dedupeKey, contentHash = candidate.contentHash
        let dedupeKey = key ?? ""
        let total = id.utf8.count + event.utf8.count + rep.utf8.count + owner.utf8.count + status.utf8.count
            + 2 * Timestamp.length + dedupeKey.utf8.count + contentHash.utf8.count + LeadID.length
        var ends = SIMD16<UInt32>()
        let fields = [UInt8](unsafeUninitializedCapacity: total) { buffer, initialized in
            let base = buffer.baseAddress!
            var offset = 0
            func add(_ value: String, _ field: Field) {
                if value.utf8.withContiguousStorageIfAvailable({ (base + offset).update(from: $0.baseAddress!, count: $0.count) }) != nil {
                    offset += value.utf8.count
                } else {
                    for byte in value.utf8 {
                        base[offset] = byte
                        offset += 1
                    }
                }
                ends[field.rawValue] = UInt32(offset)
            }
            func added(_ count: Int, _ field: Field) {
                offset += count
                ends[field.rawValue] = UInt32(offset)
            }
            add(id, .id)
            add(event, .event)
            add(rep, .rep)
            add(owner, .owner)
            add(status, .status)
            added(Timestamp.write(due, to: base + offset), .dueAt)
            added(Timestamp.write(capturedAt, to: base + offset), .capturedAt)
            add(dedupeKey, .dedupeKey)
            add(contentHash, .contentHash)
            // The created event is stamped with the capture time; its id sorts the same way.
            LeadID.write(at: capturedAt, to: base + offset)
            added(LeadID.length, .createdEventID)
            initialized = offset
        }
        self.fields = fields
        self.ends = ends
        hasDedupeKey = candidate.dedupeKey != nil
        hasNote = candidate.lead.note != nil
        hashPrefix = BulkCaptureFilter.prefix(contentHash)
        keyHash = key?.hashValue
        self.event = event
        self.contentHash = contentHash
        self.dedupeKey = key
        kept = keepingLead ? KeptCandidate(candidate) : nil
    }

    /// The bytes made ahead of time: the lead's JSON and the row values.
    public var preparedByteCount: Int { leadJSON.count + fields.count }

    /// The fields' bytes in place, for binding while the capture's buffer is held.
    struct FieldView {
        let bytes: UnsafeBufferPointer<UInt8>
        let ends: SIMD16<UInt32>

        /// Where field `field` starts, and its length.
        func text(_ field: Field) -> (start: UnsafePointer<CChar>, count: Int32) {
            let index = field.rawValue
            let start = index == 0 ? 0 : Int(ends[index - 1])
            let end = Int(ends[index])
            // An empty field still gets a valid address (a null one would bind NULL).
            let base = UnsafeRawPointer(bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!)
            return ((base + start).assumingMemoryBound(to: CChar.self), Int32(end - start))
        }
    }
}

extension SQLiteStatement {
    /// Binds a field of a prepared capture without copying it: only valid while its
    /// buffer is held, until the statement has run.
    func bind(_ index: Int32, _ fields: PreparedCapture.FieldView, _ field: PreparedCapture.Field) throws(StoreError) {
        let text = fields.text(field)
        let rc = sqlite3_bind_text(handle, index, text.start, text.count, nil)
        if rc != SQLITE_OK { try database.check(rc, function: "sqlite3_bind_text") }
    }
}
