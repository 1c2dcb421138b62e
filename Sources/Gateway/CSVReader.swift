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
        var rows: [Row] = []
        let (separator, unterminated) = forEachRow(input, delimiter: delimiter) { rows.append($0); return true }
        return Table(delimiter: separator, rows: rows, unterminatedQuoteLine: unterminated)
    }

    /// Reads `input` a record at a time, handing each to `body` (which returns false to stop
    /// the read); returns the delimiter and the line of a quoted field left open at the end.
    /// For files read while their rows are stored (`leadgate roster import`).
    @discardableResult
    public static func forEachRow(_ input: [UInt8], delimiter: UInt8? = nil, _ body: (Row) -> Bool) -> (delimiter: UInt8, unterminatedQuoteLine: Int?) {
        var start = 0
        if input.count >= 3, input[0] == 0xEF, input[1] == 0xBB, input[2] == 0xBF { start = 3 }
        let separator = delimiter ?? Self.delimiter(of: input[start...])
        let unterminated = input.withUnsafeBufferPointer { read($0, from: start, separator: separator, body) }
        return (separator, unterminated)
    }

    /// Unquoted fields (nearly all) become strings straight from the input's bytes; only a
    /// quoted field is copied byte by byte (its doubled quotes undone).
    private static func read(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int, separator: UInt8, _ body: (Row) -> Bool) -> Int? {
        let quote = UInt8(ascii: "\""), cr: UInt8 = 0x0D, lf: UInt8 = 0x0A
        let n = buffer.count
        var fields: [String] = []
        var quoted: [UInt8] = []
        var line = 1, recordLine = 1
        var i = start
        var going = true
        func endRecord() {
            // A blank line is no record (a lone empty field).
            if !(fields.count == 1 && fields[0].isEmpty) { going = body(Row(line: recordLine, fields: fields)) }
            fields.removeAll(keepingCapacity: true)
        }
        guard start < n else { return nil }
        while going {
            // One field, from i.
            if i < n, buffer[i] == quote {
                quoted.removeAll(keepingCapacity: true)
                let openedOn = recordLine
                i += 1
                var closed = false
                while i < n {
                    let byte = buffer[i]
                    if byte == quote {
                        if i + 1 < n, buffer[i + 1] == quote { quoted.append(quote); i += 2; continue }
                        i += 1
                        closed = true
                        break
                    }
                    if byte == lf { line += 1 }
                    quoted.append(byte)
                    i += 1
                }
                guard closed else { return openedOn }
                // Text after the closing quote is kept as written, as spreadsheets do.
                while i < n, buffer[i] != separator, buffer[i] != lf, buffer[i] != cr { quoted.append(buffer[i]); i += 1 }
                fields.append(String(decoding: quoted, as: UTF8.self))
            } else {
                let fieldStart = i
                while i < n, buffer[i] != separator, buffer[i] != lf, buffer[i] != cr { i += 1 }
                fields.append(String(decoding: UnsafeBufferPointer(rebasing: buffer[fieldStart..<i]), as: UTF8.self))
            }
            // Then a separator, a line end (CR LF, LF or a lone CR) or the end of the input.
            if i >= n {
                endRecord()
                break
            }
            if buffer[i] == separator {
                i += 1
                continue
            }
            endRecord()
            if buffer[i] == cr, i + 1 < n, buffer[i + 1] == lf { i += 1 }
            i += 1
            line += 1
            recordLine = line
            if i >= n { break }
        }
        return nil
    }
}
