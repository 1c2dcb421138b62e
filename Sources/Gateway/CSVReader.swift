/// Reads CSV as RFC 4180 writes it, and as spreadsheets export it: quoted fields with
/// doubled quotes and embedded line breaks, CRLF or LF line ends, a UTF-8 byte order mark,
/// and `,` or `;` between fields (`;` is what Excel writes where `,` is the decimal comma).
/// Pure: bytes in, rows out.
public enum CSVReader {
    /// One record: the line it starts on (1-based) and its fields.
    public struct Row: Sendable, Hashable {
        public var line: Int
        public var fields: [String]
    }

    public struct Table: Sendable {
        public var delimiter: UInt8
        /// Records in order, the header first. Blank lines are skipped.
        public var rows: [Row]
        /// A quoted field still open at the end of the input: the line it started on.
        /// Its record is dropped (its end is missing, so its fields cannot be trusted).
        public var unterminatedQuoteLine: Int?
    }

    /// The delimiter of the first line outside quotes: `;` if it has more of them than `,`.
    public static func delimiter(of bytes: ArraySlice<UInt8>) -> UInt8 {
        var commas = 0, semicolons = 0, tabs = 0, quoted = false
        for byte in bytes {
            if byte == UInt8(ascii: "\"") { quoted.toggle(); continue }
            if quoted { continue }
            if byte == 0x0A || byte == 0x0D { break }
            if byte == UInt8(ascii: ",") { commas += 1 } else if byte == UInt8(ascii: ";") { semicolons += 1 } else if byte == 0x09 { tabs += 1 }
        }
        if tabs > commas && tabs > semicolons { return 0x09 }
        return semicolons > commas ? UInt8(ascii: ";") : UInt8(ascii: ",")
    }

    public static func read(_ input: [UInt8], delimiter: UInt8? = nil) -> Table {
        var start = 0
        if input.count >= 3, input[0] == 0xEF, input[1] == 0xBB, input[2] == 0xBF { start = 3 }
        let separator = delimiter ?? Self.delimiter(of: input[start...])
        var rows: [Row] = []
        var fields: [String] = []
        var field: [UInt8] = []
        field.reserveCapacity(64)
        var line = 1, recordLine = 1
        var quoted = false, wasQuoted = false
        var i = start
        let n = input.count
        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            wasQuoted = false
        }
        func endRecord() {
            endField()
            // A blank line is no record (a lone empty field that was not quoted).
            if !(fields.count == 1 && fields[0].isEmpty) { rows.append(Row(line: recordLine, fields: fields)) }
            fields.removeAll(keepingCapacity: true)
        }
        while i < n {
            let byte = input[i]
            if quoted {
                if byte == UInt8(ascii: "\"") {
                    if i + 1 < n, input[i + 1] == UInt8(ascii: "\"") {
                        field.append(byte)
                        i += 2
                        continue
                    }
                    quoted = false
                } else {
                    if byte == 0x0A { line += 1 }
                    field.append(byte)
                }
                i += 1
                continue
            }
            switch byte {
            case UInt8(ascii: "\"") where field.isEmpty && !wasQuoted:
                quoted = true
                wasQuoted = true
            case separator:
                endField()
            case 0x0D:
                // CR LF, or a lone CR (old Mac exports): one line end either way.
                endRecord()
                if i + 1 < n, input[i + 1] == 0x0A { i += 1 }
                line += 1
                recordLine = line
            case 0x0A:
                endRecord()
                line += 1
                recordLine = line
            default:
                // A quote inside an unquoted field, or text after a closing quote: kept as
                // written, as spreadsheets do.
                field.append(byte)
            }
            i += 1
        }
        if quoted {
            return Table(delimiter: separator, rows: rows, unterminatedQuoteLine: recordLine)
        }
        if !field.isEmpty || !fields.isEmpty || wasQuoted { endRecord() }
        return Table(delimiter: separator, rows: rows, unterminatedQuoteLine: nil)
    }
}
