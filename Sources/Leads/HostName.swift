/// The syntax of a DNS host name, shared by email domains and scheme-less links.
///
/// At most 253 bytes; two or more dot-separated labels of 1 to 63 bytes each, made of letters,
/// digits, "-" or non-ASCII bytes (internationalized names as people write them); no label
/// starts or ends with "-"; the last label is not all digits, which rules out bare IPv4
/// addresses ("10.0.0.1"); no trailing dot.
enum HostName {
    static func isValid(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        guard !range.isEmpty, range.count <= 253 else { return false }
        var labels = 0
        var labelLength = 0
        var labelFirst: UInt8 = 0
        var previous: UInt8 = 0
        var labelAllDigits = true
        for byte in bytes[range] {
            if byte == UInt8(ascii: ".") {
                guard labelLength > 0, labelFirst != UInt8(ascii: "-"), previous != UInt8(ascii: "-") else { return false }
                labels += 1
                labelLength = 0
                labelAllDigits = true
            } else {
                guard byte.isASCIILetter || byte.isASCIIDigit || byte == UInt8(ascii: "-") || byte >= 0x80 else { return false }
                if labelLength == 0 { labelFirst = byte }
                labelLength += 1
                guard labelLength <= 63 else { return false }
                if !byte.isASCIIDigit { labelAllDigits = false }
            }
            previous = byte
        }
        guard labelLength > 0, labelFirst != UInt8(ascii: "-"), previous != UInt8(ascii: "-") else { return false }
        return labels >= 1 && !labelAllDigits
    }
}
