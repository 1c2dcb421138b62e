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

/// Writes into a buffer of its own: `Array.append` checked uniqueness and capacity and
/// ended a mutation for every byte, a third of the JSON's time.
///
/// Public for other JSON that carries contacts (`leadgate parse`): one fast writer for all.
public struct JSONWriter: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var count = 0
    private var capacity: Int

    public init() {
        capacity = 2048
        base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    mutating func finish() -> String {
        String(decoding: UnsafeBufferPointer(start: base, count: count), as: UTF8.self)
    }

    public var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// The bytes written so far, lent without a copy.
    public func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: base, count: count))
    }

    /// Forgets what was written (after it was written out), keeping the buffer.
    public mutating func removeAll() { count = 0 }

    /// `{`, `}`, `[`, `]` or `,`.
    public mutating func punctuation(_ b: UInt8) { byte(b) }

    public mutating func int(_ value: Int) {
        var digits = String(value)
        digits.withUTF8 { append($0) }
    }

    /// Room for `extra` more bytes.
    @inline(__always) private mutating func reserve(_ extra: Int) {
        if count + extra > capacity { grow(to: count + extra) }
    }

    @inline(never) private mutating func grow(to needed: Int) {
        let newCapacity = max(needed, capacity * 2)
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.initialize(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    @inline(__always) private mutating func byte(_ b: UInt8) {
        reserve(1)
        base[count] = b
        count += 1
    }

    @inline(__always) private mutating func byte(_ b: UInt8, _ c: UInt8) {
        reserve(2)
        base[count] = b
        base[count + 1] = c
        count += 2
    }

    private mutating func append(_ u: UnsafeBufferPointer<UInt8>) {
        guard let source = u.baseAddress, !u.isEmpty else { return }
        reserve(u.count)
        (base + count).initialize(from: source, count: u.count)
        count += u.count
    }

    public mutating func raw(_ s: StaticString) {
        append(UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    public mutating func key(_ s: StaticString, first: Bool = false) {
        let length = s.utf8CodeUnitCount
        reserve(length + 4)
        if !first { base[count] = 0x2C; count += 1 }
        base[count] = 0x22
        (base + count + 1).initialize(from: s.utf8Start, count: length)
        base[count + 1 + length] = 0x22
        base[count + 2 + length] = 0x3A
        count += length + 3
    }

    public mutating func string(_ s: String) {
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
        // Most values need no escaping: copy them whole.
        if Self.isClean(u) {
            reserve(u.count + 2)
            base[count] = 0x22
            if let source = u.baseAddress { (base + count + 1).initialize(from: source, count: u.count) }
            base[count + 1 + u.count] = 0x22
            count += u.count + 2
            return
        }
        byte(0x22)
        for b in u {
            switch b {
            case 0x22: byte(0x5C, 0x22)
            case 0x5C: byte(0x5C, 0x5C)
            case 0x0A: byte(0x5C, 0x6E)
            case 0x0D: byte(0x5C, 0x72)
            case 0x09: byte(0x5C, 0x74)
            case 0x00:
                // PostgreSQL's jsonb refuses \u0000, which would dead-letter the whole lead;
                // a NUL in a text field is tag garbage, and the raw bytes keep it anyway.
                continue
            case 0..<0x20:
                byte(0x5C, 0x75)
                byte(0x30, 0x30)
                byte(SHA256.hexDigit(b >> 4), SHA256.hexDigit(b & 0xF))
            default: byte(b)
            }
        }
        byte(0x22)
    }

    mutating func timestamp(_ date: Date) {
        reserve(Timestamp.length + 2)
        base[count] = 0x22
        Timestamp.write(date, to: base + count + 1)
        base[count + 1 + Timestamp.length] = 0x22
        count += Timestamp.length + 2
    }

    /// Standard base64 with padding (RFC 4648 §4), written straight into the output.
    mutating func base64(_ bytes: [UInt8]) {
        let alphabet: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
        let a = alphabet.utf8Start
        let count = bytes.count
        let encoded = (count + 2) / 3 * 4
        reserve(encoded + 2)
        let o = base + self.count + 1
        o[-1] = 0x22
        bytes.withUnsafeBufferPointer { b in
            var i = 0, j = 0
            while i + 3 <= count {
                let v = UInt32(b[i]) << 16 | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2])
                o[j] = a[Int(v >> 18)]; o[j + 1] = a[Int(v >> 12 & 63)]
                o[j + 2] = a[Int(v >> 6 & 63)]; o[j + 3] = a[Int(v & 63)]
                i += 3; j += 4
            }
            if count - i == 1 {
                let v = UInt32(b[i]) << 16
                o[j] = a[Int(v >> 18)]; o[j + 1] = a[Int(v >> 12 & 63)]; o[j + 2] = 0x3D; o[j + 3] = 0x3D
            } else if count - i == 2 {
                let v = UInt32(b[i]) << 16 | UInt32(b[i + 1]) << 8
                o[j] = a[Int(v >> 18)]; o[j + 1] = a[Int(v >> 12 & 63)]; o[j + 2] = a[Int(v >> 6 & 63)]; o[j + 3] = 0x3D
            }
        }
        o[encoded] = 0x22
        self.count += encoded + 2
    }

    public mutating func optional(_ s: String?) {
        if let s { string(s) } else { raw("null") }
    }

    public mutating func strings(_ list: [String]) {
        byte(0x5B)
        for (i, s) in list.enumerated() {
            if i > 0 { byte(0x2C) }
            string(s)
        }
        byte(0x5D)
    }

    mutating func write(_ lead: Lead) {
        byte(0x7B)
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
        byte(0x7B)
        key("action", first: true); string(lead.nextAction.action)
        key("due"); timestamp(lead.nextAction.due)
        byte(0x7D)
        key("consent")
        if let consent = lead.consent {
            byte(0x7B)
            key("given", first: true); raw(consent.given ? "true" : "false")
            key("text_version"); string(consent.textVersion)
            key("at"); timestamp(consent.at)
            byte(0x7D)
        } else {
            raw("null")
        }
        key("raw"); write(lead.raw)
        key("merged_captures")
        byte(0x5B)
        for (i, capture) in lead.mergedCaptures.enumerated() {
            if i > 0 { byte(0x2C) }
            byte(0x7B)
            key("captured_at", first: true); timestamp(capture.capturedAt)
            key("source"); write(capture.source)
            key("raw"); write(capture.raw)
            byte(0x7D)
        }
        byte(0x5D)
        if !lead.warnings.isEmpty { key("warnings"); strings(lead.warnings) }
        byte(0x7D)
    }

    mutating func write(_ source: LeadSource) {
        byte(0x7B)
        key("channel", first: true); string(source.channel.rawValue)
        key("reader"); optional(source.reader)
        key("tag_uid"); optional(source.tagUID)
        key("tag_type"); optional(source.tagType)
        key("format"); string(source.format)
        key("file"); optional(source.file)
        if let matched = source.matched {
            key("matched")
            byte(0x7B)
            key("key", first: true); string(matched.key)
            key("value"); string(matched.value)
            byte(0x7D)
        }
        byte(0x7D)
    }

    mutating func write(_ raw: RawPayload) {
        byte(0x7B)
        key("media_type", first: true); string(raw.mediaType)
        key("base64"); base64(raw.bytes)
        byte(0x7D)
    }

    public mutating func write(_ c: NormalizedContact) {
        byte(0x7B)
        key("full_name", first: true); optional(c.fullName)
        key("given_name"); optional(c.givenName)
        key("family_name"); optional(c.familyName)
        key("organization"); optional(c.organization)
        key("title"); optional(c.title)
        key("emails"); strings(c.emails)
        key("phones")
        byte(0x5B)
        for (i, p) in c.phones.enumerated() {
            if i > 0 { byte(0x2C) }
            byte(0x7B)
            key("number", first: true); string(p.number)
            key("e164"); optional(p.e164)
            key("types"); strings(p.types)
            byte(0x7D)
        }
        byte(0x5D)
        key("urls"); strings(c.urls)
        key("addresses"); strings(c.addresses)
        key("note"); optional(c.note)
        key("invalid_emails"); strings(c.invalidEmails)
        byte(0x7D)
    }
}
