import Foundation

/// Turns value bytes in a declared or guessed charset into UTF-8.
///
/// UTF-8, US-ASCII, ISO-8859-1 and Windows-1252 are decoded here by hand because they
/// cover nearly every card and sit on the hot path; any other IANA name goes through
/// Foundation's converters (Shift_JIS, ISO-8859-x, KOI8-R, GB2312, Big5, EUC-JP...).
enum TextDecoding {
    enum Charset: Sendable, Equatable {
        case utf8, latin1, windows1252
        case foundation(String.Encoding)
    }

    /// The charset an IANA name (as in `CHARSET=`) stands for, or nil when unknown.
    static func charset(named name: some StringProtocol) -> Charset? {
        switch name.lowercased() {
        case "utf-8", "utf8", "us-ascii", "ascii", "ansi_x3.4-1968": return .utf8
        case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "iso_8859-1", "cp819": return .latin1
        case "windows-1252", "cp1252", "cp-1252", "x-cp1252", "ms-ansi": return .windows1252
        case "shift_jis", "shift-jis", "sjis", "x-sjis", "ms_kanji", "windows-31j", "cp932", "csshiftjis":
            return .foundation(.shiftJIS)
        case "euc-jp", "eucjp": return .foundation(.japaneseEUC)
        case "iso-2022-jp": return .foundation(.iso2022JP)
        case "iso-8859-2", "iso8859-2", "latin2": return .foundation(.isoLatin2)
        case "windows-1250", "cp1250": return .foundation(.windowsCP1250)
        case "windows-1251", "cp1251": return .foundation(.windowsCP1251)
        case "windows-1253", "cp1253": return .foundation(.windowsCP1253)
        case "windows-1254", "cp1254": return .foundation(.windowsCP1254)
        case "utf-16", "utf16": return .foundation(.utf16)
        case "utf-16be": return .foundation(.utf16BigEndian)
        case "utf-16le": return .foundation(.utf16LittleEndian)
        default: return nil
        }
    }

    /// Appends `bytes` decoded from `charset` to `out` as UTF-8.
    ///
    /// With no declared charset, valid UTF-8 is taken as is and anything else is read as
    /// Windows-1252, the charset of nearly every 8-bit vCard that does not say what it is.
    /// A declared charset that fails to decode falls back the same way, so no byte is lost.
    static func appendUTF8(_ bytes: UnsafeBufferPointer<UInt8>, charset: Charset?, to out: inout [UInt8]) {
        switch charset {
        case nil, .utf8?:
            if isASCII(bytes) || isValidUTF8(bytes) {
                out.append(contentsOf: bytes)
            } else {
                appendWindows1252(bytes, to: &out)
            }
        case .latin1?:
            for b in bytes {
                if b < 0x80 { out.append(b) } else { appendScalar(UInt32(b), to: &out) }
            }
        case .windows1252?:
            appendWindows1252(bytes, to: &out)
        case .foundation(let encoding)?:
            if isASCII(bytes) {
                out.append(contentsOf: bytes)
            } else if let s = String(data: Data(bytes), encoding: encoding) {
                out.append(contentsOf: s.utf8)
            } else {
                appendWindows1252(bytes, to: &out)
            }
        }
    }

    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for b in bytes where b >= 0x80 { return false }
        return true
    }

    static func isValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b < 0x80 { i += 1; continue }
            let length: Int
            let minimum: UInt32
            var scalar: UInt32
            if b & 0xE0 == 0xC0 { length = 2; minimum = 0x80; scalar = UInt32(b & 0x1F) }
            else if b & 0xF0 == 0xE0 { length = 3; minimum = 0x800; scalar = UInt32(b & 0x0F) }
            else if b & 0xF8 == 0xF0 { length = 4; minimum = 0x10000; scalar = UInt32(b & 0x07) }
            else { return false }
            guard i + length <= n else { return false }
            for k in 1..<length {
                let c = bytes[i + k]
                guard c & 0xC0 == 0x80 else { return false }
                scalar = scalar << 6 | UInt32(c & 0x3F)
            }
            guard scalar >= minimum, scalar <= 0x10FFFF, !(0xD800...0xDFFF).contains(scalar) else { return false }
            i += length
        }
        return true
    }

    /// Windows-1252's 0x80-0x9F; the rest of the charset is ISO-8859-1. Unassigned
    /// positions map to the C1 control of the same number, as browsers do.
    private static let windows1252High: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
        0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
    ]

    static func appendWindows1252(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        for b in bytes {
            if b < 0x80 { out.append(b) }
            else if b < 0xA0 { appendScalar(windows1252High[Int(b) - 0x80], to: &out) }
            else { appendScalar(UInt32(b), to: &out) }
        }
    }

    static func appendScalar(_ v: UInt32, to out: inout [UInt8]) {
        switch v {
        case ..<0x80: out.append(UInt8(v))
        case ..<0x800:
            out.append(UInt8(0xC0 | v >> 6)); out.append(UInt8(0x80 | v & 0x3F))
        case ..<0x10000:
            out.append(UInt8(0xE0 | v >> 12)); out.append(UInt8(0x80 | (v >> 6) & 0x3F)); out.append(UInt8(0x80 | v & 0x3F))
        default:
            out.append(UInt8(0xF0 | v >> 18)); out.append(UInt8(0x80 | (v >> 12) & 0x3F))
            out.append(UInt8(0x80 | (v >> 6) & 0x3F)); out.append(UInt8(0x80 | v & 0x3F))
        }
    }

    /// Input that starts with a UTF-16 byte order mark, as Outlook writes, re-encoded as UTF-8.
    static func utf8FromUTF16(_ bytes: [UInt8]) -> [UInt8]? {
        guard bytes.count >= 2 else { return nil }
        let littleEndian: Bool
        if bytes[0] == 0xFF && bytes[1] == 0xFE { littleEndian = true }
        else if bytes[0] == 0xFE && bytes[1] == 0xFF { littleEndian = false }
        else { return nil }
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var i = 2
        while i + 1 < bytes.count {
            units.append(littleEndian ? UInt16(bytes[i]) | UInt16(bytes[i + 1]) << 8
                                      : UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1]))
            i += 2
        }
        return Array(String(decoding: units, as: UTF16.self).utf8)
    }

    /// Offsets in the UTF-8 that `utf8FromUTF16(bytes)` makes, mapped back to offsets in `bytes`.
    ///
    /// One walk for all offsets; each code unit counts as the UTF-8 it became there (an unpaired
    /// surrogate as U+FFFD, 3 bytes). The end of the UTF-8 maps to the end of `bytes`.
    static func utf16Offsets(of utf8Offsets: [Int], in bytes: [UInt8]) -> [Int] {
        let littleEndian = bytes.count >= 2 && bytes[0] == 0xFF
        func unit(_ i: Int) -> UInt16 {
            littleEndian ? UInt16(bytes[i]) | UInt16(bytes[i + 1]) << 8 : UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1])
        }
        var mapped = [Int](repeating: bytes.count, count: utf8Offsets.count)
        var i = 2, produced = 0
        for k in utf8Offsets.indices.sorted(by: { utf8Offsets[$0] < utf8Offsets[$1] }) {
            while produced < utf8Offsets[k] && i + 1 < bytes.count {
                let u = unit(i)
                if u < 0x80 { produced += 1; i += 2 }
                else if u < 0x800 { produced += 2; i += 2 }
                else if u & 0xFC00 == 0xD800, i + 3 < bytes.count, unit(i + 2) & 0xFC00 == 0xDC00 { produced += 4; i += 4 }
                else { produced += 3; i += 2 }
            }
            mapped[k] = i + 1 < bytes.count ? i : bytes.count
        }
        return mapped
    }
}
