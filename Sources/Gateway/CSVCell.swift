/// One CSV cell made safe for a spreadsheet or a CRM import.
///
/// A cell a spreadsheet would run as a formula gets a leading `'` (OWASP's advice): one
/// that starts with `=`, `+`, `-`, `@`, a tab or a CR, or their fullwidth forms
/// (`＝ ＋ － ＠`, which some spreadsheets fold to ASCII), also after leading spaces or
/// no-break spaces, and also on any line after the first. A cell that is only a phone
/// number (`+`, digits, spaces, dashes, parentheses) is left as it is: the apostrophe
/// would land in the CRM's phone field, and such a cell calls no function.
enum CSVCell {
    static func encode(_ cell: String) -> String {
        var v = cell
        if needsGuard(v) { v = "'" + v }
        if v.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) {
            v = "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return v
    }

    static let triggers: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\u{FF1D}", "\u{FF0B}", "\u{FF0D}", "\u{FF20}"]

    static func needsGuard(_ cell: String) -> Bool {
        guard let first = cell.unicodeScalars.first else { return false }
        if first == "\t" || first == "\r" { return true }
        if isPhoneNumber(cell) { return false }
        var atLineStart = true
        for scalar in cell.unicodeScalars {
            if scalar == "\n" || scalar == "\r" { atLineStart = true; continue }
            guard atLineStart else { continue }
            // Spaces, tabs, no-break spaces and the like before a trigger hide it from a
            // check of the first character only; spreadsheets skip them.
            if scalar.properties.isWhitespace { continue }
            if triggers.contains(scalar) { return true }
            atLineStart = false
        }
        return false
    }

    /// `+1 (415) 555-0100`, `0049 30 1234567`: a `+` only in front, then digits, spaces,
    /// dashes and parentheses, with at least three digits.
    static func isPhoneNumber(_ cell: String) -> Bool {
        var digits = 0
        for (i, scalar) in cell.unicodeScalars.enumerated() {
            switch scalar {
            case "0"..."9": digits += 1
            case "+": if i != 0 { return false }
            case " ", "-", "(", ")": continue
            default: return false
            }
        }
        return digits >= 3
    }
}
