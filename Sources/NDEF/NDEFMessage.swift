/// An NDEF message: the records a tag or a phone hands over, in order.
///
/// Decoding joins chunked records, so `records` holds whole records only. For every message
/// that decoding can produce, `try NDEFMessage(decoding: m.encoded()) == m`.
///
/// An empty byte sequence decodes to a message with no records, which is what a tag with an
/// NLEN of 0 or an empty NDEF TLV holds; encoding such a message gives no bytes.
public struct NDEFMessage: Sendable, Hashable {
    /// The records, chunks joined.
    public var records: [NDEFRecord]
    /// Records past `maximumRecords` that decoding checked but did not keep.
    public var recordsLeftOut = 0

    /// The most records a decoded message keeps. A tag holds a few (an NTAG216 has 888
    /// bytes); a 48 MB file of empty 3-byte records was 16 million of them, and took 1.6 GB
    /// and 36 s to decode before this bound.
    public static let maximumRecords = 1_000

    public init(records: [NDEFRecord]) {
        self.records = records
    }

    /// Decodes a message, checking every length against the bytes present before copying
    /// anything. Records past `maximumRecords` are checked too, but only counted.
    public init(decoding bytes: some Collection<UInt8>) throws(NDEFError) {
        (records, recordsLeftOut) = try Self.decodeRecords(Array(bytes))
    }

    /// The message as bytes: short records where the payload is under 256 bytes, no chunks.
    ///
    /// - Precondition: every record is encodable: type and ID at most 255 bytes, TNF not
    ///   ``TypeNameFormat/unchanged``, and a record of TNF ``TypeNameFormat/empty`` has no
    ///   type, ID or payload. Decoded records and the builders' records always are.
    public func encoded() -> [UInt8] {
        var size = 0
        for record in records {
            size += record.encodedSize
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(size)
        for (index, record) in records.enumerated() {
            record.encode(into: &bytes, isFirst: index == 0, isLast: index == records.count - 1)
        }
        return bytes
    }
}

extension NDEFRecord {
    static let messageBegin: UInt8 = 0x80
    static let messageEnd: UInt8 = 0x40
    static let chunkFlag: UInt8 = 0x20
    static let shortRecord: UInt8 = 0x10
    static let idLengthPresent: UInt8 = 0x08

    var isShort: Bool { payload.count < 256 }

    var encodedSize: Int {
        2 + (isShort ? 1 : 4) + (id.isEmpty ? 0 : 1) + type.count + id.count + payload.count
    }

    func encode(into bytes: inout [UInt8], isFirst: Bool, isLast: Bool) {
        precondition(tnf != .unchanged, "an NDEF record cannot be encoded with TNF unchanged; chunks are made by the encoder")
        precondition(type.count <= 255 && id.count <= 255, "an NDEF record type or ID is longer than 255 bytes")
        precondition(payload.count <= Int(UInt32.max), "an NDEF record payload is longer than 4 GiB")
        precondition(tnf != .empty || (type.isEmpty && id.isEmpty && payload.isEmpty), "an empty NDEF record has content")
        var header = tnf.rawValue
        if isFirst { header |= Self.messageBegin }
        if isLast { header |= Self.messageEnd }
        if isShort { header |= Self.shortRecord }
        if !id.isEmpty { header |= Self.idLengthPresent }
        bytes.append(header)
        bytes.append(UInt8(type.count))
        if isShort {
            bytes.append(UInt8(payload.count))
        } else {
            let length = UInt32(payload.count)
            bytes.append(contentsOf: [UInt8(length >> 24), UInt8(truncatingIfNeeded: length >> 16),
                                      UInt8(truncatingIfNeeded: length >> 8), UInt8(truncatingIfNeeded: length)])
        }
        if !id.isEmpty { bytes.append(UInt8(id.count)) }
        bytes.append(contentsOf: type)
        bytes.append(contentsOf: id)
        bytes.append(contentsOf: payload)
    }
}
