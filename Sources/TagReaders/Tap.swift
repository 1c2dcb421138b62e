import ContactFormats

/// One tag's arrival on a reader, read once: its UID, kind and NDEF content.
///
/// A tag pulled away mid-read gives a tap with ``interruption`` set and ``bytesRead`` holding
/// what was read; its content is never decoded, so a half-read card never becomes a contact.
public struct Tap: Sendable {
    /// The reader's name as PC/SC gives it, such as `ACS ACR122U 00 00`.
    public var reader: String
    /// The UID from `FF CA 00 00 00`; empty if the reader could not give it.
    public var uid: [UInt8]
    public var tagType: TagType
    public var atr: [UInt8]
    /// The whole NDEF message, when the tag has one and it was read to its end.
    public var ndefMessage: [UInt8]?
    /// The NDEF message decoded into records and cards; `nil` without a whole, non-empty message.
    public var content: DecodedPayload?
    /// What could not be made of the tag's content (a malformed TLV or record), for the user.
    public var issues: [String]
    /// Why the read stopped before the content was whole; `nil` when it was read whole.
    public var interruption: TagReaderError?
    /// The tag memory read, in order: Type 2 from page 3 on, Type 4 the NDEF file from its start.
    public var bytesRead: [UInt8]
    /// The commands sent to the tag, the UID request included.
    public var commandCount: Int
    public var timings: TapTimings

    public init(reader: String, uid: [UInt8], tagType: TagType, atr: [UInt8], ndefMessage: [UInt8]? = nil,
                content: DecodedPayload? = nil, issues: [String] = [], interruption: TagReaderError? = nil,
                bytesRead: [UInt8] = [], commandCount: Int = 0, timings: TapTimings) {
        self.reader = reader
        self.uid = uid
        self.tagType = tagType
        self.atr = atr
        self.ndefMessage = ndefMessage
        self.content = content
        self.issues = issues
        self.interruption = interruption
        self.bytesRead = bytesRead
        self.commandCount = commandCount
        self.timings = timings
    }

    /// The UID as uppercase hex, as the lead's `source.tag_uid` holds it.
    public var uidHex: String { hexString(uid) }

    /// Whether the tag's content was read to its end.
    public var isComplete: Bool { interruption == nil }

    /// `ndef` when the tag held an NDEF message, `uid` when it carried only its UID.
    public var format: String { ndefMessage?.isEmpty == false ? "ndef" : "uid" }
}

/// Where a tap's time went, from the moment the reader reported the tag.
public struct TapTimings: Sendable, Hashable {
    /// When `SCardGetStatusChange` (or the simulation) reported the tag.
    public var arrival: ContinuousClock.Instant
    /// From the arrival to the decoded content.
    public var total: Duration
    /// Spent inside the reader: connecting, and every command's round trip through pcscd.
    public var readerIO: Duration
    /// Spent decoding the NDEF message into records and cards.
    public var decoding: Duration

    public init(arrival: ContinuousClock.Instant, total: Duration = .zero, readerIO: Duration = .zero,
                decoding: Duration = .zero) {
        self.arrival = arrival
        self.total = total
        self.readerIO = readerIO
        self.decoding = decoding
    }

    /// The time leadgate itself took: everything but the reader's I/O.
    public var own: Duration { total - readerIO }
}
