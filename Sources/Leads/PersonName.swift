import ContactFormats

/// A person's given and family names, for the lead's `given_name` and `family_name`.
struct PersonName: Hashable, Sendable {
    var given: String?
    var family: String?

    init(given: String?, family: String?) {
        self.given = given
        self.family = family
    }

    /// The names of a vCard N, several values of one component joined with spaces; nil when
    /// N has neither a given nor a family name (`N:;;;;`), so the full name is split instead.
    init?(structured name: StructuredName) {
        given = Self.joined(name.given)
        family = Self.joined(name.family)
        if given == nil && family == nil { return nil }
    }

    /// Splits a name written on one line (FN, MECARD, free text), the way a person reads it.
    ///
    /// - "Doe, Jane" is family first; parts after the comma that are only suffixes are not:
    ///   "Jane Doe, PhD" is "Jane" "Doe".
    /// - Honorifics (Mr, Mrs, Ms, Miss, Mx, Dr, Prof) lead and suffixes (Jr, Sr, II, III, IV,
    ///   PhD, MD, Esq) trail, with or without a dot, and are left out of both parts; the full
    ///   name keeps them.
    /// - The last word is the family name, with the particles just before it ("van der Berg",
    ///   "da Silva", "de la Cruz"); everything before them is the given name, middle names
    ///   included, since the lead has no field for them.
    /// - One word is a given name only. Words are separated by any white space, and put back
    ///   together with single spaces.
    init(splitting fullName: String) {
        // Works on the UTF-8 bytes: this runs for every card without N, and Character-wise
        // splitting costs grapheme breaking and a String per word.
        self = fullName.withUTF8Bytes { Self.split($0) }
    }

    private static func split(_ bytes: UnsafeBufferPointer<UInt8>) -> PersonName {
        let whole = 0..<bytes.count
        if whole.contains(where: { bytes[$0] == UInt8(ascii: ",") }) {
            let parts = commaParts(bytes, whole)
            if parts.count >= 2 {
                return PersonName(
                    given: joined(bytes, stripped(bytes, words(bytes, parts[1]))),
                    family: joined(bytes, stripped(bytes, words(bytes, parts[0])))
                )
            }
            return split(bytes, words: stripped(bytes, words(bytes, parts.first ?? 0..<0)))
        }
        return split(bytes, words: stripped(bytes, words(bytes, whole)))
    }

    private static func split(_ bytes: UnsafeBufferPointer<UInt8>, words: ArraySlice<Range<Int>>) -> PersonName {
        guard words.count > 1 else { return PersonName(given: joined(bytes, words), family: nil) }
        var familyStart = words.endIndex - 1
        while familyStart > words.startIndex + 1, isParticle(bytes, words[familyStart - 1]) { familyStart -= 1 }
        return PersonName(given: joined(bytes, words[..<familyStart]), family: joined(bytes, words[familyStart...]))
    }

    /// The comma-separated parts that hold words, less the ones after the first that hold
    /// only suffixes ("Jane Doe, Jr., PhD").
    private static func commaParts(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> [Range<Int>] {
        var parts: [Range<Int>] = []
        var start = range.lowerBound
        for index in range where bytes[index] == UInt8(ascii: ",") || index == range.upperBound - 1 {
            let end = bytes[index] == UInt8(ascii: ",") ? index : index + 1
            let part = bytes.trimming(start..<end)
            start = index + 1
            guard !part.isEmpty else { continue }
            if !parts.isEmpty, words(bytes, part).allSatisfy({ isSuffix(bytes, $0) }) { continue }
            parts.append(part)
        }
        return parts
    }

    /// The byte ranges of the words in `range`, split at white space.
    private static func words(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> [Range<Int>] {
        var words: [Range<Int>] = []
        var index = range.lowerBound
        var wordStart: Int?
        while index < range.upperBound {
            let byte = bytes[index]
            let (isSpace, length) =
                byte < 0x80 ? (byte.isASCIISpace, 1) : { let (scalar, length) = bytes.scalar(at: index); return (scalar.isTrimmable, length) }()
            if isSpace {
                if let start = wordStart { words.append(start..<index) }
                wordStart = nil
            } else if wordStart == nil {
                wordStart = index
            }
            index += length
        }
        if let start = wordStart { words.append(start..<range.upperBound) }
        return words
    }

    /// The words without leading honorifics and trailing suffixes, unless that leaves none:
    /// someone may well be called "Prof" on a badge.
    private static func stripped(_ bytes: UnsafeBufferPointer<UInt8>, _ words: [Range<Int>]) -> ArraySlice<Range<Int>> {
        var start = words.startIndex
        var end = words.endIndex
        while end - start > 1, isHonorific(bytes, words[start]) { start += 1 }
        while end - start > 1, isSuffix(bytes, words[end - 1]) { end -= 1 }
        return words[start..<end]
    }

    /// The words with single spaces between them, or nil when there are none.
    private static func joined(_ bytes: UnsafeBufferPointer<UInt8>, _ words: ArraySlice<Range<Int>>) -> String? {
        guard let first = words.first else { return nil }
        if words.count == 1 { return String(bytes, first) }
        let length = words.reduce(words.count - 1) { $0 + $1.count }
        return String(unsafeUninitializedCapacity: length) { buffer in
            var offset = 0
            for word in words {
                if offset > 0 {
                    buffer[offset] = UInt8(ascii: " ")
                    offset += 1
                }
                for index in word {
                    buffer[offset] = bytes[index]
                    offset += 1
                }
            }
            return offset
        }
    }

    private static func joined(_ values: [String]) -> String? {
        if values.count == 1 { return values[0].trimmedOrNil() }
        let words = values.compactMap { $0.trimmedOrNil() }
        return words.isEmpty ? nil : words.joined(separator: " ")
    }

    // Words are compared as a key of up to eight lower-cased ASCII letters, dots and commas
    // left out ("Ph.D.," -> "phd"), so no String is made per word.
    private static let honorifics = keys(["mr", "mrs", "ms", "miss", "mx", "dr", "prof"])
    private static let suffixes = keys(["jr", "sr", "ii", "iii", "iv", "phd", "md", "esq"])
    private static let particles = keys([
        "van", "von", "de", "der", "den", "da", "das", "di", "do", "dos", "du", "del", "della", "la", "le", "ten", "ter",
    ])

    private static func isHonorific(_ bytes: UnsafeBufferPointer<UInt8>, _ word: Range<Int>) -> Bool {
        key(bytes, word).map(honorifics.contains) ?? false
    }

    private static func isSuffix(_ bytes: UnsafeBufferPointer<UInt8>, _ word: Range<Int>) -> Bool {
        key(bytes, word).map(suffixes.contains) ?? false
    }

    private static func isParticle(_ bytes: UnsafeBufferPointer<UInt8>, _ word: Range<Int>) -> Bool {
        key(bytes, word).map(particles.contains) ?? false
    }

    private static func keys(_ words: [String]) -> [UInt64] {
        words.map { word in word.withUTF8Bytes { key($0, 0..<$0.count)! } }
    }

    /// The word's letters, lower-cased, packed into an integer; nil when it has anything but
    /// ASCII letters, dots and commas, or more than eight letters.
    private static func key(_ bytes: UnsafeBufferPointer<UInt8>, _ word: Range<Int>) -> UInt64? {
        guard word.count <= 12 else { return nil }
        var key: UInt64 = 0
        var letters = 0
        for byte in bytes[word] where byte != UInt8(ascii: ".") && byte != UInt8(ascii: ",") {
            guard byte.isASCIILetter, letters < 8 else { return nil }
            key = key << 8 | UInt64(byte.asciiLowercased)
            letters += 1
        }
        return letters == 0 ? nil : key
    }
}
