/// Indents compact JSON for a terminal: two spaces a level, one member or element a line,
/// empty objects and arrays kept as `{}` and `[]`.
enum JSONIndent {
    static func indented(_ json: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(json.count * 2)
        var depth = 0
        var inString = false, escaped = false
        func newline() {
            out.append(0x0A)
            out.append(contentsOf: repeatElement(0x20, count: 2 * depth))
        }
        var i = 0
        while i < json.count {
            let c = json[i]
            i += 1
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
                out.append(c)
                if i < json.count && (json[i] == 0x7D || json[i] == 0x5D) {
                    out.append(json[i])
                    i += 1
                } else {
                    depth += 1
                    newline()
                }
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
