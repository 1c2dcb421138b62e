extension AnswerToReset {
    /// The ATR a PC/SC reader would make for this tag (PC/SC part 3, as pcsc-lite's CCID
    /// readers do), so a libnfc tap is named and read by the same rules as a PC/SC one.
    ///
    /// SAK bit 0x20 is ISO 14443-4: `3B 8n 80 01` and the ATS's historical bytes. Otherwise a
    /// storage card, its card name from the SAK: 00 Ultralight/NTAG, 08 Classic 1K, 18 4K, 09 Mini.
    init(libNFCTarget target: LibNFCTarget) {
        var bytes: [UInt8]
        if target.sak & 0x20 != 0 {
            let historical = Self.historicalBytes(ofATS: target.ats)
            bytes = [0x3B, 0x80 | UInt8(historical.count), 0x80, 0x01] + historical
        } else {
            let name: [UInt8] = switch target.sak {
            case 0x00: [0x00, 0x03]
            case 0x08: [0x00, 0x01]
            case 0x18: [0x00, 0x02]
            case 0x09: [0x00, 0x26]
            default: [0xFF, 0xFF]
            }
            bytes = [0x3B, 0x8F, 0x80, 0x01, 0x80, 0x4F, 0x0C, 0xA0, 0x00, 0x00, 0x03, 0x06, 0x03] + name + [0x00, 0x00, 0x00, 0x00]
        }
        bytes.append(bytes.dropFirst().reduce(0, ^))
        self.init(bytes)
    }

    /// The ATS (length byte left out) after T0 and the interface bytes T0 announces, at most 15.
    private static func historicalBytes(ofATS ats: [UInt8]) -> [UInt8] {
        guard let t0 = ats.first else { return [] }
        var start = 1
        for bit: UInt8 in [0x10, 0x20, 0x40] where t0 & bit != 0 { start += 1 }
        guard start <= ats.count else { return [] }
        return Array(ats[start...].prefix(15))
    }
}
