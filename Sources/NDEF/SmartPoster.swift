/// The content of a well-known Smart Poster record (`Sp`): a URI with titles and hints.
///
/// The payload of a Smart Poster is itself an NDEF message holding exactly one URI record,
/// any number of Text records (the titles), and at most one each of the action (`act`),
/// size (`s`) and type (`t`) records. Icons and records this type does not read are kept,
/// in order, in ``otherRecords``.
public struct SmartPoster: Sendable, Hashable {
    /// What the poster suggests the reader do with the URI (the `act` record).
    public struct Action: RawRepresentable, Sendable, Hashable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }

        /// Do the action: open the page, send the message, call the number.
        public static let doAction = Action(rawValue: 0)
        /// Save for later, for example as a bookmark.
        public static let save = Action(rawValue: 1)
        /// Open for editing.
        public static let open = Action(rawValue: 2)
    }

    /// How many Smart Posters deep decoding goes before it gives up.
    ///
    /// A poster inside a poster is outside the specification, but one is decoded (to report it
    /// if malformed) rather than trusted, and a tag must not be able to make decoding recurse
    /// without bound.
    public static let maximumNestingDepth = 4

    public var uri: String
    public var titles: [TextPayload]
    public var action: Action?
    /// The size in bytes of what the URI refers to (the `s` record).
    public var size: UInt32?
    /// The media type of what the URI refers to (the `t` record).
    public var type: String?
    /// Icons and any other records of the poster, in order.
    public var otherRecords: [NDEFRecord]

    public init(uri: String, titles: [TextPayload] = [], action: Action? = nil, size: UInt32? = nil,
                type: String? = nil, otherRecords: [NDEFRecord] = []) {
        self.uri = uri
        self.titles = titles
        self.action = action
        self.size = size
        self.type = type
        self.otherRecords = otherRecords
    }

    /// Decodes a Smart Poster record's payload; offsets in errors are within the payload, or
    /// within a nested record's payload for errors found there.
    public init(decoding payload: some Collection<UInt8>) throws(NDEFError) {
        try self.init(payload: Array(payload), depth: 1)
    }

    init(payload: [UInt8], depth: Int) throws(NDEFError) {
        guard depth <= Self.maximumNestingDepth else {
            throw NDEFError(.nestingTooDeep, "Smart Posters are nested more than \(Self.maximumNestingDepth) deep", at: 0)
        }
        let records = try NDEFMessage.decodeRecords(payload).records
        var uri: String?
        var titles: [TextPayload] = []
        var action: Action?
        var size: UInt32?
        var type: String?
        var otherRecords: [NDEFRecord] = []
        for record in records {
            if record.isWellKnown("U") {
                guard uri == nil else { throw Self.invalid("has more than one URI record") }
                uri = try NDEFRecord.decodeURI(record.payload)
            } else if record.isWellKnown("T") {
                titles.append(try TextPayload(decoding: record.payload))
            } else if record.isWellKnown("act") {
                guard action == nil else { throw Self.invalid("has more than one action record") }
                guard record.payload.count == 1 else {
                    throw Self.invalid("action record has \(record.payload.count) bytes, not 1")
                }
                action = Action(rawValue: record.payload[0])
            } else if record.isWellKnown("s") {
                guard size == nil else { throw Self.invalid("has more than one size record") }
                guard record.payload.count == 4 else {
                    throw Self.invalid("size record has \(record.payload.count) bytes, not 4")
                }
                size = record.payload.reduce(0) { $0 << 8 | UInt32($1) }
            } else if record.isWellKnown("t") {
                guard type == nil else { throw Self.invalid("has more than one type record") }
                guard let text = String(validating: record.payload, as: UTF8.self) else {
                    throw Self.invalid("type record is not UTF-8")
                }
                type = text
            } else {
                if record.isWellKnown("Sp") {
                    _ = try SmartPoster(payload: record.payload, depth: depth + 1)
                }
                otherRecords.append(record)
            }
        }
        guard let uri else { throw Self.invalid("has no URI record") }
        self.init(uri: uri, titles: titles, action: action, size: size, type: type, otherRecords: otherRecords)
    }

    /// The payload of a Smart Poster record: URI, titles, action, size, type, then the other records.
    public func encoded() -> [UInt8] {
        var records = [NDEFRecord.uri(uri)]
        for title in titles {
            records.append(NDEFRecord(tnf: .wellKnown, type: Array("T".utf8), payload: title.encoded()))
        }
        if let action {
            records.append(NDEFRecord(tnf: .wellKnown, type: Array("act".utf8), payload: [action.rawValue]))
        }
        if let size {
            records.append(NDEFRecord(tnf: .wellKnown, type: Array("s".utf8), payload: [
                UInt8(size >> 24), UInt8(truncatingIfNeeded: size >> 16),
                UInt8(truncatingIfNeeded: size >> 8), UInt8(truncatingIfNeeded: size),
            ]))
        }
        if let type {
            records.append(NDEFRecord(tnf: .wellKnown, type: Array("t".utf8), payload: Array(type.utf8)))
        }
        records.append(contentsOf: otherRecords)
        return NDEFMessage(records: records).encoded()
    }

    private static func invalid(_ problem: String) -> NDEFError {
        NDEFError(.invalidSmartPoster, "Smart Poster \(problem)", at: nil)
    }
}
