/// Indents compact JSON for a terminal: two spaces a level, one member or element a line,
/// empty objects and arrays kept as `{}` and `[]`. Fed in pieces (`indented` keeps its state
/// between calls), so a large output is indented as it is written.
struct JSONIndent {
    private var depth = 0
    private var inString = false, escaped = false
    /// An opening bracket not yet written: empty (`[]`) or not is told by the next byte.
    private var pendingOpen: UInt8?

    mutating func indented(_ json: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(json.count * 2)
        func newline() {
            out.append(0x0A)
            out.append(contentsOf: repeatElement(0x20, count: 2 * depth))
        }
        for c in json {
            if let open = pendingOpen {
                pendingOpen = nil
                out.append(open)
                if (open == 0x7B && c == 0x7D) || (open == 0x5B && c == 0x5D) {
                    out.append(c)
                    continue
                }
                depth += 1
                newline()
            }
            if inString {
                out.append(c)
                if escaped { escaped = false } else if c == 0x5C { escaped = true } else if c == 0x22 { inString = false }
                continue
            }
            switch c {
            case 0x22:
                inString = true
                out.append(c)
            case 0x7B, 0x5B:
                pendingOpen = c
            case 0x7D, 0x5D:
                depth -= 1
                newline()
                out.append(c)
            case 0x2C:
                out.append(c)
                newline()
            case 0x3A:
                out.append(c)
                out.append(0x20)
            default:
                out.append(c)
            }
        }
        return out
    }
}
