import CPhoneNumber

/// Turns phone numbers as written on cards into E.164, through libphonenumber, for one
/// default region.
///
/// A number counts when libphonenumber finds it *possible* (its length fits the country), not
/// only *valid* (its prefix is allocated): booth and demo cards carry fictitious 555 numbers
/// that are possible but not valid, and a rep wants them kept and dialable. Validity also costs
/// another 10 µs of regular expressions per number.
public struct PhoneNumberNormalizer: Sendable {
    /// The upper-case ISO 3166 region that numbers without a country code are dialled in.
    public let region: String
    let library: PhoneNumberLibrary
    let cache: E164Cache

    /// A normalizer for numbers dialled in `region` (ISO 3166, any case, e.g. "gb").
    ///
    /// An unsupported region is kept as given: numbers with a country code still convert,
    /// national ones fail with `invalidCountryCode`. Check `isSupported(region:)` first where
    /// the region comes from a user.
    public init(region: String) {
        self.init(region: region, library: .libphonenumber, cache: .shared)
    }

    /// A normalizer whose cache is its own and starts empty, so it converts every number it
    /// has not seen itself: for measurements, which must not find numbers that an earlier
    /// run left in the shared cache.
    package static func withPrivateCache(region: String) -> PhoneNumberNormalizer {
        PhoneNumberNormalizer(region: region, library: .libphonenumber, cache: E164Cache(capacity: 4096))
    }

    init(region: String, library: PhoneNumberLibrary, cache: E164Cache) {
        self.region = (region.trimmedOrNil() ?? "").asciiUppercased()
        self.library = library
        self.cache = cache
    }

    /// The E.164 form of `text` ("+442079460958"), or nil when it is not a possible number.
    public func e164(_ text: String) -> String? {
        try? toE164(text)
    }

    /// The E.164 form of `text`, or why libphonenumber can't give one.
    ///
    /// Takes what libphonenumber's `Parse` takes: punctuation, "+" or the region's
    /// international prefix ("00", "011"), vanity letters, and RFC 3966 `tel:` URIs with
    /// `;ext=` (dropped: E.164 has no extensions) and `;phone-context=`.
    public func toE164(_ text: String) throws(LeadsError) -> String {
        // Over-long text would only fill the cache with junk keys; the shim refuses it anyway.
        guard text.utf8.count <= Int(LG_PHONE_MAX_INPUT_LENGTH) else {
            throw LeadsError(code: .phoneNumberTooLong, function: "lg_phone_to_e164")
        }
        let bare = Self.withoutSeparators(text)
        // Digits and separators only: the shim's fast path answers about as fast as a cache
        // look-up (with its lock, shared by the decode threads) would; only other text is
        // cached. An import of 100,000 distinct numbers decoded 3% faster.
        if bare != nil || Self.isDigits(text) { return try library.e164(bare ?? text, region).get() }
        let key = E164Cache.Key(region: region, text: text)
        if let known = cache.value(for: key) { return try known.get() }
        let result = library.e164(key.text, region)
        cache.store(result, for: key)
        return try result.get()
    }

    /// True when libphonenumber has metadata for `region` (ISO 3166, any case).
    public static func isSupported(region: String) -> Bool {
        isSupported(region: region, library: .libphonenumber)
    }

    static func isSupported(region: String, library: PhoneNumberLibrary) -> Bool {
        let code = region.asciiUppercased()
        guard code.utf8.count == 2, code.utf8.allSatisfy(\.isASCIILetter) else { return false }
        return library.countryCode(code) != 0
    }

    /// The digits of `text`, after its "+" if it starts with one, when everything else in it
    /// is a space or one of ( ) - . /; nil when it holds anything more.
    ///
    /// Parse gives the same answer with or without these separators: it keeps only the digits
    /// of what it reads, and none of them can mark an extension, a second number or an RFC 3966
    /// part (letters, "#", ";", "," and "x" can, so such text is passed as written). A test holds
    /// this against libphonenumber in ten regions. Bare digits make Parse's ICU regular
    /// expressions about a third cheaper, and make "(415) 555-0132" and "415.555.0132" one
    /// cache entry.
    /// True when `text` is an optional "+" and digits, nothing else.
    static func isDigits(_ text: String) -> Bool {
        text.withUTF8Bytes { bytes in
            guard let first = bytes.first else { return false }
            return (first == UInt8(ascii: "+") ? bytes.count > 1 : first.isASCIIDigit) && bytes.dropFirst().allSatisfy(\.isASCIIDigit)
        }
    }

    static func withoutSeparators(_ text: String) -> String? {
        text.withUTF8Bytes { bytes in
            var digits = 0
            var sawPlus = false
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digits += 1
                case UInt8(ascii: "+"):
                    guard digits == 0, !sawPlus else { return nil }
                    sawPlus = true
                case UInt8(ascii: " "), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "-"), UInt8(ascii: "."),
                     UInt8(ascii: "/"):
                    continue
                default:
                    return nil
                }
            }
            let length = digits + (sawPlus ? 1 : 0)
            if length == bytes.count { return nil }
            return String(unsafeUninitializedCapacity: length) { buffer in
                var offset = 0
                for byte in bytes where byte.isASCIIDigit || byte == UInt8(ascii: "+") {
                    buffer[offset] = byte
                    offset += 1
                }
                return offset
            }
        }
    }
}
