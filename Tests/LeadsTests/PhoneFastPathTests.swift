import CPhoneNumber
import Leads
import Testing

/// The shim's fast path for numbers written in digits and separators ("+44 20 ...",
/// "(415) 555-0132", "tel:+81-3-...") must answer exactly as PhoneNumberUtil::Parse: same
/// E.164 text, same refusals. Checked on generated numbers for every region.
@Suite struct PhoneFastPathTests {
    /// Compares the fast path with Parse on one number; a difference is added to `mismatches`.
    static func compare(_ text: String, region: String, _ mismatches: inout [String]) {
        let fast = convert(text, region: region, reference: false)
        let slow = convert(text, region: region, reference: true)
        if fast != slow { mismatches.append("\(text) [\(region)]: fast \(fast), Parse \(slow)") }
    }

    /// Digits grouped by threes with separators picked by `generator`, appended to `text`.
    static func appendGrouped(_ digits: [String], to text: inout String, separators: [String], _ generator: inout SplitMix) {
        for (i, d) in digits.enumerated() {
            text += d
            if i % 3 == 2 { text += separators[Int(generator.next() % UInt64(separators.count))] }
        }
    }

    static func convert(_ text: String, region: String, reference: Bool) -> String {
        var out = [CChar](repeating: 0, count: Int(LG_PHONE_E164_CAPACITY))
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBufferPointer { b in
            b.withMemoryRebound(to: CChar.self) { chars in
                reference
                    ? lg_phone_to_e164_reference(chars.baseAddress, chars.count, region, &out, out.count)
                    : lg_phone_to_e164(chars.baseAddress, chars.count, region, &out, out.count)
            }
        }
        return written >= 0 ? String(decoding: out.prefix(Int(written)).map { UInt8(bitPattern: $0) }, as: UTF8.self) : "error \(written)"
    }

    /// Every two-letter code libphonenumber has metadata for, with its calling code.
    static let regions: [(String, Int)] = {
        var found: [(String, Int)] = []
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        for a in letters { for b in letters {
            let code = String([a, b])
            let cc = Int(lg_phone_country_code_for_region(code))
            if cc > 0 { found.append((code, cc)) }
        } }
        return found
    }()

    @Test func knowsTheWorldsRegions() {
        #expect(Self.regions.count > 200)
    }

    @Test func agreesWithParseOnGeneratedInternationalNumbers() {
        var generator = SplitMix(seed: 20261122)
        let separators = [" ", "-", ".", "", " ", "/"]
        var checked = 0, mismatches: [String] = []
        for (region, cc) in Self.regions {
            for _ in 0..<40 {
                let length = Int(generator.next() % 12) + 3
                var digits = (0..<length).map { _ in String(generator.next() % 10) }
                // Write some with the national prefix in brackets, as "+44 (0)20 ..." cards do.
                if generator.next() % 5 == 0 { digits.insert("(0)", at: 0) }
                var text = "+\(cc) "
                Self.appendGrouped(digits, to: &text, separators: separators, &generator)
                let defaultRegion = Self.regions[Int(generator.next() % UInt64(Self.regions.count))].0
                Self.compare(text, region: defaultRegion, &mismatches)
                checked += 1
            }
        }
        #expect(checked > 8000)
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(checked):\n\(mismatches.prefix(20).joined(separator: "\n"))")
    }

    /// National numbers, as cards in a booth's own country carry them: with and without a
    /// trunk prefix, with an international prefix instead of "+", with the region's calling
    /// code but no "+", with Italian leading zeros, bracketed area codes and "tel:".
    @Test func agreesWithParseOnGeneratedNationalNumbers() {
        var generator = SplitMix(seed: 20261123)
        let separators = [" ", "-", ".", "", " ", "/", ""]
        let leads = ["", "", "", "0", "0", "00", "011", "8", "1", "9", "06", "0 (0)", "810", "001", "010"]
        var checked = 0, mismatches: [String] = []
        for (region, cc) in Self.regions {
            for round in 0..<48 {
                let length = Int(generator.next() % 12) + 1
                var digits = (0..<length).map { _ in String(generator.next() % 10) }
                var lead = leads[Int(generator.next() % UInt64(leads.count))]
                // Some with the region's own calling code but no "+", which Parse may take as one.
                if round % 8 == 1 { lead = String(cc) }
                if round % 8 == 2 { lead = "00\(Self.regions[Int(generator.next() % UInt64(Self.regions.count))].1)" }
                if generator.next() % 4 == 0, digits.count > 3 {
                    digits[0] = "(" + digits[0]
                    digits[2] += ")"
                }
                var text = lead.isEmpty ? "" : lead + separators[Int(generator.next() % UInt64(separators.count))]
                Self.appendGrouped(digits, to: &text, separators: separators, &generator)
                if generator.next() % 5 == 0 { text = "tel:" + text }
                let defaultRegion =
                    switch round % 6 {
                    case 0: Self.regions[Int(generator.next() % UInt64(Self.regions.count))].0
                    case 1: "ZZ"
                    default: region
                    }
                Self.compare(text, region: defaultRegion, &mismatches)
                checked += 1
            }
        }
        #expect(checked > 10000)
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(checked):\n\(mismatches.prefix(20).joined(separator: "\n"))")
    }

    /// vCard 4.0 writes phones as "tel:" URIs; the fast path takes those too.
    @Test func agreesWithParseOnTelURIs() {
        var generator = SplitMix(seed: 4)
        var checked = 0, mismatches: [String] = []
        for (region, cc) in Self.regions {
            for _ in 0..<8 {
                let digits = (0..<Int(generator.next() % 10 + 4)).map { _ in String(generator.next() % 10) }
                let number = digits.joined(separator: generator.next() % 2 == 0 ? "-" : "")
                for text in ["tel:+\(cc)-\(number)", "TEL:+\(cc)\(number)", "tel:\(number)", "tel:0\(number)"] {
                    Self.compare(text, region: region, &mismatches)
                    checked += 1
                }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(checked):\n\(mismatches.prefix(20).joined(separator: "\n"))")
    }

    @Test(arguments: ["+1 (415) 555-0132", "+44 (0)20 7946 0000", "+49 30 1234567", "+39 06 6982 1234",
                      "+7 8 800 555 35 35", "+1 800 FLOWERS", "+44 20 7946 0000 ext. 12", "+999 123", "+1",
                      "tel:+1-418-656-9254;ext=102", " +33 1 23 45 67 89", "(415) 555-0132", "020 7946 0000",
                      "0049 30 1234567", "011 44 20 7946 0000", "06 6982 1234", "1 415 555 0132", "tel:415-555-0132",
                      "(+1) 415 555 0132", "12", "0", "00", "8 800 555 35 35", "030/901820", "+1 415 555 0132 /x12",
                      "+999 123 4567", "+80 1234 5678", "+0 123 456", "+2 12", "+21 123", "+692 1234567"])
    func agreesWithParseOnHandPickedCases(_ text: String) {
        for region in ["US", "GB", "DE", "IT", "ZZ"] {
            #expect(Self.convert(text, region: region, reference: false) == Self.convert(text, region: region, reference: true),
                    "\(text) in \(region)")
        }
    }
}

/// A small deterministic generator, so a failure reproduces.
typealias SplitMix = LeadID.SplitMix64
