@testable import ContactFormats

/// Builds test inputs from readable literals.
enum Fixture {
    /// `text` as UTF-8 with every `\n` replaced by `lineEnd`, so one literal serves every line end.
    static func bytes(_ text: String, lineEnd: String = "\r\n") -> [UInt8] {
        var out: [UInt8] = []
        for byte in text.utf8 {
            if byte == 0x0A { out.append(contentsOf: lineEnd.utf8) } else { out.append(byte) }
        }
        return out
    }

    /// Text (its `\n` made CR LF) with raw bytes spliced in: `spliced("FN:M", [0xFC], "ller\n")`.
    static func spliced(_ parts: Any...) -> [UInt8] {
        var out: [UInt8] = []
        for part in parts {
            switch part {
            case let text as String: out.append(contentsOf: bytes(text))
            case let raw as [UInt8]: out.append(contentsOf: raw)
            // An array literal of bytes passed as `Any` arrives as [Int].
            case let raw as [Int]: out.append(contentsOf: raw.map { UInt8($0) })
            default: fatalError("Fixture.spliced takes String and [UInt8] parts")
            }
        }
        return out
    }

    /// `text` as UTF-16 with a byte order mark, CR LF line ends.
    static func utf16(_ text: String, littleEndian: Bool) -> [UInt8] {
        var out: [UInt8] = littleEndian ? [0xFF, 0xFE] : [0xFE, 0xFF]
        for unit in String(decoding: bytes(text), as: UTF8.self).utf16 {
            let high = UInt8(unit >> 8), low = UInt8(truncatingIfNeeded: unit)
            out.append(contentsOf: littleEndian ? [low, high] : [high, low])
        }
        return out
    }

    /// Parses `text` (CR LF line ends) and returns its result.
    static func parse(_ text: String, lineEnd: String = "\r\n", parser: VCardParser = VCardParser()) throws -> VCardParseResult {
        try parser.parse(bytes(text, lineEnd: lineEnd))
    }

    /// The only card of `text`, which must parse to exactly one.
    static func card(_ text: String, lineEnd: String = "\r\n") throws -> ContactCard {
        try card(bytes(text, lineEnd: lineEnd))
    }

    static func card(_ input: [UInt8]) throws -> ContactCard {
        let result = try VCardParser().parse(input)
        guard result.cards.count == 1 else { throw FixtureError.cardCount(result.cards.count) }
        return result.cards[0].card
    }

    enum FixtureError: Error { case cardCount(Int) }
}
