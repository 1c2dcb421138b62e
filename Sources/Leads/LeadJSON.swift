import Foundation

/// The lead JSON written directly, in DESIGN.md's key order.
///
/// Foundation's JSONEncoder builds a tree of boxed values first and costs tens of
/// microseconds a lead, a quarter of an import's time; this writes bytes straight out.
/// `Lead+Codable.swift` stays the reader (and an equivalent writer); a test keeps the two
/// in agreement.
public enum LeadJSON {
    public static func encode(_ lead: Lead) -> String {
        var w = JSONWriter()
        w.write(lead)
        return w.finish()
    }

    /// The same JSON as UTF-8 bytes.
    public static func encodeUTF8(_ lead: Lead) -> [UInt8] {
        var w = JSONWriter()
        w.write(lead)
        return w.bytes
    }

    public static func encode(_ contact: NormalizedContact) -> String {
        var w = JSONWriter()
        w.write(contact)
        return w.finish()
    }
}

struct JSONWriter {
    private var out: [UInt8] = []

    init() { out.reserveCapacity(2048) }

    mutating func finish() -> String { String(decoding: out, as: UTF8.self) }

    var bytes: [UInt8] { out }

    mutating func raw(_ s: StaticString) {
        out.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    mutating func key(_ s: StaticString, first: Bool = false) {
        if !first { out.append(0x2C) }
        out.append(0x22)
        raw(s)
        out.append(0x22)
        out.append(0x3A)
    }

    mutating func string(_ s: String) {
        // A native string lends its bytes without a copy (`var s = s; s.withUTF8` retained it).
        if let done: Void = s.utf8.withContiguousStorageIfAvailable({ string(utf8: $0) }) { return done }
        var s = s
        s.withUTF8 { string(utf8: $0) }
    }

    /// True if no byte needs escaping: none below 0x20, no `"` and no `\`. Eight bytes at
    /// a time (the usual "has a byte less than n / equal to c" word tricks, exact as a yes
    /// or no), as most values are long runs of plain text.
    @inline(__always) static func isClean(_ u: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = u.baseAddress else { return true }
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        var i = 0
        while i + 8 <= u.count {
            let x = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            let below = (x &- ones &* 0x20) & ~x & highs
            let quote = x ^ (ones &* 0x22), backslash = x ^ (ones &* 0x5C)
            let special = below | ((quote &- ones) & ~quote & highs) | ((backslash &- ones) & ~backslash & highs)
            if special != 0 { return false }
            i += 8
        }
        while i < u.count {
            let b = base[i]
            if b < 0x20 || b == 0x22 || b == 0x5C { return false }
            i += 1
        }
        return true
    }

    private mutating func string(utf8 u: UnsafeBufferPointer<UInt8>) {
        out.append(0x22)
        // Most values need no escaping: copy them whole.
        if Self.isClean(u) {
            out.append(contentsOf: u)
            out.append(0x22)
            return
        }
        for b in u {
            switch b {
            case 0x22: out.append(0x5C); out.append(0x22)
            case 0x5C: out.append(0x5C); out.append(0x5C)
            case 0x0A: out.append(0x5C); out.append(0x6E)
            case 0x0D: out.append(0x5C); out.append(0x72)
            case 0x09: out.append(0x5C); out.append(0x74)
            case 0x00:
                // PostgreSQL's jsonb refuses \u0000, which would dead-letter the whole lead;
                // a NUL in a text field is tag garbage, and the raw bytes keep it anyway.
                continue
            case 0..<0x20:
                out.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, SHA256.hexDigit(b >> 4), SHA256.hexDigit(b & 0xF)])
            default: out.append(b)
            }
        }
        out.append(0x22)
    }

    mutating func timestamp(_ date: Date) {
        out.append(0x22)
        Timestamp.append(date, to: &out)
        out.append(0x22)
    }

    /// Standard base64 with padding (RFC 4648 §4), written straight into the output.
    mutating func base64(_ bytes: [UInt8]) {
        out.append(0x22)
        let alphabet: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
        let a = alphabet.utf8Start
        let count = bytes.count
        let encoded = (count + 2) / 3 * 4
        let start = out.count
        out.append(contentsOf: repeatElement(0x3D, count: encoded))
        out.withUnsafeMutableBufferPointer { o in
            bytes.withUnsafeBufferPointer { b in
                var i = 0, j = start
                while i + 3 <= count {
                    let v = UInt32(b[i]) << 16 | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2])
                    o[j] = a[Int(v >> 18)]; o[j + 1] = a[Int(v >> 12 & 63)]
                    o[j + 2] = a[Int(v >> 6 & 63)]; o[j + 3] = a[Int(v & 63)]
                    i += 3; j += 4
                }
                if count - i == 1 {
                    let v = UInt32(b[i]) << 16
                    o[j] = a[Int(v >> 18)]; o[j + 1] = a[Int(v >> 12 & 63)]
                } else if count - i == 2 {
                    let v = UInt32(b[i]) << 16 | UInt32(b[i + 1]) << 8
                    o[j] = a[Int(v >> 18)]; o[j + 1] = a[Int(v >> 12 & 63)]; o[j + 2] = a[Int(v >> 6 & 63)]
                }
            }
        }
        out.append(0x22)
    }

    mutating func optional(_ s: String?) {
        if let s { string(s) } else { raw("null") }
    }

    mutating func strings(_ list: [String]) {
        out.append(0x5B)
        for (i, s) in list.enumerated() {
            if i > 0 { out.append(0x2C) }
            string(s)
        }
        out.append(0x5D)
    }

    mutating func write(_ lead: Lead) {
        out.append(0x7B)
        key("id", first: true); string(lead.id)
        key("event"); string(lead.event)
        key("rep"); string(lead.rep)
        key("captured_at"); timestamp(lead.capturedAt)
        key("source"); write(lead.source)
        key("contact"); write(lead.contact)
        key("note"); optional(lead.note)
        key("status"); string(lead.status.rawValue)
        key("owner"); string(lead.owner)
        key("tags"); strings(lead.tags)
        key("next_action")
        out.append(0x7B)
        key("action", first: true); string(lead.nextAction.action)
        key("due"); timestamp(lead.nextAction.due)
        out.append(0x7D)
        key("consent")
        if let consent = lead.consent {
            out.append(0x7B)
            key("given", first: true); raw(consent.given ? "true" : "false")
            key("text_version"); string(consent.textVersion)
            key("at"); timestamp(consent.at)
            out.append(0x7D)
        } else {
            raw("null")
        }
        key("raw"); write(lead.raw)
        key("merged_captures")
        out.append(0x5B)
        for (i, capture) in lead.mergedCaptures.enumerated() {
            if i > 0 { out.append(0x2C) }
            out.append(0x7B)
            key("captured_at", first: true); timestamp(capture.capturedAt)
            key("source"); write(capture.source)
            key("raw"); write(capture.raw)
            out.append(0x7D)
        }
        out.append(0x5D)
        out.append(0x7D)
    }

    mutating func write(_ source: LeadSource) {
        out.append(0x7B)
        key("channel", first: true); string(source.channel.rawValue)
        key("reader"); optional(source.reader)
        key("tag_uid"); optional(source.tagUID)
        key("tag_type"); optional(source.tagType)
        key("format"); string(source.format)
        key("file"); optional(source.file)
        out.append(0x7D)
    }

    mutating func write(_ raw: RawPayload) {
        out.append(0x7B)
        key("media_type", first: true); string(raw.mediaType)
        key("base64"); base64(raw.bytes)
        out.append(0x7D)
    }

    mutating func write(_ c: NormalizedContact) {
        out.append(0x7B)
        key("full_name", first: true); optional(c.fullName)
        key("given_name"); optional(c.givenName)
        key("family_name"); optional(c.familyName)
        key("organization"); optional(c.organization)
        key("title"); optional(c.title)
        key("emails"); strings(c.emails)
        key("phones")
        out.append(0x5B)
        for (i, p) in c.phones.enumerated() {
            if i > 0 { out.append(0x2C) }
            out.append(0x7B)
            key("number", first: true); string(p.number)
            key("e164"); optional(p.e164)
            key("types"); strings(p.types)
            out.append(0x7D)
        }
        out.append(0x5D)
        key("urls"); strings(c.urls)
        key("addresses"); strings(c.addresses)
        key("note"); optional(c.note)
        key("invalid_emails"); strings(c.invalidEmails)
        out.append(0x7D)
    }
}
