import ContactFormats
import Foundation
import Gateway
import Leads
import LeadStore
import Testing

/// Issue 18 defect 9: what is cut from a card is a warning that keeps the input's bytes in
/// the quarantine, and the lead is made all the same, under 1 MB.
@Suite struct CaptureLimitsTests {
    func build(_ bytes: [UInt8], as format: PayloadFormat) throws -> CaptureBuilder.Result {
        let payload = try PayloadDecoder.decode(bytes, as: format)
        return Samples.builder().candidates(from: payload, whole: bytes, origin: "/scans/big.txt", channel: .import, file: "/scans/big.txt")
    }

    @Test func aCutNameIsAWarningWithTheWholeInputAndTheLeadIsMade() throws {
        let bytes = Array("MECARD:N:Doe,\(String(repeating: "Jane ", count: 60_000));EMAIL:jane@acme.example;;".utf8)
        let result = try build(bytes, as: .mecard)
        #expect(result.rejects.isEmpty)
        let lead = try #require(result.candidates.first?.lead)
        #expect(lead.contact.emails == ["jane@acme.example"])
        #expect(lead.contact.fullName?.utf8.count ?? .max <= CardLimits.maximumValueBytes)
        #expect(LeadJSON.encodeUTF8(lead).count <= LeadLimits.maximumJSONBytes)
        #expect(lead.raw.bytes.isEmpty, "300 KB of raw bytes stay in the quarantine, not in the lead")
        #expect(result.warnings.count == 2)
        #expect(result.warnings.allSatisfy { $0.raw == bytes })
        #expect(result.warnings.map(\.reason).contains("value longer than 64 KiB cut to its first 64 KiB"))
        #expect(result.warnings.map(\.reason).contains { $0.hasPrefix("card (lead ") && $0.contains("raw bytes") })
    }

    @Test func aCardWithinTheBoundsHasNoWarning() throws {
        let result = try build(Array(Samples.vCard("Jane Doe", email: "jane@acme.example").utf8), as: .vcard)
        #expect(result.warnings.isEmpty && result.rejects.isEmpty && result.candidates.count == 1)
    }

    @Test func anImportStoresTheLeadAndQuarantinesTheCutWithoutRejectingIt() throws {
        let w = try Workspace()
        var tels = ""
        for i in 0..<1_200 { tels += "TEL:+1 415 555 \(1000 + i)\r\n" }
        try w.write("many.vcf", "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jane Doe\r\n\(tels)END:VCARD\r\n")
        let summary = try w.job().run(try ImportJob.expand([w.input]).inputs)
        #expect(summary.imported == 1)
        #expect(summary.rejected.isEmpty)
        #expect(summary.warnings.map(\.reason) == ["more than 1000 values of one property: the rest skipped"])
        #expect(try w.store.quarantined().count == 1)
        let lead = try #require(try w.store.leads().first)
        #expect(lead.contact.phones.count == 1_000)
    }
}
