/// Bytes as uppercase hex without separators, as UIDs and ATRs are written in leads and logs.
func hexString(_ bytes: [UInt8]) -> String {
    let digits: [UInt8] = Array("0123456789ABCDEF".utf8)
    var text: [UInt8] = []
    text.reserveCapacity(bytes.count * 2)
    for byte in bytes {
        text.append(digits[Int(byte >> 4)])
        text.append(digits[Int(byte & 0x0F)])
    }
    return String(decoding: text, as: UTF8.self)
}
