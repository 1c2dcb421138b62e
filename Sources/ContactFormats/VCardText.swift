/// Escapes and separators of vCard values, on UTF-8 bytes.
///
/// One rule for every version, because exporters mix them: `\\` `\;` `\,` `\:` stand for the
/// character, `\n` and `\N` for a line break, and any other backslash is kept as written
/// (a 2.1 card may hold `C:\path`).
enum VCardText {
    private static let backslash: UInt8 = 0x5C, semicolon: UInt8 = 0x3B, comma: UInt8 = 0x2C

    static func unescaped(_ v: UnsafeBufferPointer<UInt8>) -> String {
        guard v.contains(backslash) else { return String(decoding: v, as: UTF8.self) }
        var out = [UInt8]()
        out.reserveCapacity(v.count)
        var i = 0
        while i < v.count {
            let c = v[i]
            if c == backslash && i + 1 < v.count {
                let d = v[i + 1]
                switch d {
                case 0x6E, 0x4E: out.append(0x0A); i += 2; continue
                case backslash, semicolon, comma, 0x3A: out.append(d); i += 2; continue
                default: break
                }
            }
            out.append(c)
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func unescaped(_ v: ArraySlice<UInt8>) -> String {
        v.withUnsafeBufferPointer { unescaped($0) }
    }

    /// The value split at unescaped `;`, each part still escaped.
    static func components(_ v: UnsafeBufferPointer<UInt8>) -> [UnsafeBufferPointer<UInt8>] {
        split(v, at: semicolon)
    }

    /// A component split at unescaped `,` and unescaped.
    static func listValues(_ v: UnsafeBufferPointer<UInt8>) -> [String] {
        // Most N components are empty or one word: no list to split.
        if v.isEmpty { return [""] }
        if !v.contains(comma) { return [unescaped(v)] }
        return split(v, at: comma).map { unescaped($0) }
    }

    private static func split(_ v: UnsafeBufferPointer<UInt8>, at separator: UInt8) -> [UnsafeBufferPointer<UInt8>] {
        var parts: [UnsafeBufferPointer<UInt8>] = []
        // An ADR has seven parts: counting first makes one allocation instead of four.
        var separators = 0
        for c in v where c == separator { separators += 1 }
        parts.reserveCapacity(separators + 1)
        var start = 0
        var i = 0
        while i < v.count {
            let c = v[i]
            if c == backslash { i += 2; continue }
            if c == separator {
                parts.append(UnsafeBufferPointer(rebasing: v[start..<i]))
                start = i + 1
            }
            i += 1
        }
        parts.append(UnsafeBufferPointer(rebasing: v[min(start, v.count)..<v.count]))
        return parts
    }
}
