/// Reads DoCoMo MECARD (`MECARD:N:Owen,Sean;TEL:...;EMAIL:...;;`), the QR contact format.
///
/// Besides the DoCoMo fields (N, SOUND, TEL, TEL-AV, EMAIL, NOTE, BDAY, ADR, URL, NICKNAME)
/// it reads ORG and TITLE, which generators add. A single `;` terminator is accepted.
public enum MECARDParser {
    public static func parse(_ bytes: [UInt8]) throws(ContactFormatError) -> ParsedCard {
        let text = KeyValueText.decodeText(bytes)
        guard let body = KeyValueText.body(of: text, afterMarker: "MECARD:") else {
            throw ContactFormatError(.notAMECARD, offset: 0)
        }
        var card = ContactCard(format: .mecard)
        var notes: [String] = []
        for (key, value) in KeyValueText.fields(body, escapes: true) {
            switch key {
            case "N":
                let parts = value.split(separator: ",", maxSplits: 1, omittingEmptySubsequences: false)
                if parts.count == 2 {
                    let family = parts[0].trimmingSpaces(), given = parts[1].trimmingSpaces()
                    card.name = StructuredName(family: family.isEmpty ? [] : [family], given: given.isEmpty ? [] : [given])
                    card.formattedName = [given, family].filter { !$0.isEmpty }.joined(separator: " ")
                } else if card.formattedName == nil {
                    card.formattedName = value.trimmingSpaces()
                }
            case "TEL", "TEL-AV": card.phones.append(TypedValue(value.trimmingSpaces()))
            case "EMAIL": card.emails.append(TypedValue(value.trimmingSpaces()))
            case "NOTE", "MEMO": notes.append(value)
            case "BDAY": card.birthday = value
            case "ADR": card.addresses.append(PostalAddress(components: [value]))
            case "URL": card.urls.append(value.trimmingSpaces())
            case "NICKNAME": card.nickname = value
            case "ORG": card.organization = [value]
            case "TITLE": card.title = value
            default: break
            }
        }
        if !notes.isEmpty { card.note = notes.joined(separator: "\n") }
        card.phones.removeAll { $0.value.isEmpty }
        card.emails.removeAll { $0.value.isEmpty }
        return ParsedCard(card: card, range: 0..<bytes.count, isTorn: false)
    }
}

/// Reads BIZCARD (`BIZCARD:N:Sean;X:Owen;T:CTO;C:Google;A:...;B:...;M:...;F:...;E:...;;`).
public enum BIZCARDParser {
    public static func parse(_ bytes: [UInt8]) throws(ContactFormatError) -> ParsedCard {
        let text = KeyValueText.decodeText(bytes)
        guard let body = KeyValueText.body(of: text, afterMarker: "BIZCARD:") else {
            throw ContactFormatError(.notABIZCARD, offset: 0)
        }
        var card = ContactCard(format: .bizcard)
        var given = "", family = ""
        for (key, value) in KeyValueText.fields(body, escapes: true) {
            let v = value.trimmingSpaces()
            switch key {
            case "N": given = v
            case "X": family = v
            case "T": card.title = v.isEmpty ? nil : v
            case "C": card.organization = v.isEmpty ? [] : [v]
            case "A": if !v.isEmpty { card.addresses.append(PostalAddress(components: [v])) }
            case "B": if !v.isEmpty { card.phones.append(TypedValue(v, types: ["work"])) }
            case "M": if !v.isEmpty { card.phones.append(TypedValue(v, types: ["cell"])) }
            case "F": if !v.isEmpty { card.phones.append(TypedValue(v, types: ["fax"])) }
            case "E": if !v.isEmpty { card.emails.append(TypedValue(v)) }
            default: break
            }
        }
        if !given.isEmpty || !family.isEmpty {
            card.name = StructuredName(family: family.isEmpty ? [] : [family], given: given.isEmpty ? [] : [given])
            card.formattedName = [given, family].filter { !$0.isEmpty }.joined(separator: " ")
        }
        return ParsedCard(card: card, range: 0..<bytes.count, isTorn: false)
    }
}

/// Reads the KDDI/au address book format: one `KEY:value` a line, `MEMORY:`, `NAME1:`,
/// `NAME2:` (the reading), `TEL1:`-`TEL3:`, `MAIL1:`-`MAIL3:`, `ADD:`.
public enum KDDIParser {
    public static func parse(_ bytes: [UInt8]) throws(ContactFormatError) -> ParsedCard {
        let text = KeyValueText.decodeText(bytes)
        var card = ContactCard(format: .kddi)
        var found = false
        for line in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingSpaces().uppercased()
            let value = line[line.index(after: colon)...].trimmingSpaces()
            switch key {
            case "MEMORY": found = true; if !value.isEmpty { card.note = value }
            case "NAME1": found = true; if !value.isEmpty { card.formattedName = value }
            case "TEL1", "TEL2", "TEL3": found = true; if !value.isEmpty { card.phones.append(TypedValue(value)) }
            case "MAIL1", "MAIL2", "MAIL3": found = true; if !value.isEmpty { card.emails.append(TypedValue(value)) }
            case "ADD": found = true; if !value.isEmpty { card.addresses.append(PostalAddress(components: [value])) }
            default: break
            }
        }
        guard found else { throw ContactFormatError(.notAKDDICard, offset: 0) }
        return ParsedCard(card: card, range: 0..<bytes.count, isTorn: false)
    }
}

/// The `KEY:value;` syntax MECARD and BIZCARD share.
enum KeyValueText {
    /// Bytes as text: UTF-8 when valid, else Windows-1252, so no byte is dropped.
    static func decodeText(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        var start = 0
        if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { start = 3 }
        bytes.withUnsafeBufferPointer { p in
            TextDecoding.appendUTF8(UnsafeBufferPointer(rebasing: p[start...]), charset: nil, to: &out)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// What follows `marker` (case-insensitive) at the start of the text, leading space skipped.
    static func body(of text: String, afterMarker marker: String) -> Substring? {
        let trimmed = text.drop(while: { $0.isWhitespace })
        guard trimmed.count >= marker.count,
              trimmed.prefix(marker.count).uppercased() == marker else { return nil }
        return trimmed.dropFirst(marker.count)
    }

    /// `KEY:value;` pairs in order until `;;` or the end; `\;` `\:` `\,` `\\` unescaped.
    static func fields(_ body: Substring, escapes: Bool) -> [(String, String)] {
        var result: [(String, String)] = []
        var i = body.startIndex
        while i < body.endIndex {
            // Key up to ':'; an empty field (";;") ends the record.
            guard let colon = body[i...].firstIndex(of: ":") else { break }
            let key = body[i..<colon].trimmingSpaces().uppercased()
            if key.isEmpty || key.contains(";") { break }
            var value = ""
            var j = body.index(after: colon)
            while j < body.endIndex {
                let c = body[j]
                if escapes && c == "\\" {
                    let k = body.index(after: j)
                    if k < body.endIndex { value.append(body[k]); j = body.index(after: k); continue }
                }
                if c == ";" { break }
                value.append(c)
                j = body.index(after: j)
            }
            result.append((key, value))
            i = j < body.endIndex ? body.index(after: j) : j
            if i < body.endIndex && body[i] == ";" { break }
        }
        return result
    }
}
