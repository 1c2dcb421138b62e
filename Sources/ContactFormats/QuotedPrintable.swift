/// Quoted-printable (RFC 2045) as vCard 2.1 uses it; soft line breaks are already joined.
enum QuotedPrintable {
    static func decode(_ v: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        var i = 0
        let n = v.count
        while i < n {
            let c = v[i]
            if c == 0x3D, i + 2 < n {
                if let hi = hex(v[i + 1]), let lo = hex(v[i + 2]) {
                    out.append(hi << 4 | lo)
                    i += 3
                    continue
                }
            }
            // A malformed escape stays as written, so nothing is lost.
            out.append(c)
            i += 1
        }
    }

    @inline(__always)
    static func hex(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x41...0x46: return c - 0x41 + 10
        case 0x61...0x66: return c - 0x61 + 10
        default: return nil
        }
    }
}
