/// Finds email addresses and phone numbers in free text, such as an NDEF Text record.
///
/// It finds, it does not guess: no name is made up from the text. Phone candidates are runs
/// of digits and phone punctuation with 7 to 15 digits, not dates; `Leads` then decides
/// through libphonenumber whether each is a real number.
public enum PlainTextScanner {
    public static func scan(_ bytes: [UInt8]) throws(ContactFormatError) -> ParsedCard {
        if bytes.contains(0) { throw ContactFormatError(.notText, offset: bytes.firstIndex(of: 0)) }
        let text = KeyValueText.decodeText(bytes)
        let emails = findEmails(text)
        let phones = findPhones(text, excluding: emails)
        guard !emails.isEmpty || !phones.isEmpty else {
            throw ContactFormatError(.noContactInText, offset: nil)
        }
        var card = ContactCard(format: .text)
        card.emails = emails.map { TypedValue($0) }
        card.phones = phones.map { TypedValue($0) }
        return ParsedCard(card: card, range: 0..<bytes.count, isTorn: false)
    }

    static func isLocalChar(_ c: Unicode.Scalar) -> Bool {
        (c.properties.isAlphabetic || c.properties.numericType != nil) || "._%+-'".unicodeScalars.contains(c)
    }

    static func isDomainChar(_ c: Unicode.Scalar) -> Bool {
        (c.properties.isAlphabetic || c.properties.numericType != nil) || c == "." || c == "-"
    }

    static func findEmails(_ text: String) -> [String] {
        let scalars = Array(text.unicodeScalars)
        var found: [String] = []
        for (at, c) in scalars.enumerated() where c == "@" {
            var s = at
            while s > 0 && isLocalChar(scalars[s - 1]) { s -= 1 }
            var e = at + 1
            while e < scalars.count && isDomainChar(scalars[e]) { e += 1 }
            while e > at + 1 && (scalars[e - 1] == "." || scalars[e - 1] == "-") { e -= 1 }
            while s < at && scalars[s] == "." { s += 1 }
            guard s < at, e > at + 1 else { continue }
            let domain = String(String.UnicodeScalarView(scalars[(at + 1)..<e]))
            guard let dot = domain.lastIndex(of: "."), domain.distance(from: dot, to: domain.endIndex) >= 3 else { continue }
            let email = String(String.UnicodeScalarView(scalars[s..<e]))
            if !found.contains(email) { found.append(email) }
        }
        return found
    }

    static func findPhones(_ text: String, excluding emails: [String]) -> [String] {
        var masked = text
        for email in emails { masked = masked.replacingAll(email, with: " ") }
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

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = self[...]
        while let range = rest.range(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        result += rest
        return result
    }
}

extension Substring {
    func range(of target: String) -> Range<Index>? {
        guard !target.isEmpty, count >= target.count else { return nil }
        var i = startIndex
        while i < endIndex {
            if self[i...].hasPrefix(target) { return i..<index(i, offsetBy: target.count) }
            i = index(after: i)
        }
        return nil
    }
}
