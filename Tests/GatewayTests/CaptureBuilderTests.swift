import ContactFormats
import Foundation
import Gateway
import Leads
import LeadStore
import Testing

@Suite struct CaptureBuilderTests {
    func build(_ text: String, as format: PayloadFormat = .vcard, origin: String = "/scans/cards.vcf") throws -> CaptureBuilder.Result {
        let bytes = Array(text.utf8)
        let payload = try PayloadDecoder.decode(bytes, as: format)
        return Samples.builder().candidates(from: payload, whole: bytes, origin: origin, channel: .import, file: origin)
    }

    @Test func aUsableCardBecomesACandidateThatKnowsItsFile() throws {
        let card = Samples.vCard("Jane Doe", email: "Jane@ACME.example", extra: ["TEL;TYPE=CELL:+1 (415) 555-0134", "ORG:Acme Corp"])
        let result = try build(card)
        #expect(result.rejects.isEmpty)
        let candidate = try #require(result.candidates.first)
        #expect(result.candidates.count == 1)
        let lead = candidate.lead
        #expect(lead.source.file == "/scans/cards.vcf")
        #expect(lead.source.format == "vcard")
        #expect(lead.source.channel == .import)
        #expect(lead.event == "RSA 2026")
        #expect(lead.rep == "alice")
        #expect(lead.owner == "alice")
        #expect(lead.status == .new)
        #expect(lead.raw.bytes == Array(card.utf8))
        #expect(lead.raw.mediaType == "text/vcard")
        #expect(lead.contact.emails == ["Jane@acme.example"])
        #expect(candidate.dedupeKey == "email:jane@acme.example")
        #expect(lead.nextAction.due.timeIntervalSince(lead.capturedAt) == 86_400)
    }

    @Test func eachCardOfAFileKeepsItsOwnBytes() throws {
        let a = Samples.vCard("Ann", email: "ann@acme.example"), b = Samples.vCard("Bob", email: "bob@acme.example", version: "4.0")
        let result = try build(a + b)
        #expect(result.candidates.map { $0.lead.raw.bytes } == [Array(a.utf8), Array(b.utf8)])
        #expect(result.candidates[0].contentHash != result.candidates[1].contentHash)
    }

    @Test func aTornCardIsQuarantinedWithWhereItStarts() throws {
        let good = Samples.vCard("Jane Doe", email: "jane@acme.example")
        let result = try build(good + Samples.torn)
        #expect(result.candidates.count == 1)
        let reject = try #require(result.rejects.first)
        #expect(result.rejects.count == 1)
        #expect(reject.byteOffset == good.utf8.count)
        #expect(reject.reason.contains("torn"))
        #expect(reject.reason.contains("card 2"))
        #expect(reject.raw == Array(Samples.torn.utf8))
        #expect(reject.origin == "/scans/cards.vcf")
        #expect(reject.event == "RSA 2026")
    }

    @Test func anEmptyCardIsRejected() throws {
        let result = try build("BEGIN:VCARD\r\nVERSION:3.0\r\nNOTE:nothing else\r\nEND:VCARD\r\n")
        #expect(result.candidates.isEmpty)
        let reject = try #require(result.rejects.first)
        #expect(reject.reason.contains("no name, email, phone or URL"))
    }

    @Test func textWithNoContactIsRejected() throws {
        let result = try build("just some words, nothing to call\n", as: .text, origin: "/scans/notes.txt")
        #expect(result.candidates.isEmpty)
        #expect(result.rejects.first?.reason.contains("no card") == true)
        #expect(result.rejects.first?.raw == Array("just some words, nothing to call\n".utf8))
    }

    @Test func readsMECARDAndBIZCARDText() throws {
        let mecard = try build("MECARD:N:Doe,Jane;TEL:+14155550134;EMAIL:jane@acme.example;;", as: .text, origin: "/scans/m.txt")
        #expect(mecard.candidates.first?.lead.source.format == "mecard")
        #expect(mecard.candidates.first?.lead.contact.emails == ["jane@acme.example"])
        let bizcard = try build("BIZCARD:N:Jane;X:Doe;C:Acme;E:jane@acme.example;;", as: .text, origin: "/scans/b.txt")
        #expect(bizcard.candidates.first?.lead.source.format == "bizcard")
        #expect(bizcard.candidates.first?.lead.contact.organization == "Acme")
    }

    @Test func routesAndSLAComeFromThePolicy() throws {
        let policy = LeadPolicy(followUpWithin: .seconds(7200), ownerByDomain: ["acme.example": "bob"])
        let bytes = Array(Samples.vCard("Jane", email: "jane@acme.example").utf8)
        let result = Samples.builder(policy: policy).candidates(from: try PayloadDecoder.decode(bytes, as: .vcard), whole: bytes,
                                                                origin: "x.vcf", channel: .import, file: "x.vcf")
        let lead = try #require(result.candidates.first?.lead)
        #expect(lead.owner == "bob")
        #expect(lead.nextAction.due.timeIntervalSince(lead.capturedAt) == 7200)
    }
}
