extension String {
    /// The trimmed text, or nil when nothing but white space is left; the text itself, not a
    /// copy, when it needed no trimming.
    func trimmedOrNil() -> String? {
        withUTF8Bytes { bytes in
            let range = bytes.trimming(0..<bytes.count)
            if range.isEmpty { return nil }
            return range.count == bytes.count ? self : String(bytes, range)
        }
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// `range` without white space at either end. ASCII is decided byte by byte; a non-ASCII
    /// scalar at an end is decoded and asked.
    func trimming(_ range: Range<Int>) -> Range<Int> {
        var low = range.lowerBound
        var high = range.upperBound
        while low < high {
            let byte = self[low]
            if byte < 0x80 {
                guard byte.isASCIISpace else { break }
                low += 1
            } else {
                let (scalar, length) = scalar(at: low)
                guard scalar.isTrimmable else { break }
                low += length
            }
        }
        while high > low {
            let byte = self[high - 1]
            if byte < 0x80 {
                guard byte.isASCIISpace else { break }
                high -= 1
            } else {
                var start = high - 1
                while start > low, self[start] & 0xC0 == 0x80 { start -= 1 }
                guard scalar(at: start).scalar.isTrimmable else { break }
                high = start
            }
        }
        return low..<high
    }

    /// The scalar that starts at `offset` and its length in bytes.
    func scalar(at offset: Int) -> (scalar: Unicode.Scalar, length: Int) {
        var iterator = UnsafeBufferPointer(rebasing: self[offset...]).makeIterator()
        var decoder = UTF8()
        // Swift strings are valid UTF-8, so decoding can't fail on their bytes.
        guard case .scalarValue(let scalar) = decoder.decode(&iterator) else { return ("\u{FFFD}", 1) }
        return (scalar, UTF8.width(scalar))
    }

    /// True when `range` holds `lowercase` but for ASCII letter case; `lowercase` is lower-case ASCII.
    func matchesASCIIIgnoringCase(_ range: Range<Int>, _ lowercase: StaticString) -> Bool {
        guard range.count == lowercase.utf8CodeUnitCount else { return false }
        return hasASCIIPrefixIgnoringCase(lowercase, at: range.lowerBound)
    }

    /// True when the bytes from `offset` start with `lowercase` but for ASCII letter case.
    func hasASCIIPrefixIgnoringCase(_ lowercase: StaticString, at offset: Int, before end: Int? = nil) -> Bool {
        let length = lowercase.utf8CodeUnitCount
        guard offset + length <= (end ?? count) else { return false }
        for index in 0..<length where self[offset + index].asciiLowercased != lowercase.utf8Start[index] {
            return false
        }
        return true
    }

    /// True when any byte in `range` is not ASCII.
    func containsNonASCII(_ range: Range<Int>) -> Bool {
        range.contains { self[$0] >= 0x80 }
    }
}

extension String {
    /// Calls `body` with the text's UTF-8 bytes: the String's own storage when it is native,
    /// as it always is on Linux, else a contiguous copy.
    func withUTF8Bytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        if let result = utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = self
        return copy.withUTF8(body)
    }

    /// The text of `range` in `bytes`; `range` starts and ends on scalar boundaries.
    init(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) {
        self = String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }
}

extension UInt8 {
    /// Space, tab, line feed, vertical tab, form feed, carriage return.
    var isASCIISpace: Bool { self == 0x20 || (0x09...0x0D).contains(self) }
}

extension Unicode.Scalar {
    var isTrimmable: Bool {
        if value < 0x80 { return UInt8(value).isASCIISpace }
        return properties.isWhitespace || value == 0xFEFF
    }
}
