/// Finds email addresses and phone numbers in free text, such as an NDEF Text record.
///
/// It finds, it does not guess: no name is made up from the text. Phone candidates are runs
/// of digits and phone punctuation with 7 to 15 digits, not dates; `Leads` then decides
/// through libphonenumber whether each is a real number.
public enum PlainTextScanner {
    public static func scan(_ bytes: [UInt8]) throws(ContactFormatError) -> ParsedCard {
        if bytes.contains(0) { throw ContactFormatError(.notText, offset: bytes.firstIndex(of: 0)) }
        var text = KeyValueText.decodeText(bytes)
        var budget = CardBudget()
        var emails: [String] = [], phones: [String] = []
        var seenEmails = Set<String>()
        // A piece at a time: the scans below hold four bytes a scalar and more a Character,
        // which for a 50 MB line was 900 MB. Pieces end where no email or phone can span.
        text.withUTF8 { utf8 in
            for piece in pieces(utf8, size: pieceSize) {
                let scalars = Array(String(decoding: UnsafeBufferPointer(rebasing: utf8[piece]), as: UTF8.self).unicodeScalars)
                let found = emailRanges(scalars)
                for range in found {
                    let email = String(String.UnicodeScalarView(scalars[range]))
                    guard seenEmails.insert(email).inserted else { continue }
                    if let kept = budget.admit(email, existing: emails.count) { emails.append(kept) }
                }
                // Emails masked, so their digits are not read as phone numbers.
                var masked = String.UnicodeScalarView()
                var last = 0
                for range in found where range.upperBound > last {
                    masked.append(contentsOf: scalars[last..<max(last, range.lowerBound)])
                    masked.append(" ")
                    last = range.upperBound
                }
                masked.append(contentsOf: scalars[last...])
                for phone in findPhones(String(masked)) {
                    if let kept = budget.admit(phone, existing: phones.count) { phones.append(kept) }
                }
            }
        }
        guard !emails.isEmpty || !phones.isEmpty else {
            throw ContactFormatError(.noContactInText, offset: nil)
        }
        var card = ContactCard(format: .text)
        card.emails = emails.map { TypedValue($0) }
        card.phones = phones.map { TypedValue($0) }
        return ParsedCard(card: card, range: 0..<bytes.count, isTorn: false, issues: budget.issues)
    }

    /// UTF-8 bytes scanned at once.
    static let pieceSize = 1 << 20

    /// `utf8` cut into ranges of at most `size` bytes, each ending after a byte no email or
    /// phone number holds (a line end, `,` `;` `<` ...) or after a space before a letter,
    /// so that what is found in the pieces is what the whole text holds. A piece with no
    /// such place (a megabyte without a break: no card) is cut at a character boundary.
    static func pieces(_ utf8: UnsafeBufferPointer<UInt8>, size: Int) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        while utf8.count - start > size {
            var cut = start + size
            var p = cut
            while p > start + size / 2 {
                let before = utf8[p - 1], at = utf8[p]
                if isBreak(before) || (before == 0x20 && ((at | 0x20) >= 0x61 && (at | 0x20) <= 0x7A)) { break }
                p -= 1
            }
            if p > start + size / 2 {
                cut = p
            } else {
                while cut > start + 1 && utf8[cut] & 0xC0 == 0x80 { cut -= 1 }
            }
            ranges.append(start..<cut)
            start = cut
        }
        ranges.append(start..<utf8.count)
        return ranges
    }

    /// ASCII bytes that are in no email address and no phone number run.
    static func isBreak(_ b: UInt8) -> Bool {
        switch b {
        case 0x0A, 0x0D, 0x09, 0x2C, 0x3B, 0x3A, 0x3C, 0x3E, 0x22, 0x21, 0x3F, 0x5B, 0x5D, 0x7C: return true
        default: return false
        }
    }

    static func isLocalChar(_ c: Unicode.Scalar) -> Bool {
        (c.properties.isAlphabetic || c.properties.numericType != nil) || "._%+-'".unicodeScalars.contains(c)
    }

    static func isDomainChar(_ c: Unicode.Scalar) -> Bool {
        (c.properties.isAlphabetic || c.properties.numericType != nil) || c == "." || c == "-"
    }

    /// Where the email addresses in `scalars` are, in order.
    static func emailRanges(_ scalars: [Unicode.Scalar]) -> [Range<Int>] {
        var found: [Range<Int>] = []
        for (at, c) in scalars.enumerated() where c == "@" {
            var s = at
            while s > 0 && isLocalChar(scalars[s - 1]) { s -= 1 }
            var e = at + 1
            while e < scalars.count && isDomainChar(scalars[e]) { e += 1 }
            while e > at + 1 && (scalars[e - 1] == "." || scalars[e - 1] == "-") { e -= 1 }
            while s < at && scalars[s] == "." { s += 1 }
            guard s < at, e > at + 1 else { continue }
            let domain = scalars[(at + 1)..<e]
            guard let dot = domain.lastIndex(of: "."), e - dot >= 3 else { continue }
            found.append(s..<e)
        }
        return found
    }

    static func findPhones(_ masked: String) -> [String] {
        let chars = Array(masked)
        var found: [String] = []
        var i = 0
        while i < chars.count {
            let c = chars[i]
            let startsNumber = c == "+" || c == "(" || c.isASCIIDigit
            // A number glued to letters ("ID4711234567") is a reference, not a phone.
            let afterWord = i > 0 && (chars[i - 1].isLetter || chars[i - 1].isASCIIDigit)
            guard startsNumber && !afterWord else { i += 1; continue }
            var j = i
            var digits = 0
            while j < chars.count {
                let d = chars[j]
                if d.isASCIIDigit { digits += 1 }
                else if !(d == " " || d == "-" || d == "(" || d == ")" || d == "." || d == "/" || d == "\u{00A0}" || (d == "+" && j == i)) { break }
                j += 1
            }
            var candidate = String(chars[i..<j])
            while let last = candidate.last, !(last.isASCIIDigit || last == ")") { candidate.removeLast() }
            // Glued to a letter after its last digit ("12345678XYZ"); a word after a space is fine.
            let end = i + candidate.count
            let followedByWord = end < chars.count && chars[end].isLetter
            if digits >= 7 && digits <= 15 && !followedByWord && !isDate(candidate) {
                found.append(candidate)
            }
            i = max(j, i + 1)
        }
        return found
    }

    /// 2026-12-01, 2026.12.01, 01/12/2026: numbers of the right length that are dates.
    static func isDate(_ s: String) -> Bool {
        // A date and the hour of a time ("2026-12-01 10:30" stops at the colon) is no phone either.
        let words = s.split(whereSeparator: { $0 == " " || $0 == "\u{00A0}" })
        if words.count > 1 { return words.contains { isDate(String($0)) } }
        let groups = s.split(whereSeparator: { $0 == "-" || $0 == "." || $0 == "/" })
        guard groups.count == 3, groups.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }) else { return false }
        let lengths = groups.map(\.count)
        return lengths == [4, 2, 2] || lengths == [2, 2, 4] || lengths == [4, 1, 1] || lengths == [1, 1, 4]
            || lengths == [2, 1, 4] || lengths == [1, 2, 4]
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
