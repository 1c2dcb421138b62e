/// A link from a card, kept only when it is safe and useful to show a rep.
///
/// Kept: `http`, `https`, `mailto` and `tel` (scheme compared without case, written lower-case;
/// http and https need a host after "//"). Dropped: every other scheme (`javascript:`, `file:`,
/// `data:`, `ftp:`, app schemes), text with white space or control characters inside, and
/// anything that is neither a URL nor a host name. Tag content is attacker-controlled and
/// these links end up clickable in exports, so the rule is an allow-list.
///
/// A link without a scheme that starts with a host name ("acme.example",
/// "www.acme.example/jane", "acme.example:8080/x") gets "https://": cards are full of such
/// links and people type them into browsers that way. `HostName` says what a host name is,
/// so "jane@acme.example", "localhost" and "10.0.0.1" are dropped. "//acme.example" gets "https:".
enum ContactURL {
    /// The link as it should appear in a lead, or nil when it is dropped.
    static func normalize(_ text: String) -> String? {
        // Works on the UTF-8 bytes: every delimiter is ASCII, and Character-wise walking
        // would cost grapheme breaking at every step of a check run for every card.
        text.withUTF8Bytes { bytes in normalize(text, bytes) }
    }

    private static func normalize(_ text: String, _ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        let link = bytes.trimming(0..<bytes.count)
        guard !link.isEmpty, !containsSpaceOrControl(bytes, link) else { return nil }
        if let colon = schemeEnd(bytes, link) {
            let written = link.lowerBound..<colon
            let rest = colon + 1..<link.upperBound
            let scheme: String
            if bytes.matchesASCIIIgnoringCase(written, "http") || bytes.matchesASCIIIgnoringCase(written, "https") {
                guard bytes.hasASCIIPrefixIgnoringCase("//", at: rest.lowerBound, before: rest.upperBound),
                      let host = hostPart(bytes, rest.lowerBound + 2..<rest.upperBound), !host.isEmpty
                else { return nil }
                scheme = written.count == 4 ? "http" : "https"
            } else if bytes.matchesASCIIIgnoringCase(written, "mailto") || bytes.matchesASCIIIgnoringCase(written, "tel") {
                guard !rest.isEmpty else { return nil }
                scheme = written.count == 3 ? "tel" : "mailto"
            } else {
                return nil
            }
            // The common case, a clean link as written, is returned without building a new String.
            let isLowerCase = !bytes[written].contains { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }
            if isLowerCase, link.count == bytes.count { return text }
            return scheme + ":" + String(bytes, rest)
        }
        if bytes.hasASCIIPrefixIgnoringCase("//", at: link.lowerBound, before: link.upperBound) {
            guard let host = hostPart(bytes, link.lowerBound + 2..<link.upperBound), HostName.isValid(bytes, host) else { return nil }
            return "https:" + String(bytes, link)
        }
        guard let host = hostPart(bytes, link), HostName.isValid(bytes, host) else { return nil }
        return "https://" + String(bytes, link)
    }

    /// The offset of the ":" ending an RFC 3986 scheme, or nil when the link has none.
    ///
    /// "acme.example:8080/x" has the shape of a scheme too; a dotted name followed by a port
    /// number is read as a host instead, since no allowed scheme has a dot.
    private static func schemeEnd(_ bytes: UnsafeBufferPointer<UInt8>, _ link: Range<Int>) -> Int? {
        guard bytes[link.lowerBound].isASCIILetter else { return nil }
        var sawDot = false
        for index in link.dropFirst() {
            let byte = bytes[index]
            if byte == UInt8(ascii: ":") {
                if sawDot, index + 1 < link.upperBound, bytes[index + 1].isASCIIDigit { return nil }
                return index
            }
            guard byte.isASCIILetter || byte.isASCIIDigit || byte == UInt8(ascii: "+")
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
            else { return nil }
            if byte == UInt8(ascii: ".") { sawDot = true }
        }
        return nil
    }

    /// The host of an authority-first link: up to the first "/", "?" or "#", without a ":port";
    /// nil when the port isn't digits.
    private static func hostPart(_ bytes: UnsafeBufferPointer<UInt8>, _ link: Range<Int>) -> Range<Int>? {
        let authorityEnd = link.first {
            bytes[$0] == UInt8(ascii: "/") || bytes[$0] == UInt8(ascii: "?") || bytes[$0] == UInt8(ascii: "#")
        } ?? link.upperBound
        let authority = link.lowerBound..<authorityEnd
        guard let colon = authority.last(where: { bytes[$0] == UInt8(ascii: ":") }) else { return authority }
        let port = colon + 1..<authorityEnd
        guard !port.isEmpty, bytes[port].allSatisfy(\.isASCIIDigit) else { return nil }
        return authority.lowerBound..<colon
    }

    private static func containsSpaceOrControl(_ bytes: UnsafeBufferPointer<UInt8>, _ link: Range<Int>) -> Bool {
        var nonASCII = false
        for byte in bytes[link] {
            if byte <= 0x20 || byte == 0x7F { return true }
            if byte >= 0x80 { nonASCII = true }
        }
        guard nonASCII else { return false }
        return String(bytes, link).unicodeScalars.contains {
            $0.properties.isWhitespace || $0.properties.generalCategory == .control || $0.properties.generalCategory == .format
        }
    }
}
