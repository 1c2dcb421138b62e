/// Chooses the card format of a text payload and decodes it.
public enum ContactDecoder {
    /// The text card format `bytes` start with, by its marker: `BEGIN:VCARD`, `MECARD:`,
    /// `BIZCARD:`, or the KDDI/au `MEMORY:`/`NAME1:` lines. Nil for anything else.
    public static func detectFormat(_ bytes: [UInt8]) -> ContactFormat? {
        var start = 0
        if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { start = 3 }
        if bytes.count >= 2 && (bytes[0] == 0xFF && bytes[1] == 0xFE || bytes[0] == 0xFE && bytes[1] == 0xFF) {
            return TextDecoding.utf8FromUTF16(bytes).flatMap(detectFormat)
        }
        while start < bytes.count && (bytes[start] == 0x20 || bytes[start] == 0x09 || bytes[start] == 0x0D || bytes[start] == 0x0A) {
            start += 1
        }
        let head = bytes[start..<min(bytes.count, start + 64)].map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }
        func starts(_ marker: String) -> Bool { head.starts(with: marker.utf8) }
        if starts("MECARD:") { return .mecard }
        if starts("BIZCARD:") { return .bizcard }
        if starts("MEMORY:") || starts("NAME1:") { return .kddi }
        if containsVCardBegin(bytes[start...]) { return .vcard }
        return nil
    }

    /// Decodes `bytes` in `format`; `.text` scans for emails and phone numbers.
    public static func decode(_ bytes: [UInt8], as format: ContactFormat) throws(ContactFormatError) -> [ParsedCard] {
        switch format {
        case .vcard: return try VCardParser().parse(bytes).cards
        case .mecard: return [try MECARDParser.parse(bytes)]
        case .bizcard: return [try BIZCARDParser.parse(bytes)]
        case .kddi: return [try KDDIParser.parse(bytes)]
        case .text, .uri: return [try PlainTextScanner.scan(bytes)]
        }
    }

    /// A `BEGIN:VCARD` at the start of a line (a group prefix such as `home.` allowed).
    static func containsVCardBegin(_ bytes: ArraySlice<UInt8>) -> Bool {
        let marker = Array("BEGIN:VCARD".utf8)
        var lineStart = true
        var i = bytes.startIndex
        // Only the first 64 KiB: a card that starts later is not a card file.
        let end = min(bytes.endIndex, bytes.startIndex + 65_536)
        while i < end {
            let c = bytes[i]
            if c == 0x0A || c == 0x0D { lineStart = true; i += 1; continue }
            if lineStart {
                // Skip a group prefix "name.".
                var j = i
                while j < end, bytes[j] != 0x3A, bytes[j] != 0x0A, bytes[j] != 0x0D, bytes[j] != 0x2E, j - i < 64 { j += 1 }
                let from = (j < end && bytes[j] == 0x2E) ? j + 1 : i
                if from + marker.count <= bytes.endIndex {
                    var match = true
                    for k in 0..<marker.count {
                        var b = bytes[from + k]
                        if b >= 0x61 && b <= 0x7A { b -= 0x20 }
                        if b != marker[k] { match = false; break }
                    }
                    if match { return true }
                }
                lineStart = false
            }
            i += 1
        }
        return false
    }
}
