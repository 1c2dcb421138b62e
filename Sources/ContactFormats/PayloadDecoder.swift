import NDEF

/// How to read a payload: as `leadgate parse --format` names it.
public enum PayloadFormat: String, Sendable, CaseIterable {
    /// Decide from the bytes: an NDEF message, a Type 2 image or a Type 4 NDEF file that
    /// decodes, else a card marker, else text.
    case auto
    /// An NDEF message.
    case ndef
    /// A Type 2 tag memory image from page 0.
    case type2
    /// A Type 4 NDEF file: NLEN then the message.
    case type4
    case vcard
    /// MECARD, and the BIZCARD and KDDI/au QR formats, told apart by their marker.
    case mecard
    /// Text: a card format if it starts with one, else the emails and phones in it.
    case text
}

/// Everything one payload held: its NDEF records, if any, and the cards found in it.
public struct DecodedPayload: Sendable {
    /// What the payload was read as: `ndef`, `type2`, `type4`, `vcard`, `mecard`, `bizcard`, `kddi` or `text`.
    public var format: String
    /// The NDEF message's records, chunks reassembled; empty for text payloads.
    public var records: [NDEFRecord] = []
    /// One entry per card found, in input order.
    public var contacts: [DecodedContact] = []
    /// Problems that did not stop decoding: a torn card, a record whose payload is not a card.
    public var issues: [PayloadIssue] = []
}

/// A card and where it came from inside the payload.
public struct DecodedContact: Sendable {
    public var card: ContactCard
    /// The index of the NDEF record it came from, for NDEF payloads.
    public var recordIndex: Int?
    /// The card's bytes: the whole record payload, or the card's range in a text payload.
    public var raw: [UInt8]
    /// The media type of `raw` (`text/vcard`, `text/plain`, `text/uri-list`).
    public var mediaType: String
    public var isTorn: Bool
}

/// A problem found while decoding: what, and the byte offset where it applies.
public struct PayloadIssue: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var offset: Int?
    /// A value cut or skipped to keep a card in `CardLimits`: the card was read, and is a
    /// lead, without the excess (which the raw bytes keep). A warning, not bad input.
    public var isTruncation = false

    public init(_ message: String, offset: Int?) {
        self.message = message
        self.offset = offset
    }

    init(_ error: NDEFError) { self.init(error.description, offset: nil) }
    init(_ error: ContactFormatError, base: Int = 0, context: String? = nil) {
        let prefix = context.map { "\($0): " } ?? ""
        self.init(prefix + error.code.description, offset: error.offset.map { $0 + base })
        isTruncation = error.code.isTruncation
    }

    public var description: String {
        if let offset, !message.contains("at byte") { return "\(message) at byte \(offset)" }
        return message
    }
}

/// Turns the bytes a tag or a file holds into records and cards.
public enum PayloadDecoder {
    /// The largest payload decoded: bigger than any tag's memory or any real card file.
    public static let maximumPayload = 64 << 20

    public static func decode(_ bytes: [UInt8], as format: PayloadFormat = .auto) throws(PayloadIssue) -> DecodedPayload {
        guard bytes.count <= maximumPayload else {
            throw PayloadIssue("payload of \(bytes.count) bytes is larger than the \(maximumPayload) bytes leadgate reads", offset: maximumPayload)
        }
        switch format {
        case .auto: return try decodeAuto(bytes)
        case .ndef:
            // No bytes is no message (a tag with an empty NDEF TLV is `type2`'s business).
            guard !bytes.isEmpty else { throw PayloadIssue("empty NDEF message", offset: 0) }
            return try decodeNDEF(bytes, format: "ndef")
        case .type2: return try decodeTypeTwo(bytes)
        case .type4: return try decodeTypeFour(bytes)
        case .vcard: return try decodeText(bytes, as: .vcard)
        case .mecard: return try decodeText(bytes, as: ContactDecoder.detectFormat(bytes) ?? .mecard)
        case .text: return try decodeText(bytes, as: ContactDecoder.detectFormat(bytes) ?? .text)
        }
    }

    static func decodeAuto(_ bytes: [UInt8]) throws(PayloadIssue) -> DecodedPayload {
        guard !bytes.isEmpty else { throw PayloadIssue("empty payload", offset: 0) }
        // Containers before card markers, but only when they decode: the vCard in a record
        // has BEGIN:VCARD at line starts too (a second card, an AGENT); text all but never decodes.
        var ndefFailure: PayloadIssue?
        // MB set and a TNF other than 7: the first byte of an NDEF message.
        if bytes[0] & 0x80 != 0 && bytes[0] & 0x07 != 7 {
            do { return try decodeNDEF(bytes, format: "ndef") } catch { ndefFailure = error }
        }
        if bytes.count >= 16 && bytes[12] == 0xE1 {
            if let decoded = try? decodeTypeTwo(bytes) { return decoded }
        }
        if bytes.count >= 3 && bytes[0] == 0 {
            if let decoded = try? decodeTypeFour(bytes) { return decoded }
        }
        if let format = ContactDecoder.detectFormat(bytes) { return try decodeText(bytes, as: format) }
        if looksLikeText(bytes) { return try decodeText(bytes, as: .text) }
        if let ndefFailure { throw ndefFailure }
        throw PayloadIssue("not an NDEF message, tag memory image, card or text (first byte 0x\(hex(bytes[0])))", offset: 0)
    }

    static func decodeNDEF(_ bytes: [UInt8], format: String, base: Int = 0) throws(PayloadIssue) -> DecodedPayload {
        let message: NDEFMessage
        do { message = try NDEFMessage(decoding: bytes) } catch {
            let place = base == 0 ? "" : " (the message starts at byte \(base))"
            throw PayloadIssue("NDEF\(place): \(error)", offset: error.offset.map { $0 + base })
        }
        var payload = DecodedPayload(format: format, records: message.records)
        if message.recordsLeftOut > 0 {
            var issue = PayloadIssue("NDEF message holds \(message.records.count + message.recordsLeftOut) records: the first \(NDEFMessage.maximumRecords) were read, \(message.recordsLeftOut) left out",
                                     offset: nil)
            issue.isTruncation = true
            payload.issues.append(issue)
        }
        for (index, record) in message.records.enumerated() {
            contacts(in: record, index: index, into: &payload)
        }
        return payload
    }

    static func decodeTypeTwo(_ bytes: [UInt8]) throws(PayloadIssue) -> DecodedPayload {
        let memory: TypeTwoMemory
        do { memory = try TypeTwoMemory(image: bytes) } catch {
            throw PayloadIssue("Type 2 memory: \(error)", offset: error.offset)
        }
        guard let ndef = memory.ndefMessageBytes, !ndef.isEmpty else {
            return DecodedPayload(format: "type2")
        }
        return try decodeNDEF(ndef, format: "type2")
    }

    static func decodeTypeFour(_ bytes: [UInt8]) throws(PayloadIssue) -> DecodedPayload {
        let message: [UInt8]
        do { message = try TypeFourNDEFFile(decoding: bytes).messageBytes } catch {
            throw PayloadIssue("Type 4 NDEF file: \(error)", offset: error.offset)
        }
        if message.isEmpty { return DecodedPayload(format: "type4") }
        return try decodeNDEF(message, format: "type4", base: 2)
    }

    static func decodeText(_ bytes: [UInt8], as format: ContactFormat) throws(PayloadIssue) -> DecodedPayload {
        var payload = DecodedPayload(format: format == .kddi ? "mecard" : format.rawValue)
        if format == .kddi || format == .bizcard { payload.format = format.rawValue }
        do {
            if format == .vcard {
                var result = try VCardParser().parse(bytes)
                payload.issues = result.issues.map { PayloadIssue($0) }
                // Cards are moved out last to first, each into its place (`for parsed in`
                // copied each card, a retain per string released again with the parse
                // result, and so did reversing the array to pop cards in order).
                let count = result.cards.count
                payload.contacts = [DecodedContact](unsafeUninitializedCapacity: count) { contacts, initialized in
                    var index = count
                    while let parsed = result.cards.popLast() {
                        index -= 1
                        let range = parsed.range, isTorn = parsed.isTorn
                        (contacts.baseAddress! + index).initialize(to: DecodedContact(
                            card: parsed.card, recordIndex: nil, raw: Array(bytes[range]), mediaType: "text/vcard", isTorn: isTorn))
                    }
                    initialized = count
                }
            } else {
                let cards = try ContactDecoder.decode(bytes, as: format)
                for parsed in cards {
                    payload.issues += parsed.issues.map { PayloadIssue($0) }
                    // A file of several scans: each contact keeps its own line's bytes.
                    payload.contacts.append(DecodedContact(card: parsed.card, recordIndex: nil,
                                                           raw: cards.count == 1 ? bytes : Array(bytes[parsed.range]),
                                                           mediaType: "text/plain", isTorn: false))
                }
            }
        } catch {
            // Text that holds no contact is not bad input: it yields no contact.
            if error.code == .noContactInText { return payload }
            throw PayloadIssue(error)
        }
        return payload
    }

    /// Media types whose payload is a vCard.
    static let vCardTypes: Set<String> = ["text/vcard", "text/x-vcard", "text/directory", "text/x-vcalendar-contact"]

    static func contacts(in record: NDEFRecord, index: Int, into payload: inout DecodedPayload) {
        let context = "record \(index)"
        switch record.tnf {
        case .media:
            let mediaType = record.typeName.lowercased().split(separator: ";").first.map { $0.trimmingSpaces() } ?? ""
            let format: ContactFormat?
            if vCardTypes.contains(mediaType) { format = .vcard }
            else if mediaType == "text/x-mecard" { format = .mecard }
            else if mediaType.hasPrefix("text/") { format = ContactDecoder.detectFormat(record.payload) ?? .text }
            else { format = nil }
            guard let format else { return }
            appendCards(record.payload, format: format, index: index, mediaType: mediaType, into: &payload, context: context)
        case .wellKnown:
            do {
                if let uri = try record.uri {
                    appendURI(uri, record: record, index: index, into: &payload)
                } else if let text = try record.text {
                    let bytes = Array(text.text.utf8)
                    let format = ContactDecoder.detectFormat(bytes) ?? .text
                    appendCards(bytes, format: format, index: index, mediaType: "text/plain", into: &payload, context: context)
                } else if let poster = try record.smartPoster {
                    appendURI(poster.uri, record: record, index: index, into: &payload)
                }
            } catch {
                payload.issues.append(PayloadIssue("\(context): \(error)", offset: nil))
            }
        case .absoluteURI:
            appendURI(record.typeName, record: record, index: index, into: &payload)
        default:
            break
        }
    }

    static func appendCards(_ bytes: [UInt8], format: ContactFormat, index: Int, mediaType: String,
                            into payload: inout DecodedPayload, context: String) {
        do {
            if format == .vcard {
                let result = try VCardParser().parse(bytes)
                payload.issues += result.issues.map { PayloadIssue($0, context: context) }
                for parsed in result.cards {
                    payload.contacts.append(DecodedContact(card: parsed.card, recordIndex: index, raw: bytes,
                                                           mediaType: mediaType, isTorn: parsed.isTorn))
                }
            } else {
                for parsed in try ContactDecoder.decode(bytes, as: format, oneCard: true) {
                    payload.issues += parsed.issues.map { PayloadIssue($0, context: context) }
                    payload.contacts.append(DecodedContact(card: parsed.card, recordIndex: index, raw: bytes,
                                                           mediaType: mediaType, isTorn: false))
                }
            }
        } catch {
            if error.code != .noContactInText { payload.issues.append(PayloadIssue(error, context: context)) }
        }
    }

    /// A profile link, `mailto:` or `tel:` becomes a card of its own; other schemes do not.
    static func appendURI(_ uri: String, record: NDEFRecord, index: Int, into payload: inout DecodedPayload) {
        let trimmed = uri.trimmingSpaces()
        let lower = trimmed.lowercased()
        var card = ContactCard(format: .uri)
        if lower.hasPrefix("mailto:") {
            let address = trimmed.dropFirst(7).split(separator: "?", maxSplits: 1).first.map(String.init) ?? ""
            guard !address.isEmpty else { return }
            card.emails = [TypedValue(percentDecoded(address))]
        } else if lower.hasPrefix("tel:") {
            let number = String(trimmed.dropFirst(4))
            guard !number.isEmpty else { return }
            card.phones = [TypedValue(percentDecoded(number))]
        } else if lower.hasPrefix("http://") || lower.hasPrefix("https://") {
            card.urls = [trimmed]
        } else {
            return
        }
        payload.contacts.append(DecodedContact(card: card, recordIndex: index, raw: Array(trimmed.utf8),
                                               mediaType: "text/uri-list", isTorn: false))
    }

    static func percentDecoded(_ s: String) -> String {
        guard s.contains("%") else { return s }
        var out = [UInt8]()
        let u = Array(s.utf8)
        var i = 0
        while i < u.count {
            if u[i] == 0x25, i + 2 < u.count, let hi = QuotedPrintable.hex(u[i + 1]), let lo = QuotedPrintable.hex(u[i + 2]) {
                out.append(hi << 4 | lo); i += 3
            } else { out.append(u[i]); i += 1 }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Mostly printable: no NUL, and control bytes other than tab and line ends under 2%.
    static func looksLikeText(_ bytes: [UInt8]) -> Bool {
        var controls = 0
        for b in bytes.prefix(4096) {
            if b == 0 { return false }
            if b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0D { controls += 1 }
        }
        return controls * 50 <= min(bytes.count, 4096)
    }

    static func hex(_ b: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(b >> 4)], digits[Int(b & 0xF)]])
    }
}
