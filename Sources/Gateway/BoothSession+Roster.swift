import Foundation
import Leads
import LeadStore
import TagReaders

extension BoothSession {
    /// Looks the tap up in the event's roster: a UID-only badge, or a tag carrying a
    /// registration code, takes the attendee's contact. One indexed lookup per key (well
    /// under a millisecond at 100,000 attendees), on the tap path so the rep sees the name
    /// at once. A store failure here costs only the match: the tap is still stored.
    func rosterMatch(_ tap: Tap, raw: RawPayload, contact: inout NormalizedContact, format: inout String) -> RosterMatch? {
        let resolver = RosterResolver(store: store, event: builder.event, normalizer: builder.normalizer)
        let found: RosterResolver.Match?
        do {
            found = try resolver.match(tagUIDs: tap.uid.isEmpty ? [] : [tap.uidHex], raws: [raw], contact: contact)
        } catch {
            logger.warning("roster lookup failed; the tap is stored without it", metadata: ["store.error": "\(error)"])
            return nil
        }
        guard let found else { return nil }
        // A tag whose only record is a code in a Text record read as no card at all.
        if format == "uid", found.key.kind == .code { format = "text" }
        contact = contact.merged(with: found.contact)
        logger.info("tap matched the roster", metadata: ["roster.key": "\(found.key.kind.rawValue)"])
        return RosterMatch(found.key)
    }
}
