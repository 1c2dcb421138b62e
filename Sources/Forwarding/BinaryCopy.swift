import Foundation

/// Rows in PostgreSQL's binary COPY format: every field is length-prefixed, so text and JSON
/// go in as they are, with nothing to escape and nothing for the server to unescape.
struct BinaryCopy {
    private(set) var bytes: [UInt8] = []

    /// Seconds from 1970-01-01 to 2000-01-01, PostgreSQL's epoch for timestamps.
    private static let postgresEpoch: Double = 946_684_800

    init(reservingCapacity capacity: Int = 0) {
        bytes.reserveCapacity(capacity + 32)
        bytes.append(contentsOf: Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00])
        appendInteger(Int32(0))  // flags: no OIDs
        appendInteger(Int32(0))  // no header extension
    }

    mutating func beginRow(fieldCount: Int) {
        appendInteger(Int16(fieldCount))
    }

    /// A `bigint` field.
    mutating func append(_ value: Int64) {
        appendInteger(Int32(8))
        appendInteger(value)
    }

    /// A `text` field: the UTF-8 bytes.
    mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { utf8 in
            appendInteger(Int32(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    /// A `boolean` field.
    mutating func append(_ value: Bool) {
        appendInteger(Int32(1))
        bytes.append(value ? 1 : 0)
    }

    /// A `timestamptz` field: microseconds since 2000-01-01 UTC.
    mutating func append(_ date: Date) {
        appendInteger(Int32(8))
        appendInteger(Int64(((date.timeIntervalSince1970 - Self.postgresEpoch) * 1_000_000).rounded()))
    }

    /// The rows with the end-of-data marker.
    mutating func finish() -> [UInt8] {
        appendInteger(Int16(-1))
        return bytes
    }

    private mutating func appendInteger<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }
}
