import Foundation
import Leads
@testable import LeadStore
import Testing

/// Kiosk captures held until the visitor's consent: never visible to the forwarder before,
/// queued after, gone without a trace when declined.
struct ConsentTests {
    static func kioskCandidate(_ contact: NormalizedContact, uid: String) -> LeadCandidate {
        var candidate = Cards.candidate(contact, rep: "kiosk", tagUID: uid)
        candidate.lead.source.channel = .kiosk
        return candidate
    }

    static let consent = Consent(given: true, textVersion: "kiosk-v1", at: Cards.capturedAt)

    @Test func aHeldCaptureIsStoredButNeverOfferedToTheForwarderUntilConsent() throws {
        let temp = try TemporaryStore()
        let store = temp.store
        let candidate = Self.kioskCandidate(Cards.contact(name: "Kim Kiosk", emails: ["kim@kiosk.example"]), uid: "04AA")
        _ = try store.holdForConsent(candidate)
        #expect(try temp.reopen().lead(candidate.lead.id).contact.fullName == "Kim Kiosk")
        #expect(try store.pendingDeliveries(limit: 10).isEmpty)
        #expect(try store.outboxStatus().queued == 0)

        let lead = try store.confirmConsent(candidate.lead.id, consent: Self.consent, owner: "bob")
        #expect(lead.owner == "bob")
        let pending = try store.pendingDeliveries(limit: 10)
        #expect(pending.map(\.kind) == ["created"])
        let forwarded = try JSONSerialization.jsonObject(with: Data(pending[0].leadJSON.utf8)) as? [String: Any]
        let consent = try #require(forwarded?["consent"] as? [String: Any])
        #expect(consent["given"] as? Bool == true)
        #expect(consent["text_version"] as? String == "kiosk-v1")
        // Agreeing twice (a double touch) changes nothing more.
        _ = try store.confirmConsent(candidate.lead.id, consent: Self.consent, owner: "carol")
        #expect(try store.pendingDeliveries(limit: 10).count == 1)
        #expect(try store.lead(candidate.lead.id).owner == "bob")
    }

    @Test func aDeclinedCaptureLeavesOnlyACount() throws {
        let temp = try TemporaryStore()
        let store = temp.store
        let candidate = Self.kioskCandidate(Cards.contact(name: "Dora Decline", emails: ["dora@decline.example"]), uid: "04BB")
        _ = try store.holdForConsent(candidate)
        #expect(try store.discardUnconsented(candidate.lead.id, quarantineOrigin: "reader tag 04BB", receivedAt: Cards.capturedAt,
                                             countKey: "kiosk_declined"))
        #expect(try store.count("leads") == 0)
        #expect(try store.count("lead_events") == 0)
        #expect(try store.counter("kiosk_declined") == 1)
        #expect(try store.pendingDeliveries(limit: 10).isEmpty)
    }

    @Test func aConsentedLeadIsNeverDeletedAsUnconsented() throws {
        let temp = try TemporaryStore()
        let store = temp.store
        let candidate = Self.kioskCandidate(Cards.contact(name: "Ada Agree", emails: ["ada@agree.example"]), uid: "04CC")
        _ = try store.holdForConsent(candidate)
        _ = try store.confirmConsent(candidate.lead.id, consent: Self.consent, owner: "alice")
        #expect(try !store.discardUnconsented(candidate.lead.id, quarantineOrigin: "x", receivedAt: Date(), countKey: "kiosk_abandoned"))
        #expect(try store.purgeUnconsented() == 0)
        #expect(try store.count("leads") == 1)
    }

    @Test func agreeingMergesIntoTheSamePersonsEarlierLead() throws {
        let temp = try TemporaryStore()
        let store = temp.store
        // Met at the booth first, then tapped at the kiosk.
        let booth = Cards.candidate(Cards.contact(name: "Sam Same", emails: ["sam@same.example"]), tagUID: "04DD")
        _ = try store.capture(booth)
        let kiosk = Self.kioskCandidate(Cards.contact(name: "Sam Same", emails: ["SAM@same.example"], organization: "Same Inc"), uid: "04DE")
        _ = try store.holdForConsent(kiosk)
        #expect(try store.count("leads") == 2)
        let merged = try store.confirmConsent(kiosk.lead.id, consent: Self.consent, owner: "bob")
        #expect(merged.id == booth.lead.id)
        #expect(merged.consent == Self.consent)
        #expect(merged.contact.organization == "Same Inc")
        #expect(merged.mergedCaptures.map(\.source.channel) == [.kiosk])
        #expect(try store.count("leads") == 1)
        #expect(try store.pendingDeliveries(limit: 10).map(\.kind) == ["created", "merged"])
    }

    @Test func heldCapturesFromACrashedRunArePurgedAtStart() throws {
        let temp = try TemporaryStore()
        let candidate = Self.kioskCandidate(Cards.contact(name: "Cy Crash", emails: ["cy@crash.example"]), uid: "04EE")
        _ = try temp.store.holdForConsent(candidate)
        _ = try temp.store.capture(Cards.candidate(Cards.contact(name: "Bo Booth", emails: ["bo@booth.example"]), tagUID: "04EF"))
        #expect(try temp.reopen().purgeUnconsented() == 1)
        #expect(try temp.store.count("leads") == 1)
    }
}
