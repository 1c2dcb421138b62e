import Foundation
import Leads
@testable import LeadStore
import Testing

/// A tag pulled away mid-read makes a UID lead tagged `incomplete`; a clean re-read of the
/// same tag completes that lead instead of making a second one.
@Suite struct IncompleteCaptureTests {
    static let uid = "04A1B2C3D4E5F6"

    /// What `BoothSession.captureIncomplete` stores: the UID, no contact, the tag.
    static func torn(at: Date = Cards.capturedAt, policy: LeadPolicy = LeadPolicy()) -> LeadCandidate {
        let source = LeadSource(channel: .tap, reader: "ACS ACR122U", tagUID: uid, tagType: "ntag215", format: "uid")
        var candidate = LeadCandidate.make(contact: NormalizedContact(), raw: RawPayload(mediaType: "application/octet-stream", bytes: [0x04, 0xA1]),
                                           source: source, event: "RSA 2026", rep: "alice", policy: policy, capturedAt: at)
        candidate.lead.tags = [Lead.incompleteTag]
        return candidate
    }

    @Test func aCleanReadOfTheSameTagCompletesTheTornLead() throws {
        let t = try TemporaryStore()
        let policy = LeadPolicy(ownerByDomain: ["acme.example": "bob"])
        let torn = try #require(try t.store.capture(Self.torn(policy: policy)).lead)
        #expect(torn.owner == "alice")

        let later = Cards.capturedAt.addingTimeInterval(20)
        let jane = Cards.contact(emails: ["jane@acme.example"], organization: "Acme Corp")
        let outcome = try t.store.capture(Cards.candidate(jane, tagUID: Self.uid, policy: policy, at: later))
        guard case .merged(let lead) = outcome else { Issue.record("expected the torn lead completed, got \(outcome)"); return }

        #expect(lead.id == torn.id)
        #expect(try t.store.count("leads", where: "1") == 1)
        #expect(lead.contact.fullName == "Jane Doe" && lead.contact.emails == ["jane@acme.example"])
        #expect(lead.tags.isEmpty)
        #expect(lead.source.format == "vcard" && lead.raw.mediaType == "text/vcard")
        #expect(lead.capturedAt == Cards.capturedAt, "when the person was met: the first tap")
        #expect(lead.mergedCaptures.map(\.source.format) == ["uid"])
        #expect(lead.mergedCaptures.first?.raw.bytes == [0x04, 0xA1])
        #expect(lead.owner == "bob", "routed by the email now known")
        #expect(try t.store.scalar("SELECT dedupe_key FROM leads") == "email:jane@acme.example")
        let events = try t.store.events(forLead: lead.id)
        // The new owner is told as for any assignment (the notifier reads owner_changed).
        #expect(events.map(\.kind) == ["created", "merged", "owner_changed"])
        #expect(events[1].data.contains("\"completed\":true"), "\(events[1].data)")
        #expect(events[2].data.contains("\"from\":\"alice\"") && events[2].data.contains("\"to\":\"bob\""), "\(events[2].data)")
        #expect(try t.store.lead(lead.id) == lead)

        // Jane's card tapped once more merges by her email, as any capture of her would.
        let again = try t.store.capture(Cards.candidate(jane, tagUID: Self.uid, policy: policy, at: later.addingTimeInterval(60)))
        guard case .merged(let merged) = again else { Issue.record("expected a merge, got \(again)"); return }
        #expect(merged.id == torn.id && merged.mergedCaptures.count == 2)
        #expect(try t.store.count("leads", where: "1") == 1)
    }

    @Test func anOwnerSetOnTheTornLeadStays() throws {
        let t = try TemporaryStore()
        let policy = LeadPolicy(ownerByDomain: ["acme.example": "bob"])
        let torn = try #require(try t.store.capture(Self.torn(policy: policy)).lead)
        _ = try t.store.annotate(torn.id, note: "tall, red scarf", change: LeadChange(owner: "carol"))

        let jane = Cards.contact(emails: ["jane@acme.example"])
        let lead = try #require(try t.store.capture(Cards.candidate(jane, tagUID: Self.uid, policy: policy)).lead)
        #expect(lead.id == torn.id)
        #expect(lead.owner == "carol" && lead.note == "tall, red scarf")
        #expect(try t.store.events(forLead: lead.id).map(\.kind).filter { $0 == "owner_changed" }.count == 1, "only carol's")
    }

    @Test func aPersonAlreadyALeadKeepsTheirLeadAndTheTornOneStays() throws {
        let t = try TemporaryStore()
        let jane = Cards.contact(emails: ["jane@acme.example"])
        let first = try #require(try t.store.capture(Cards.candidate(jane, file: "/scans/jane.vcf")).lead)
        let torn = try #require(try t.store.capture(Self.torn()).lead)

        let outcome = try t.store.capture(Cards.candidate(jane, tagUID: Self.uid))
        #expect(outcome.leadID == first.id, "the capture joins Jane's lead, by her email")
        #expect(try t.store.lead(torn.id).tags == [Lead.incompleteTag])
        #expect(try t.store.count("leads", where: "1") == 2)
    }

    @Test func anotherTagOrAnImportLeavesTheTornLeadAlone() throws {
        let t = try TemporaryStore()
        let torn = try #require(try t.store.capture(Self.torn()).lead)
        let other = try t.store.capture(Cards.candidate(Cards.contact(emails: ["ann@globex.example"]), tagUID: "04FFFFFFFFFFFF"))
        let imported = try t.store.capture(Cards.candidate(Cards.contact(emails: ["bob@initech.example"]), file: "/scans/bob.vcf"))
        #expect(other.leadID != torn.id && imported.leadID != torn.id)
        #expect(try t.store.lead(torn.id).tags == [Lead.incompleteTag])
        #expect(try t.store.count("leads", where: "1") == 3)
    }
}
