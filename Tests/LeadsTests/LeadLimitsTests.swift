import ContactFormats
import Foundation
import Leads
import Testing

/// Issue 18 defect 9: no lead grows past 1 MB, whatever it was made from.
@Suite struct LeadLimitsTests {
    @Test func leavesAnOrdinaryLeadAsItIs() {
        var lead = LeadJSONTests.sampleLead()
        let before = lead
        #expect(LeadLimits.fit(&lead) == nil)
        #expect(lead == before)
    }

    @Test func movesRawBytesOverTheBoundOutOfTheLead() throws {
        var lead = LeadJSONTests.sampleLead(merged: false)
        let raw = [UInt8](repeating: 0x41, count: LeadLimits.maximumRawBytes + 1)
        lead.raw = RawPayload(mediaType: "text/vcard", bytes: raw)
        let cut = try #require(LeadLimits.fit(&lead))
        #expect(cut.raw == raw)
        #expect(!cut.shortenedFields)
        #expect(lead.raw.bytes.isEmpty && lead.raw.mediaType == "text/vcard")
        #expect(cut.description.contains("kept in the quarantine"))
    }

    /// Control characters are written six bytes each (`\u0001`): a contact within the card
    /// bounds can still make JSON over 1 MB, and is shortened until it does not.
    @Test func shortensTheFieldsOfALeadWhoseJSONWouldBeOverAMegabyte() throws {
        var lead = LeadJSONTests.sampleLead(merged: false)
        let control = String(repeating: "\u{1}", count: CardLimits.maximumValueBytes)
        lead.contact.note = control
        lead.contact.fullName = control
        lead.contact.addresses = Array(repeating: control, count: 3)
        #expect(LeadJSON.encodeUTF8(lead).count > LeadLimits.maximumJSONBytes)
        let cut = try #require(LeadLimits.fit(&lead))
        #expect(cut.shortenedFields && cut.raw == nil)
        #expect(LeadJSON.encodeUTF8(lead).count <= LeadLimits.maximumJSONBytes)
        #expect(lead.contact.emails == ["jane@acme.example"], "short values stay as they were")
    }

    /// A lead merged more than `maximumMergedCaptures` times lists only the latest; the
    /// oldest leave the list with their raw bytes, for the quarantine.
    @Test func aLeadMergedManyTimesListsTheLatestCaptures() throws {
        var lead = LeadJSONTests.sampleLead(merged: false)
        let extra = 25
        lead.mergedCaptures = (0..<(LeadLimits.maximumMergedCaptures + extra)).map { n in
            Capture(capturedAt: Date(timeIntervalSince1970: 1_795_000_000 + Double(n)), source: lead.source,
                    raw: RawPayload(mediaType: "text/vcard", bytes: n % 2 == 0 ? Array("card \(n)".utf8) : []))
        }
        let cut = try #require(LeadLimits.fit(&lead))
        #expect(cut.droppedCaptures == extra)
        #expect(lead.mergedCaptures.count == LeadLimits.maximumMergedCaptures)
        #expect(lead.mergedCaptures.first?.capturedAt == Date(timeIntervalSince1970: 1_795_000_000 + Double(extra)))
        // Only captures that had bytes need the quarantine: the even ones among the first 25.
        #expect(cut.captures.map { String(decoding: $0.raw.bytes, as: UTF8.self) } == stride(from: 0, to: extra, by: 2).map { "card \($0)" })
        #expect(cut.description.contains("25 oldest capture(s)"))
    }

    /// Earlier captures' raw bytes (each under the raw bound) add up past a megabyte: the
    /// oldest are moved out, before any text is cut.
    @Test func earlierCapturesBytesLeaveBeforeAnyTextIsCut() throws {
        var lead = LeadJSONTests.sampleLead(merged: false)
        let contact = lead.contact
        lead.mergedCaptures = (0..<8).map { n in
            Capture(capturedAt: Date(timeIntervalSince1970: 1_795_000_000 + Double(n)), source: lead.source,
                    raw: RawPayload(mediaType: "text/vcard", bytes: [UInt8](repeating: UInt8(0x41 + n), count: 200 << 10)))
        }
        #expect(LeadJSON.encodeUTF8(lead).count > LeadLimits.maximumJSONBytes)
        let cut = try #require(LeadLimits.fit(&lead))
        #expect(!cut.shortenedFields && cut.droppedCaptures == 0)
        #expect(LeadJSON.encodeUTF8(lead).count <= LeadLimits.maximumJSONBytes)
        #expect(lead.contact == contact)
        let firstBytes: [UInt8] = cut.captures.compactMap { $0.raw.bytes.first }
        let oldestFirst: [UInt8] = (0..<cut.captures.count).map { UInt8(0x41 + $0) }
        #expect(firstBytes == oldestFirst, "oldest first")
        #expect(lead.mergedCaptures.count == 8 && lead.mergedCaptures.last?.raw.bytes.count == 200 << 10)
    }

    /// A card built outside the parsers (a form) is cut to the card bounds by the normalizer.
    @Test func theNormalizerCutsACardBuiltElsewhereToTheCardBounds() {
        let long = String(repeating: "x", count: CardLimits.maximumValueBytes + 10)
        let card = ContactCard(format: .vcard, formattedName: long,
                               emails: (0..<1_500).map { TypedValue("u\($0)@acme.example") }, note: long)
        let contact = ContactNormalizer(region: "US").normalize(card)
        #expect(contact.fullName?.utf8.count == CardLimits.maximumValueBytes)
        #expect(contact.note?.utf8.count == CardLimits.maximumValueBytes)
        #expect(contact.emails.count == CardLimits.maximumValuesPerProperty)
    }
}
