/// Bytes from hex text such as `"D1 01 08"`; spaces and newlines are ignored.
func hex(_ text: String) -> [UInt8] {
    let digits = text.filter { !$0.isWhitespace }
    precondition(digits.count % 2 == 0, "odd number of hex digits in a fixture")
    var bytes: [UInt8] = []
    var index = digits.startIndex
    while index < digits.endIndex {
        let next = digits.index(index, offsetBy: 2)
        bytes.append(UInt8(digits[index ..< next], radix: 16)!)
        index = next
    }
    return bytes
}

/// The UTF-8 bytes of `text`, for building fixtures.
func ascii(_ text: String) -> [UInt8] {
    Array(text.utf8)
}
