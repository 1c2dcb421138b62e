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
        var budget = CardBudget()
        KeyValueText.forEachField(body, escapes: true) { key, value, wasCut in
            switch key {
            case "N":
                guard let value = budget.admit(value, wasCut: wasCut) else { return }
                let parts = value.split(separator: ",", maxSplits: 1, omittingEmptySubsequences: false)
                if parts.count == 2 {
                    let family = parts[0].trimmingSpaces(), given = parts[1].trimmingSpaces()
                    card.name = StructuredName(family: family.isEmpty ? [] : [family], given: given.isEmpty ? [] : [given])
                    let joined = [given, family].filter { !$0.isEmpty }.joined(separator: " ")
                    card.formattedName = CardLimits.truncated(joined) ?? joined
                } else if card.formattedName == nil {
                    card.formattedName = value.trimmingSpaces()
                }
            case "TEL", "TEL-AV":
                let number = value.trimmingSpaces()
                guard !number.isEmpty, let number = budget.admit(number, existing: card.phones.count, wasCut: wasCut) else { return }
                card.phones.append(TypedValue(number))
            case "EMAIL":
                let address = value.trimmingSpaces()
                guard !address.isEmpty, let address = budget.admit(address, existing: card.emails.count, wasCut: wasCut) else { return }
                card.emails.append(TypedValue(address))
            case "NOTE", "MEMO":
                if let note = budget.admit(value, existing: notes.count, wasCut: wasCut) { notes.append(note) }
            case "BDAY": card.birthday = budget.admit(value, wasCut: wasCut)
            case "ADR":
                if let line = budget.admit(value, existing: card.addresses.count, wasCut: wasCut) {
                    card.addresses.append(PostalAddress(components: [line]))
                }
            case "URL":
                if let url = budget.admit(value.trimmingSpaces(), existing: card.urls.count, wasCut: wasCut) { card.urls.append(url) }
            case "NICKNAME": card.nickname = budget.admit(value, wasCut: wasCut)
            case "ORG": card.organization = budget.admit(value, wasCut: wasCut).map { [$0] } ?? []
            case "TITLE": card.title = budget.admit(value, wasCut: wasCut)
            default: break
            }
        }
        card.note = budget.joinedNote(notes)
        return ParsedCard(card: card, range: 0..<bytes.count, isTorn: false, issues: budget.issues)
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
        var budget = CardBudget()
        KeyValueText.forEachField(body, escapes: true) { key, value, wasCut in
            let v = value.trimmingSpaces()
            switch key {
            case "N": given = budget.admit(v, wasCut: wasCut) ?? ""
            case "X": family = budget.admit(v, wasCut: wasCut) ?? ""
            case "T": card.title = v.isEmpty ? nil : budget.admit(v, wasCut: wasCut)
            case "C": card.organization = v.isEmpty ? [] : budget.admit(v, wasCut: wasCut).map { [$0] } ?? []
            case "A":
                if !v.isEmpty, let v = budget.admit(v, existing: card.addresses.count, wasCut: wasCut) {
                    card.addresses.append(PostalAddress(components: [v]))
                }
            case "B", "M", "F":
                let type = key == "B" ? "work" : key == "M" ? "cell" : "fax"
                if !v.isEmpty, let v = budget.admit(v, existing: card.phones.count, wasCut: wasCut) {
                    card.phones.append(TypedValue(v, types: [type]))
                }
            case "E":
                if !v.isEmpty, let v = budget.admit(v, existing: card.emails.count, wasCut: wasCut) { card.emails.append(TypedValue(v)) }
            default: break
            }
        }
        if !given.isEmpty || !family.isEmpty {
            card.name = StructuredName(family: family.isEmpty ? [] : [family], given: given.isEmpty ? [] : [given])
            let joined = [given, family].filter { !$0.isEmpty }.joined(separator: " ")
            card.formattedName = CardLimits.truncated(joined) ?? joined
        }
        return ParsedCard(card: card, range: 0..<bytes.count, isTorn: false, issues: budget.issues)
    }
}

/// Reads the KDDI/au address book format: one `KEY:value` a line, `MEMORY:`, `NAME1:`,
/// `NAME2:` (the reading), `TEL1:`-`TEL3:`, `MAIL1:`-`MAIL3:`, `ADD:`.
public enum KDDIParser {
    public static func parse(_ bytes: [UInt8]) throws(ContactFormatError) -> ParsedCard {
        let text = KeyValueText.decodeText(bytes)
        var card = ContactCard(format: .kddi)
        var found = false
        var budget = CardBudget()
        for line in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) {
            guard let colon = line.firstIndex(of: ":"), line.distance(from: line.startIndex, to: colon) <= 64 else { continue }
            let key = line[..<colon].trimmingSpaces().uppercased()
            func value() -> String? { budget.admit(line[line.index(after: colon)...].trimmingSpaces()).flatMap { $0.isEmpty ? nil : $0 } }
            switch key {
            case "MEMORY": found = true; if let v = value() { card.note = v }
            case "NAME1": found = true; if let v = value() { card.formattedName = v }
            case "TEL1", "TEL2", "TEL3": found = true; if let v = value() { card.phones.append(TypedValue(v)) }
            case "MAIL1", "MAIL2", "MAIL3": found = true; if let v = value() { card.emails.append(TypedValue(v)) }
            case "ADD": found = true; if let v = value() { card.addresses.append(PostalAddress(components: [v])) }
            default: break
            }
        }
        guard found else { throw ContactFormatError(.notAKDDICard, offset: 0) }
        return ParsedCard(card: card, range: 0..<bytes.count, isTorn: false, issues: budget.issues)
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
        // `prefix`, not `count`: counting a 50 MB string's characters walks all of it.
        guard trimmed.prefix(marker.count).uppercased() == marker else { return nil }
        return trimmed.dropFirst(marker.count)
    }

    /// Each `KEY:value;` pair in order until `;;` or the end (`\;` `\:` `\,` `\\` unescaped),
    /// a field at a time: a value is kept up to `limit` UTF-8 bytes (the rest is stepped over;
    /// the flag says it was cut), so a 50 MB field costs no 50 MB string, nor a million
    /// fields an array of them.
    static func forEachField(_ body: Substring, escapes: Bool, limit: Int = CardLimits.maximumValueBytes,
                             _ visit: (_ key: String, _ value: String, _ wasCut: Bool) -> Void) {
        var i = body.startIndex
        while i < body.endIndex {
            // Key up to ':'; an empty field (";;") ends the record.
            guard let colon = body[i...].firstIndex(of: ":") else { break }
            let keyText = body[i..<colon]
            if keyText.contains(";") { break }
            let key = keyText.trimmingSpaces().uppercased()
            if key.isEmpty { break }
            var value = ""
            var wasCut = false
            var j = body.index(after: colon)
            while j < body.endIndex {
                var c = body[j]
                if escapes && c == "\\" {
                    let k = body.index(after: j)
                    if k < body.endIndex { c = body[k]; j = k }
                } else if c == ";" {
                    break
                }
                if value.utf8.count < limit { value.append(c) } else { wasCut = true }
                j = body.index(after: j)
            }
            visit(key, value, wasCut)
            i = j < body.endIndex ? body.index(after: j) : j
            if i < body.endIndex && body[i] == ";" { break }
        }
    }
}
