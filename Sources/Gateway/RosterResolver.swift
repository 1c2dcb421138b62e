import Foundation
import Leads
import LeadStore
import NDEF

/// Finds the people behind badges in the event's attendee roster: at capture (a UID-only
/// tap, a tag holding a registration code) and later, when a roster arrives after the taps
/// (`roster import` re-resolves the event's leads that have no name yet).
public struct RosterResolver: Sendable {
    public let store: LeadStore
    public let event: String
    public let normalizer: ContactNormalizer

    public init(store: LeadStore, event: String, normalizer: ContactNormalizer) {
        self.store = store
        self.event = event
        self.normalizer = normalizer
    }

    /// A roster attendee as a lead takes them: their contact and the key that found them.
    public struct Match: Sendable {
        public var contact: NormalizedContact
        public var key: RosterKey
    }

    /// The attendee a capture's keys find, if the event's roster has them. Only for a
    /// contact without a name: a card that names its person needs no roster.
    public func match(tagUIDs: [String], raws: [RawPayload], contact: NormalizedContact) throws(StoreError) -> Match? {
        guard contact.fullName == nil else { return nil }
        let keys = Self.keys(tagUIDs: tagUIDs, raws: raws, contact: contact)
        guard let found = try store.rosterAttendee(event: event, keys: keys) else { return nil }
        return Match(contact: found.entry.contact(normalizer), key: found.key)
    }

    /// Re-resolves the event's leads that have no name and no roster match yet; each one the
    /// roster finds is enriched (a change event, forwarded like any other). Returns them.
    @discardableResult
    public func enrichUnresolved(at: Date = Date()) throws(StoreError) -> [Lead] {
        var enrichments: [LeadEnrichment] = []
        for (lead, version) in try store.unresolvedLeadVersions(event: event) {
            let uids = ([lead.source.tagUID] + lead.mergedCaptures.map(\.source.tagUID)).compactMap { $0 }
            let raws = [lead.raw] + lead.mergedCaptures.map(\.raw)
            guard let match = try match(tagUIDs: uids, raws: raws, contact: lead.contact) else { continue }
            enrichments.append(LeadEnrichment(leadID: lead.id, origin: .roster, contact: match.contact, matched: RosterMatch(match.key),
                                              base: lead, baseVersion: version))
        }
        return try store.enrich(enrichments, at: at)
    }

    /// Query parameters that usually carry a badge's code, tried first.
    static let codeParameters: Set<String> = ["code", "c", "id", "badge", "badge_id", "reg", "registration", "regid", "barcode",
                                              "ticket", "attendee", "secret", "ref", "uid", "k"]
    /// At most this many code candidates per capture: tag content is attacker-controlled.
    static let maximumCodes = 8

    /// The keys a capture offers, in the order they are tried: tag UIDs, then codes carried
    /// by NDEF URI and Text records (a URL's code-like query values and last path segment,
    /// a Text record's single word), then the contact's first email.
    public static func keys(tagUIDs: [String], raws: [RawPayload], contact: NormalizedContact) -> [RosterKey] {
        var keys: [RosterKey] = tagUIDs.compactMap(RosterKey.uid)
        var codes: [String] = []
        for raw in raws where raw.mediaType == "application/vnd.nfc.ndef" {
            guard let message = try? NDEFMessage(decoding: raw.bytes) else { continue }
            for record in message.records {
                if let uri = (try? record.uri) ?? nil {
                    codes += codeCandidates(url: uri)
                } else if let poster = (try? record.smartPoster) ?? nil {
                    codes += codeCandidates(url: poster.uri)
                } else if let text = (try? record.text) ?? nil {
                    let word = text.text.trimmingCharacters(in: .whitespacesAndNewlines)
                    if !word.isEmpty, word.count <= 64, !word.contains(where: \.isWhitespace) { codes.append(word) }
                }
            }
        }
        for url in contact.urls { codes += codeCandidates(url: url) }
        var seen = Set<String>()
        for code in codes {
            guard let key = RosterKey.code(code), seen.insert(key.value).inserted else { continue }
            keys.append(key)
            if seen.count == maximumCodes { break }
        }
        if let email = contact.emails.first.flatMap(RosterKey.email) { keys.append(email) }
        return keys
    }

    /// `https://example.com/badge?code=XK42` -> XK42; `https://example.com/a/XK42` -> XK42.
    static func codeCandidates(url: String) -> [String] {
        guard url.utf8.count <= 2048, let components = URLComponents(string: url) else { return [] }
        let items = components.queryItems ?? []
        var out = items.filter { codeParameters.contains($0.name.lowercased()) }.compactMap(\.value)
        out += items.filter { !codeParameters.contains($0.name.lowercased()) }.compactMap(\.value)
        if let last = components.path.split(separator: "/").last { out.append(String(last)) }
        if let fragment = components.fragment, !fragment.isEmpty { out.append(fragment) }
        return out.filter { !$0.isEmpty }
    }
}
