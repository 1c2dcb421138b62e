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

    /// Decodes `bytes` in `format`; `.text` scans for emails and phone numbers. A file may
    /// hold a MECARD or BIZCARD a line; `oneCard` reads only the first (an NDEF record is one
    /// person's, as a tag is).
    public static func decode(_ bytes: [UInt8], as format: ContactFormat, oneCard: Bool = false) throws(ContactFormatError) -> [ParsedCard] {
        switch format {
        case .vcard: return try VCardParser().parse(bytes).cards
        case .mecard: return oneCard ? [try MECARDParser.parse(bytes)] : try eachCard(bytes, marker: "MECARD:", MECARDParser.parse)
        case .bizcard: return oneCard ? [try BIZCARDParser.parse(bytes)] : try eachCard(bytes, marker: "BIZCARD:", BIZCARDParser.parse)
        case .kddi: return [try KDDIParser.parse(bytes)]
        case .text, .uri: return [try PlainTextScanner.scan(bytes)]
        }
    }

    /// A text of QR scans holds one card per line: each line that starts with `marker` begins
    /// a card (its range in `bytes`), so a file of many scans gives a contact each rather than
    /// the first one only. One card, or text in UTF-16, is parsed whole.
    static func eachCard(_ bytes: [UInt8], marker: String,
                         _ parse: ([UInt8]) throws(ContactFormatError) -> ParsedCard) throws(ContactFormatError) -> [ParsedCard] {
        let starts = cardStarts(bytes, marker: Array(marker.utf8))
        guard starts.count > 1 else { return [try parse(bytes)] }
        var cards: [ParsedCard] = []
        cards.reserveCapacity(starts.count)
        for (n, start) in starts.enumerated() {
            let end = n + 1 < starts.count ? starts[n + 1] : bytes.count
            var parsed = try parse(Array(bytes[start..<end]))
            parsed.range = start..<end
            cards.append(parsed)
        }
        return cards
    }

    /// Where each line that starts with `marker` (any case, after spaces or tabs) begins.
    static func cardStarts(_ bytes: [UInt8], marker: [UInt8]) -> [Int] {
        if bytes.count >= 2 && (bytes[0] == 0xFF && bytes[1] == 0xFE || bytes[0] == 0xFE && bytes[1] == 0xFF) { return [0] }
        var starts: [Int] = []
        var lineStart = true
        var i = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        while i < bytes.count {
            let c = bytes[i]
            if c == 0x0A || c == 0x0D { lineStart = true; i += 1; continue }
            if lineStart && (c == 0x20 || c == 0x09) { i += 1; continue }
            if lineStart && i + marker.count <= bytes.count
                && zip(bytes[i..<(i + marker.count)], marker).allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0) == $1 }) {
                // The first card keeps what comes before it (a BOM, blank lines).
                starts.append(starts.isEmpty ? 0 : i)
            }
            lineStart = false
            i += 1
        }
        return starts.isEmpty ? [0] : starts
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
