/// An email address as a card writes it, cleaned and checked.
///
/// The check is syntactic and deliberately plain, for catching typos and OCR junk on a card,
/// not for deciding deliverability (only sending mail does that):
/// - exactly one "@", no white space or control characters anywhere;
/// - local part: 1 to 64 bytes of RFC 5322 atom characters (letters, digits and
///   ``!#$%&'*+/=?^_`{|}~-``) or non-ASCII (RFC 6531), dots allowed but not first, last or
///   doubled. Quoted local parts ("john doe"@x) are refused: no business card uses them.
/// - domain: a `HostName`: two or more labels, and no bare IP addresses.
enum EmailAddress {
    enum Outcome: Equatable {
        /// The cleaned address: local part as written, domain lower-cased.
        case valid(String)
        /// The trimmed text as written, for `invalid_emails`.
        case invalid(String)
        /// Nothing but white space: nothing to keep.
        case blank
    }

    /// Trims `text`, strips a `mailto:` prefix (and its `?subject=` query) and angle brackets
    /// (`<jane@x>`, also `Jane Doe <jane@x>`), lower-cases the domain and checks the syntax.
    static func normalize(_ text: String) -> Outcome {
        // Works on the UTF-8 bytes: every delimiter is ASCII, and Character-wise walking
        // would cost grapheme breaking at every step of a check run for every card.
        text.withUTF8Bytes { bytes in normalize(text, bytes) }
    }

    private static func normalize(_ text: String, _ bytes: UnsafeBufferPointer<UInt8>) -> Outcome {
        let trimmed = bytes.trimming(0..<bytes.count)
        if trimmed.isEmpty { return .blank }
        var candidate = trimmed
        if bytes.hasASCIIPrefixIgnoringCase("mailto:", at: candidate.lowerBound, before: candidate.upperBound) {
            let address = candidate.lowerBound + 7
            let query = candidate[address...].first { bytes[$0] == UInt8(ascii: "?") } ?? candidate.upperBound
            candidate = bytes.trimming(address..<query)
        }
        if let last = candidate.last, bytes[last] == UInt8(ascii: ">"),
           let open = candidate.dropLast().last(where: { bytes[$0] == UInt8(ascii: "<") }) {
            candidate = bytes.trimming(open + 1..<last)
        }
        guard let at = validatedAt(bytes, candidate) else {
            return .invalid(trimmed.count == bytes.count ? text : String(bytes, trimmed))
        }
        let domain = at + 1..<candidate.upperBound
        var domainIsASCII = true
        var domainIsFolded = true
        for byte in bytes[domain] {
            if byte >= 0x80 { domainIsASCII = false }
            if byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") { domainIsFolded = false }
        }
        // The common case, a clean address as written, is returned without building a new String.
        if domainIsASCII, domainIsFolded, candidate.count == bytes.count { return .valid(text) }
        // Domains are case-insensitive (RFC 1035); local parts may not be (RFC 5321), so
        // only the domain is folded.
        guard domainIsASCII else { return .valid(String(bytes, candidate.lowerBound..<at + 1) + String(bytes, domain).lowercased()) }
        return .valid(String(unsafeUninitializedCapacity: candidate.count) { buffer in
            for (offset, index) in candidate.enumerated() {
                buffer[offset] = index > at ? bytes[index].asciiLowercased : bytes[index]
            }
            return candidate.count
        })
    }

    /// The offset of the one "@" when the bytes of `candidate` pass the syntax check.
    private static func validatedAt(_ bytes: UnsafeBufferPointer<UInt8>, _ candidate: Range<Int>) -> Int? {
        guard let at = candidate.first(where: { bytes[$0] == UInt8(ascii: "@") }) else { return nil }
        guard isValidLocalPart(bytes, candidate.lowerBound..<at), HostName.isValid(bytes, at + 1..<candidate.upperBound) else {
            return nil
        }
        // Non-ASCII bytes pass the byte checks above; make sure none of them is a space
        // (no-break, ideographic) or an invisible format character.
        if bytes.containsNonASCII(candidate),
           String(bytes, candidate).unicodeScalars.contains(where: {
               $0.properties.isWhitespace || $0.properties.generalCategory == .format || $0.properties.generalCategory == .control
           }) {
            return nil
        }
        return at
    }

    private static func isValidLocalPart(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        guard !range.isEmpty, range.count <= 64,
              bytes[range.lowerBound] != UInt8(ascii: "."), bytes[range.upperBound - 1] != UInt8(ascii: ".")
        else { return false }
        var previous: UInt8 = 0
        for byte in bytes[range] {
            guard isAtomByte(byte) || byte == UInt8(ascii: ".") else { return false }
            if byte == UInt8(ascii: "."), previous == byte { return false }
            previous = byte
        }
        return true
    }

    /// RFC 5322 atext, plus any byte of a non-ASCII UTF-8 sequence (RFC 6531).
    private static func isAtomByte(_ byte: UInt8) -> Bool {
        if byte >= 0x80 || byte.isASCIILetter || byte.isASCIIDigit { return true }
        switch byte {
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
             UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "="),
             UInt8(ascii: "?"), UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "{"),
             UInt8(ascii: "|"), UInt8(ascii: "}"), UInt8(ascii: "~"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }
}
