import Foundation
import Leads
@testable import LeadStore
import Testing

@Suite struct AnnotateTests {
    @Test func aNoteIsAddedAfterTheOneBefore() throws {
        let t = try TemporaryStore()
        let id = try t.store.capture(Cards.candidate(Cards.contact(emails: ["jane@acme.example"]))).leadID
        try t.store.annotate(id, note: "wants a pilot")
        let lead = try t.store.annotate(id, note: "  call Tuesday \n")
        #expect(lead.note == "wants a pilot\ncall Tuesday")
        #expect(try t.store.lead(id).note == "wants a pilot\ncall Tuesday")
        #expect(try t.store.scalar("SELECT has_note FROM leads") == "1")
        let events = try t.store.events(forLead: id)
        #expect(events.map(\.kind) == ["created", "note_added", "note_added"])
        #expect(events[2].data.contains("call Tuesday"))
    }

    @Test func eachChangeIsItsOwnEventQueuedForForwarding() throws {
        let t = try TemporaryStore()
        let id = try t.store.capture(Cards.candidate(Cards.contact(emails: ["jane@acme.example"]))).leadID
        let due = Date(timeIntervalSince1970: 1_795_500_000)
        let lead = try t.store.annotate(id, note: "wants a 50-seat pilot",
                                        change: LeadChange(status: .hot, owner: "bob", nextAction: "call", due: due, addTags: ["pilot"]))
        #expect(lead.status == .hot)
        #expect(lead.owner == "bob")
        #expect(lead.nextAction == NextAction(action: "call", due: due))
        #expect(lead.tags == ["pilot"])
        let events = try t.store.events(forLead: id)
        #expect(events.map(\.kind) == ["created", "note_added", "status_changed", "owner_changed", "next_action_changed", "tags_changed"])
        // One outbox item per event, in order, for the shared store.
        let queued = try t.store.pendingDeliveries(limit: 100)
        #expect(queued.map(\.kind) == events.map(\.kind))
        #expect(queued.allSatisfy { $0.leadID == id })
        #expect(try t.store.count("outbox") == events.count)
        // The columns the filters read follow the change.
        #expect(try t.store.scalar("SELECT status || '|' || owner || '|' || due_at FROM leads") == "hot|bob|\(Timestamp.format(due))")
        #expect(try t.store.leads(LeadFilter(status: .hot)).map(\.id) == [id])
        #expect(try t.store.leads(LeadFilter(owner: "bob")).map(\.id) == [id])
    }

    @Test func changingOnlyTheDueTimeKeepsTheAction() throws {
        let t = try TemporaryStore()
        let id = try t.store.capture(Cards.candidate(Cards.contact(emails: ["jane@acme.example"]))).leadID
        let due = Date(timeIntervalSince1970: 1_795_600_000)
        let lead = try t.store.annotate(id, note: nil, change: LeadChange(due: due))
        #expect(lead.nextAction == NextAction(action: "follow up", due: due))
    }

    @Test func whatChangesNothingRecordsNothing() throws {
        let t = try TemporaryStore()
        let id = try t.store.capture(Cards.candidate(Cards.contact(emails: ["jane@acme.example"]))).leadID
        try t.store.annotate(id, note: "   ", change: LeadChange(status: .new, owner: "alice"))
        try t.store.annotate(id, note: "x", change: LeadChange(addTags: ["pilot"]))
        try t.store.annotate(id, note: nil, change: LeadChange(addTags: ["pilot"]))
        #expect(try t.store.events(forLead: id).map(\.kind) == ["created", "note_added", "tags_changed"])
        #expect(try t.store.lead(id).tags == ["pilot"])
    }

    @Test func findsALeadByAUniquePrefix() throws {
        let t = try TemporaryStore()
        let id = try t.store.capture(Cards.candidate(Cards.contact(emails: ["jane@acme.example"]))).leadID
        #expect(try t.store.lead(String(id.prefix(8))).id == id)
        #expect(try t.store.lead(String(id.prefix(4))).id == id)
        #expect(try t.store.lead(id.uppercased()).id == id)
        #expect(try t.store.annotate(String(id.prefix(13)), note: "by prefix").note == "by prefix")
    }

    @Test func anAmbiguousPrefixAsksForMore() throws {
        let t = try TemporaryStore()
        // Ids made in the same millisecond share their first 12 hex digits.
        let a = try t.store.capture(Cards.candidate(Cards.contact(emails: ["a@acme.example"]))).leadID
        let b = try t.store.capture(Cards.candidate(Cards.contact(emails: ["b@acme.example"]))).leadID
        #expect(a.prefix(8) == b.prefix(8))
        #expect { try t.store.lead(String(a.prefix(8))) } throws: { ($0 as? StoreError)?.code == .ambiguousID }
        let short = try t.store.shortIDs([a, b])
        #expect(try t.store.lead(try #require(short[a])).id == a)
        #expect(try t.store.lead(try #require(short[b])).id == b)
        #expect(short[a] != short[b])
    }

    @Test func aMissingOrTooShortIDIsNotFound() throws {
        let t = try TemporaryStore()
        let id = try t.store.capture(Cards.candidate(Cards.contact(emails: ["jane@acme.example"]))).leadID
        for bad in ["ffffffff", String(id.prefix(3)), "", "zzzz", "'; DROP TABLE leads; --", "%%%%", "____"] {
            #expect(throws: StoreError.self, "\(bad)") { try t.store.lead(bad) }
            #expect { try t.store.lead(bad) } throws: { ($0 as? StoreError)?.code == .notFound }
        }
        #expect { try t.store.annotate("ffffffff", note: "x") } throws: { ($0 as? StoreError)?.code == .notFound }
        #expect(try t.store.count("leads") == 1)
    }
}
