import Foundation
import Leads
@testable import LeadStore
import Testing

/// `done`, `forget` and the owner-notification outbox, on a real store file.
@Suite struct FollowUpTests {
    @Test func onlyTheFirstContactIsTheFirst() throws {
        let t = try TemporaryStore()
        let id = try t.store.capture(Cards.candidate(Cards.contact(emails: ["jane@acme.example"]))).leadID
        let at = Cards.capturedAt.addingTimeInterval(3600)

        let first = try t.store.recordContact(id, followUp: FollowUp(note: "called", nextAction: "demo", due: at.addingTimeInterval(86_400)), at: at)
        let second = try t.store.recordContact(id, followUp: FollowUp(), at: at.addingTimeInterval(60))

        #expect(first.first && !second.first)
        #expect(first.lead.nextAction.action == "demo" && first.lead.note == "called")
        #expect(second.lead.nextAction.action == NextAction.noAction && !second.lead.isOverdue(at: .distantFuture))
        #expect(try t.store.firstContacts() == [id: at])
        #expect(try t.store.events(forLead: id).map(\.kind) == ["created", "contacted", "contacted"])
        #expect(try t.store.leads(LeadFilter(dueBefore: .distantFuture)).isEmpty, "a lead with no next step is never overdue")
    }

    @Test func forgetLeavesNoPersonalDataAndLetsTheCardBeCapturedAgain() throws {
        let t = try TemporaryStore()
        func candidate() -> LeadCandidate {
            Cards.candidate(Cards.contact(emails: ["jane@acme.example"], phones: ["+1 415 555 0134"]), tagUID: "04A1B2C3")
        }
        let id = try t.store.capture(candidate()).leadID
        try t.store.annotate(id, note: "her husband is Tom", change: LeadChange(owner: "bob"))
        let entry = try t.store.quarantine(QuarantineEntry(origin: "/scans/jane.vcf", byteOffset: 0, reason: "torn", mediaType: nil,
                                                           raw: Array("BEGIN:VCARD\r\nFN:Jane".utf8), event: "RSA 2026", rep: "alice"))
        try t.store.resolveQuarantine(entry, leadID: id)

        let forgotten = try t.store.forget(id)

        #expect(forgotten.contact == NormalizedContact() && forgotten.note == nil && forgotten.raw.bytes.isEmpty)
        #expect(forgotten.source.tagUID == nil && forgotten.owner == "bob" && forgotten.rep == "alice")
        for text in ["Jane", "jane@", "415", "Tom", "04A1B2C3"] {
            #expect(try t.store.scalar("SELECT count(*) FROM leads WHERE json LIKE '%\(text)%'") == "0", "\(text)")
            #expect(try t.store.scalar("SELECT count(*) FROM lead_events WHERE data LIKE '%\(text)%'") == "0", "\(text)")
        }
        #expect(try t.store.quarantined(includeResolved: true).isEmpty)
        #expect(try t.store.events(forLead: id).last?.kind == "forgotten")
        // The person may come by again: a new lead, not a merge into the forgotten one.
        let again = try t.store.capture(candidate())
        #expect(again.leadID != id && again.lead != nil)
    }

    @Test func ownersAreToldOncePerLeadAndOwner() throws {
        let t = try TemporaryStore()
        let routed = Cards.candidate(Cards.contact(name: "Ann Lee", emails: ["ann@initech.example"]),
                                     policy: LeadPolicy(ownerByDomain: ["initech.example": "dave"]))
        let ann = try t.store.capture(routed).leadID
        let jane = try t.store.capture(Cards.candidate(Cards.contact(emails: ["jane@acme.example"]))).leadID
        #expect(try t.store.queueOwnerNotifications() == 1, "routing at capture assigns Ann to dave")

        try t.store.annotate(jane, note: nil, change: LeadChange(owner: "bob"))
        try t.store.annotate(jane, note: nil, change: LeadChange(owner: "carol"))
        try t.store.annotate(jane, note: nil, change: LeadChange(status: .hot, owner: "bob"))
        #expect(try t.store.queueOwnerNotifications() == 3, "bob, carol, and hot; bob again is not news")
        #expect(try t.store.queueOwnerNotifications() == 0)

        let pending = try t.store.pendingNotifications()
        #expect(pending.map(\.key) == ["assigned:\(ann):dave", "assigned:\(jane):bob", "assigned:\(jane):carol", "hot:\(jane)"])
        #expect(pending[3].owner == "bob" && pending[3].body.hasPrefix("@bob: hot lead Jane Doe"))
        try t.store.markNotificationSent(pending[0].seq, to: "dave@initech.example")
        #expect(try t.store.pendingNotifications()[0].sentTo == ["dave@initech.example"])
        try t.store.markNotificationDelivered(pending[0].seq)
        #expect(try t.store.pendingNotifications().count == 3)
        #expect(try t.store.notificationCounts() == ["delivered": 1, "queued": 3])
        // Every change carries who made it.
        t.store.actor = "erin"
        try t.store.annotate(jane, note: "met again")
        #expect(try t.store.events(forLead: jane).last?.data.contains("\"actor\":\"erin\"") == true)
    }
}
