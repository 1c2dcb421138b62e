import Synchronization
import Testing
@testable import Leads

@Suite struct PhoneNumberNormalizerTests {
    @Test(arguments: [
        ("US", "(415) 555-0132", "+14155550132"),
        ("US", "415.555.0132", "+14155550132"),
        ("US", "+1 415-555-0132", "+14155550132"),
        ("US", "1 (415) 555 0132", "+14155550132"),
        ("GB", "020 7946 0958", "+442079460958"),
        ("GB", "+44 (0)20 7946 0958", "+442079460958"),
        ("GB", "07700 900123", "+447700900123"),
        ("DE", "030 901820", "+4930901820"),
        ("DE", "(030) 90 18 20", "+4930901820"),
        ("DE", "+49 (0)30/901820", "+4930901820"),
        ("JP", "03-1234-5678", "+81312345678"),
        ("JP", "090-1234-5678", "+819012345678"),
    ])
    func convertsNationalAndInternationalNumbersToE164(region: String, text: String, expected: String) {
        #expect(PhoneNumberNormalizer(region: region).e164(text) == expected)
    }

    @Test func numberWithCountryCodeIgnoresTheDefaultRegion() {
        #expect(PhoneNumberNormalizer(region: "US").e164("+44 20 7946 0958") == "+442079460958")
        #expect(PhoneNumberNormalizer(region: "JP").e164("+1 415 555 0132") == "+14155550132")
    }

    @Test func readsTheDefaultRegionsInternationalPrefix() {
        #expect(PhoneNumberNormalizer(region: "GB").e164("0044 20 7946 0958") == "+442079460958")
        #expect(PhoneNumberNormalizer(region: "DE").e164("00 1 415 555 0132") == "+14155550132")
        #expect(PhoneNumberNormalizer(region: "US").e164("011 44 20 7946 0958") == "+442079460958")
    }

    @Test func readsTelURIsAndDropsTheExtension() {
        let phones = PhoneNumberNormalizer(region: "US")
        #expect(phones.e164("tel:+1-201-555-0123") == "+12015550123")
        #expect(phones.e164("tel:+1-201-555-0123;ext=1234") == "+12015550123")
        #expect(phones.e164("tel:7042;phone-context=+1-201-555") == "+12015557042")
    }

    @Test func convertsVanityLetters() {
        #expect(PhoneNumberNormalizer(region: "US").e164("1-800-FLOWERS") == "+18003569377")
    }

    @Test func keepsFictitious555NumbersBecauseTheyArePossible() {
        let phones = PhoneNumberNormalizer(region: "US")
        #expect(phones.e164("+1 (555) 555-0100") == "+15555550100")
        // The example in DESIGN.md: seven digits are a possible local-only US number.
        #expect(phones.e164("+1 555 0100") == "+15550100")
    }

    @Test(arguments: ["call me maybe", "", "   ", "12", "+", "+999 1234 5678", "1234567890123456789012", "ext. 12"])
    func givesNoE164ForTextThatIsNoPossibleNumber(text: String) {
        #expect(PhoneNumberNormalizer(region: "US").e164(text) == nil)
    }

    @Test func namesTheReasonAndTheCallWhenItFails() throws {
        let phones = PhoneNumberNormalizer(region: "US")
        let error = try #require(throws: LeadsError.self) { try phones.toE164("no digits here") }
        #expect(error.code == .notAPhoneNumber)
        #expect(error.function == "lg_phone_to_e164")
        let tooShort = try #require(throws: LeadsError.self) { try phones.toE164("+44 12") }
        #expect(tooShort.code == .phoneNumberTooShort || tooShort.code == .phoneNumberNotPossible)
    }

    @Test func refusesOverlongTextWithoutParsing() throws {
        let phones = PhoneNumberNormalizer(region: "US")
        let error = try #require(throws: LeadsError.self) { try phones.toE164(String(repeating: "1", count: 251)) }
        #expect(error.code == .phoneNumberTooLong)
    }

    @Test func nationalNumbersFailWithAnUnknownRegion() throws {
        let phones = PhoneNumberNormalizer(region: "XX")
        let error = try #require(throws: LeadsError.self) { try phones.toE164("415 555 0132") }
        #expect(error.code == .invalidCountryCode)
        #expect(phones.e164("+1 415 555 0132") == "+14155550132")
    }

    @Test func takesTheRegionInAnyCase() {
        let phones = PhoneNumberNormalizer(region: " gb ")
        #expect(phones.region == "GB")
        #expect(phones.e164("020 7946 0958") == "+442079460958")
    }

    @Test func knowsWhichRegionsAreSupported() {
        #expect(PhoneNumberNormalizer.isSupported(region: "GB"))
        #expect(PhoneNumberNormalizer.isSupported(region: "de"))
        #expect(!PhoneNumberNormalizer.isSupported(region: "XX"))
        #expect(!PhoneNumberNormalizer.isSupported(region: "ZZ"))
        #expect(!PhoneNumberNormalizer.isSupported(region: "GBR"))
        #expect(!PhoneNumberNormalizer.isSupported(region: ""))
    }

    @Test(arguments: ["US", "GB", "DE", "JP", "IT", "BR", "AR", "MX", "IN", "FR"])
    func removingSeparatorsNeverChangesLibphonenumbersAnswer(region: String) {
        let texts = [
            "+1 (415) 555-0132", "(415) 555-0132", "415.555.0132", "1-415-555-0132", "+44 (0)20 7946 0958", "020 7946 0958",
            "0044 20 7946 0958", "+49 (0)30/901820", "(030) 90 18 20", "03-1234-5678", "090-1234-5678", "+39 06 6982 0000",
            "06 6982 0000", "+55 (11) 91234-5678", "(11) 91234-5678", "0 11 15-1234-5678", "+54 9 11 1234-5678",
            "01 55 1234 5678", "+52 1 55 1234 5678", "+91 98765 43210", "098765 43210", "01 23 45 67 89", "12", "()",
            "+ 1 415 555 0132", "(+1) 415 555 0132", "00 1 415 555 0132", "011 44 20 7946 0958",
        ]
        let phones = PhoneNumberNormalizer(region: region, library: .libphonenumber, cache: E164Cache(capacity: 64))
        for text in texts {
            let direct = try? PhoneNumberLibrary.libphonenumber.e164(text, region).get()
            #expect(phones.e164(text) == direct, "\(text) in \(region)")
        }
    }

    @Test func removesOnlyPlainSeparators() {
        #expect(PhoneNumberNormalizer.withoutSeparators("+1 (415) 555-0132") == "+14155550132")
        #expect(PhoneNumberNormalizer.withoutSeparators("030/901820") == "030901820")
        #expect(PhoneNumberNormalizer.withoutSeparators("4155550132") == nil)
        #expect(PhoneNumberNormalizer.withoutSeparators("415 555 0132 x12") == nil)
        #expect(PhoneNumberNormalizer.withoutSeparators("tel:+1-415-555-0132") == nil)
        #expect(PhoneNumberNormalizer.withoutSeparators("1-800-FLOWERS") == nil)
        #expect(PhoneNumberNormalizer.withoutSeparators("415 555 0132 #12") == nil)
        #expect(PhoneNumberNormalizer.withoutSeparators("(+1) 415 555 0132") == "+14155550132")
        #expect(PhoneNumberNormalizer.withoutSeparators("1 +415") == nil)
    }

    /// Digits and separators go to the shim's fast path every time (as cheap as a look-up);
    /// other text (a tel: URI, vanity letters, junk) is asked once and then cached.
    @Test func cachesOnlyTextTheFastPathDoesNotTake() {
        let calls = CallCounter()
        let counting = PhoneNumberLibrary(
            e164: { text, region in
                calls.increment()
                return PhoneNumberLibrary.libphonenumber.e164(text, region)
            },
            countryCode: PhoneNumberLibrary.libphonenumber.countryCode
        )
        let phones = PhoneNumberNormalizer(region: "US", library: counting, cache: E164Cache(capacity: 8))
        #expect(phones.e164("(415) 555-0132") == "+14155550132")
        #expect(phones.e164("(415) 555-0132") == "+14155550132")
        #expect(phones.e164("+14155550132") == "+14155550132")
        #expect(calls.count == 3)
        #expect(phones.e164("tel:+1-415-555-0132") == "+14155550132")
        #expect(phones.e164("tel:+1-415-555-0132") == "+14155550132")
        #expect(phones.e164("garbage") == nil)
        #expect(phones.e164("garbage") == nil)
        #expect(calls.count == 5)
        // The same text in another region is another question.
        let british = PhoneNumberNormalizer(region: "GB", library: counting, cache: phones.cache)
        #expect(british.e164("tel:+1-415-555-0132") == "+14155550132")
        #expect(calls.count == 6)
    }

    @Test func recognisesBareDigits() {
        #expect(PhoneNumberNormalizer.isDigits("+14155550132"))
        #expect(PhoneNumberNormalizer.isDigits("4155550132"))
        #expect(!PhoneNumberNormalizer.isDigits(""))
        #expect(!PhoneNumberNormalizer.isDigits("+"))
        #expect(!PhoneNumberNormalizer.isDigits("41555+50132"))
        #expect(!PhoneNumberNormalizer.isDigits("415555013x"))
    }

    @Test func cacheForgetsTheOldestGenerationWhenFull() {
        let cache = E164Cache(capacity: 2)
        let keys = (0..<5).map { E164Cache.Key(region: "US", text: "\($0)") }
        for key in keys { cache.store(.success(key.text), for: key) }
        #expect(cache.value(for: keys[0]) == nil)
        #expect(cache.value(for: keys[4]) == .success("4"))
        #expect(cache.value(for: keys[3]) == .success("3"))
    }
}

/// Counts calls from any thread; the Mutex makes it Sendable.
final class CallCounter: Sendable {
    private let state = Mutex(0)
    var count: Int { state.withLock { $0 } }
    func increment() { state.withLock { $0 += 1 } }
}
