extension String {
    /// The text with ASCII letters lower-cased and every other character as is; the text
    /// itself, not a copy, when there is nothing to change.
    func asciiLowercased() -> String {
        withUTF8Bytes { bytes in
            guard bytes.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) else { return self }
            return String(unsafeUninitializedCapacity: bytes.count) { buffer in
                for (offset, byte) in bytes.enumerated() { buffer[offset] = byte.asciiLowercased }
                return bytes.count
            }
        }
    }

    /// The text with ASCII letters upper-cased and every other character as is.
    func asciiUppercased() -> String {
        String(decoding: utf8.map { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") ? $0 - 0x20 : $0 }, as: UTF8.self)
    }
}

extension UInt8 {
    var asciiLowercased: UInt8 {
        self >= UInt8(ascii: "A") && self <= UInt8(ascii: "Z") ? self | 0x20 : self
    }

    var isASCIIDigit: Bool { self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9") }

    var isASCIILetter: Bool {
        (self | 0x20) >= UInt8(ascii: "a") && (self | 0x20) <= UInt8(ascii: "z")
    }
}
