import Foundation
import Leads
@testable import LeadStore
import Testing

@Suite struct QuarantineTests {
    static let torn: [UInt8] = Array("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ja".utf8) + [0xFF, 0x00]

    @Test func keepsTheRawBytesAndTheReason() throws {
        let t = try TemporaryStore()
        let id = try t.store.quarantine(QuarantineEntry(origin: "/scans/torn.vcf", byteOffset: 0, reason: "card is torn",
                                                        mediaType: "text/vcard", raw: Self.torn, event: "RSA 2026", rep: "alice"))
        let entry = try t.store.quarantined(String(id.prefix(8)))
        #expect(entry.id == id)
        #expect(entry.raw == Self.torn)
        #expect(entry.size == Self.torn.count)
        #expect(entry.reason == "card is torn")
        #expect(entry.origin == "/scans/torn.vcf")
        #expect(entry.byteOffset == 0)
        #expect(entry.event == "RSA 2026")
        // Listing leaves the bytes out unless asked.
        let listed = try t.store.quarantined()
        #expect(listed.map(\.id) == [id])
        #expect(listed[0].raw.isEmpty)
        #expect(listed[0].size == Self.torn.count)
        #expect(try t.store.quarantined(withRaw: true)[0].raw == Self.torn)
    }

    @Test func quarantiningTheSameInputAgainKeepsOneEntry() throws {
        let t = try TemporaryStore()
        func entry(_ origin: String = "/scans/torn.vcf", event: String = "RSA 2026") -> QuarantineEntry {
            QuarantineEntry(origin: origin, byteOffset: 0, reason: "torn", mediaType: nil, raw: Self.torn, event: event, rep: "alice")
        }
        let first = try t.store.quarantine(entry())
        #expect(try t.store.quarantine(entry()) == first)
        #expect(try t.store.quarantined().count == 1)
        // Another file or another event is another entry.
        #expect(try t.store.quarantine(entry("/scans/copy.vcf")) != first)
        #expect(try t.store.quarantine(entry(event: "Other")) != first)
        #expect(try t.store.quarantined().count == 3)
    }

    @Test func aResolvedEntryLeavesTheListButNotTheStore() throws {
        let t = try TemporaryStore()
        let id = try t.store.quarantine(QuarantineEntry(origin: "stdin", byteOffset: nil, reason: "x", mediaType: nil,
                                                        raw: [1, 2, 3], event: "RSA 2026", rep: "alice"))
        try t.store.resolveQuarantine(id, leadID: "0192f3c4-5d6e-7f80-9a1b-2c3d4e5f6a7b")
        #expect(try t.store.quarantined().isEmpty)
        let all = try t.store.quarantined(includeResolved: true)
        #expect(all.map(\.leadID) == ["0192f3c4-5d6e-7f80-9a1b-2c3d4e5f6a7b"])
        #expect(all[0].resolvedAt != nil)
    }

    @Test func anUnknownEntryIsNotFound() throws {
        let t = try TemporaryStore()
        #expect { try t.store.quarantined("abcdef12") } throws: { ($0 as? StoreError)?.code == .notFound }
    }
}

@Suite struct LeadFilterTests {
    /// Three leads: alice at RSA (hot, due long ago), bob at RSA, alice at Black Hat.
    static func store() throws -> (TemporaryStore, [String]) {
        let t = try TemporaryStore()
        let a = try t.store.capture(Cards.candidate(Cards.contact(emails: ["a@acme.example"]), event: "RSA 2026", rep: "alice",
                                                    at: Date(timeIntervalSince1970: 1_000_000_000))).leadID
        let b = try t.store.capture(Cards.candidate(Cards.contact(emails: ["b@acme.example"]), event: "RSA 2026", rep: "bob",
                                                    at: Date(timeIntervalSince1970: 1_795_000_000))).leadID
        let c = try t.store.capture(Cards.candidate(Cards.contact(emails: ["c@acme.example"]), event: "Black Hat", rep: "alice",
                                                    at: Date(timeIntervalSince1970: 1_795_000_100))).leadID
        try t.store.annotate(a, note: nil, change: LeadChange(status: .hot))
        return (t, [a, b, c])
    }

    @Test func listsInCaptureOrder() throws {
        let (t, ids) = try Self.store()
        #expect(try t.store.leads().map(\.id) == ids)
        #expect(try t.store.leads(LeadFilter(limit: 2)).map(\.id) == Array(ids.prefix(2)))
    }

    @Test func cardsReadAtTheSameTimeListInTheOrderTheyWereRead() throws {
        let t = try TemporaryStore()
        // One file's cards share a capture time; their UUIDv7s are random after the millisecond.
        let candidates = (0..<20).map { Cards.candidate(Cards.contact(emails: ["p\($0)@acme.example"]), raw: "card \($0)") }
        let ids = try t.store.capture(candidates).map(\.leadID)
        #expect(ids != ids.sorted(), "20 random ids came out sorted: run again")
        #expect(try t.store.leads().map(\.id) == ids)
    }

    @Test func filtersByEventRepStatusAndDueTime() throws {
        let (t, ids) = try Self.store()
        #expect(try t.store.leads(LeadFilter(event: "RSA 2026")).map(\.id) == [ids[0], ids[1]])
        #expect(try t.store.leads(LeadFilter(rep: "alice")).map(\.id) == [ids[0], ids[2]])
        #expect(try t.store.leads(LeadFilter(event: "RSA 2026", rep: "alice")).map(\.id) == [ids[0]])
        #expect(try t.store.leads(LeadFilter(status: .hot)).map(\.id) == [ids[0]])
        #expect(try t.store.leads(LeadFilter(status: .cold)).isEmpty)
        // Due a day after capture: only the 2001 lead is due before 2026.
        #expect(try t.store.leads(LeadFilter(dueBefore: Date(timeIntervalSince1970: 1_700_000_000))).map(\.id) == [ids[0]])
        #expect(try t.store.leads(LeadFilter(dueBefore: Date(timeIntervalSince1970: 1_795_086_450))).map(\.id) == [ids[0], ids[1]])
        #expect(try t.store.leads(LeadFilter(event: "nope")).isEmpty)
        #expect(try t.store.leadCount() == 3)
        #expect(try t.store.leadCount(event: "Black Hat") == 1)
    }

    @Test func filterValuesAreBoundNotPasted() throws {
        let (t, _) = try Self.store()
        #expect(try t.store.leads(LeadFilter(event: "x' OR '1'='1")).isEmpty)
        #expect(try t.store.leadCount() == 3)
    }
}
