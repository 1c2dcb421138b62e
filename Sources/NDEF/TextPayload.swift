/// The content of a well-known Text record (`T`): text in a language.
public struct TextPayload: Sendable, Hashable {
    /// How the text is stored in the record.
    public enum Encoding: Sendable, Hashable {
        case utf8
        /// UTF-16; decoding honours a byte order mark and otherwise reads big-endian, encoding
        /// writes big-endian without a mark.
        case utf16
    }

    public var text: String
    /// An IANA language tag such as `en` or `de-DE`; at most 63 bytes.
    public var language: String
    public var encoding: Encoding

    public init(text: String, language: String, encoding: Encoding = .utf8) {
        self.text = text
        self.language = language
        self.encoding = encoding
    }

    /// Decodes a Text record's payload; offsets in errors are within the payload.
    public init(decoding payload: some Collection<UInt8>) throws(NDEFError) {
        let bytes = Array(payload)
        guard let status = bytes.first else {
            throw NDEFError(.invalidTextRecord, "Text record has no status byte", at: 0)
        }
        let isUTF16 = status & 0x80 != 0
        let languageLength = Int(status & 0x3F)
        guard languageLength <= bytes.count - 1 else {
            throw NDEFError(.invalidTextRecord, "Text record language code length \(languageLength) runs past the end of the payload (\(bytes.count) bytes)", at: 0)
        }
        guard let language = String(validating: bytes[1 ..< 1 + languageLength], as: UTF8.self) else {
            throw NDEFError(.invalidTextRecord, "Text record language code is not UTF-8", at: 1)
        }
        let textStart = 1 + languageLength
        let textBytes = bytes[textStart...]
        let text: String?
        if isUTF16 {
            guard textBytes.count % 2 == 0 else {
                throw NDEFError(.invalidTextRecord, "UTF-16 text of a Text record has an odd length of \(textBytes.count) bytes", at: textStart)
            }
            text = Self.decodeUTF16(textBytes)
        } else {
            text = String(validating: textBytes, as: UTF8.self)
        }
        guard let text else {
            throw NDEFError(.invalidTextRecord, "Text record text is not valid \(isUTF16 ? "UTF-16" : "UTF-8")", at: textStart)
        }
        self.init(text: text, language: language, encoding: isUTF16 ? .utf16 : .utf8)
    }

    /// The payload of a Text record holding this text.
    ///
    /// - Precondition: `language` is at most 63 bytes of UTF-8.
    public func encoded() -> [UInt8] {
        let languageBytes = Array(language.utf8)
        precondition(languageBytes.count <= 0x3F, "a Text record language code is longer than 63 bytes")
        var bytes: [UInt8] = [UInt8(languageBytes.count) | (encoding == .utf16 ? 0x80 : 0)]
        bytes.append(contentsOf: languageBytes)
        switch encoding {
        case .utf8:
            bytes.append(contentsOf: text.utf8)
        case .utf16:
            bytes.reserveCapacity(bytes.count + text.utf16.count * 2 + 2)
            // Text that starts with U+FEFF or U+FFFE would read back as a byte order mark, so
            // it gets a real one first; other text goes without, as readers default to big-endian.
            if let first = text.utf16.first, first == 0xFEFF || first == 0xFFFE {
                bytes.append(contentsOf: [0xFE, 0xFF])
            }
            for unit in text.utf16 {
                bytes.append(UInt8(unit >> 8))
                bytes.append(UInt8(truncatingIfNeeded: unit))
            }
        }
        return bytes
    }

    private static func decodeUTF16(_ bytes: ArraySlice<UInt8>) -> String? {
        var start = bytes.startIndex
        var bigEndian = true
        if bytes.count >= 2 {
            switch (bytes[start], bytes[start + 1]) {
            case (0xFE, 0xFF):
                start += 2
            case (0xFF, 0xFE):
                bigEndian = false
                start += 2
            default:
                break
            }
        }
        var units: [UInt16] = []
        units.reserveCapacity((bytes.endIndex - start) / 2)
        var index = start
        while index < bytes.endIndex {
            let high = UInt16(bytes[bigEndian ? index : index + 1])
            let low = UInt16(bytes[bigEndian ? index + 1 : index])
            units.append(high << 8 | low)
            index += 2
        }
        return String(validating: units, as: UTF16.self)
    }
}
