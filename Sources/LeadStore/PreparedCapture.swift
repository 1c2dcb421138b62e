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
    public let candidate: LeadCandidate
    /// The text fields, one after another; `ends[f]` is where field `f` ends.
    let fields: [UInt8]
    let ends: SIMD16<UInt32>
    let hasDedupeKey: Bool
    let hasNote: Bool
    /// The content hash's first 64 bits and the dedupe key's hash (for `BulkCaptureFilter`).
    let hashPrefix: UInt64
    let keyHash: Int?

    enum Field: Int {
        case id, event, rep, owner, status, dueAt, capturedAt, dedupeKey, contentHash, createdEventID
    }

    /// Also makes the lead's JSON if the candidate has none yet.
    public init(_ candidate: consuming LeadCandidate) {
        var candidate = candidate
        if candidate.leadJSON == nil { candidate.encodeJSON() }
        let lead = candidate.lead
        let values: [String] = [
            lead.id, lead.event, lead.rep, lead.owner, lead.status.rawValue, Timestamp.format(lead.nextAction.due),
            Timestamp.format(lead.capturedAt), candidate.dedupeKey ?? "", candidate.contentHash,
            // The created event is stamped with the capture time; its id sorts the same way.
            LeadID.make(at: lead.capturedAt),
        ]
        var fields: [UInt8] = []
        fields.reserveCapacity(values.reduce(0) { $0 + $1.utf8.count })
        var ends = SIMD16<UInt32>()
        for (index, value) in values.enumerated() {
            fields.append(contentsOf: value.utf8)
            ends[index] = UInt32(fields.count)
        }
        self.candidate = candidate
        self.fields = fields
        self.ends = ends
        hasDedupeKey = candidate.dedupeKey != nil
        hasNote = lead.note != nil
        hashPrefix = BulkCaptureFilter.prefix(candidate.contentHash)
        keyHash = candidate.dedupeKey?.hashValue
    }

    /// The bytes made ahead of time: the lead's JSON and the row values.
    public var preparedByteCount: Int { (candidate.leadJSON?.count ?? 0) + fields.count }

    /// Where field `field` lies in `fields`.
    func range(_ field: Field) -> Range<Int> {
        let index = field.rawValue
        return (index == 0 ? 0 : Int(ends[index - 1]))..<Int(ends[index])
    }
}

extension SQLiteStatement {
    /// Binds a field of a prepared capture without copying it. Only valid while `fields`
    /// (the capture's buffer) is held, until the statement has run.
    func bind(_ index: Int32, _ field: PreparedCapture.Field, of capture: borrowing PreparedCapture,
              in fields: UnsafeBufferPointer<UInt8>) throws(StoreError) {
        let range = capture.range(field)
        let rc: Int32
        if range.isEmpty {
            rc = sqlite3_bind_text(handle, index, "", 0, nil)
        } else {
            rc = sqlite3_bind_text(handle, index, UnsafeRawPointer(fields.baseAddress! + range.lowerBound).assumingMemoryBound(to: CChar.self),
                                   Int32(range.count), nil)
        }
        if rc != SQLITE_OK { try database.check(rc, function: "sqlite3_bind_text") }
    }

    /// Binds text that lives as long as the program (a literal), without copying it.
    func bind(_ index: Int32, static text: StaticString) throws(StoreError) {
        let rc = sqlite3_bind_text(handle, index, UnsafeRawPointer(text.utf8Start).assumingMemoryBound(to: CChar.self),
                                   Int32(text.utf8CodeUnitCount), nil)
        if rc != SQLITE_OK { try database.check(rc, function: "sqlite3_bind_text") }
    }
}
