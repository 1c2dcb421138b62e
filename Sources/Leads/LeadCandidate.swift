import ContactFormats
import Foundation

/// A capture not yet stored: what was read, normalized, with where it came from.
///
/// The store turns it into a new lead or merges it into the lead of the same person.
public struct LeadCandidate: Sendable {
    public var lead: Lead
    /// Same person at the same event: normalized email, else E.164 phone, else tag UID.
    public var dedupeKey: String?
    /// SHA-256 of the event and the capture's raw bytes: re-importing the same card is a no-op.
    public var contentHash: String
    /// The lead's JSON as UTF-8, made ahead of time: an import makes it on its decode
    /// workers so the single writer only writes (bytes, never a String: making one
    /// re-validates every byte). Nil means the store encodes it.
    public var leadJSON: [UInt8]?

    /// `lead` is consumed: borrowed, it was copied in (a retain a string of it).
    public init(lead: consuming Lead, dedupeKey: String?, contentHash: String, leadJSON: [UInt8]? = nil) {
        self.lead = consume lead
        self.dedupeKey = dedupeKey
        self.contentHash = contentHash
        self.leadJSON = leadJSON
    }

    /// Makes the lead's JSON now (off the store's writer thread).
    public mutating func encodeJSON() {
        leadJSON = LeadJSON.encodeUTF8(lead)
    }

    /// Builds the candidate for one card read from a tag, a file or the kiosk.
    ///
    /// Everything is read from the parts before they are moved into the lead: reading the
    /// lead afterwards made the compiler copy the contact and the source. (It still copies
    /// the lead into the candidate, and the candidate out, each a retain per string.)
    public static func make(contact: consuming NormalizedContact, raw: consuming RawPayload, source: consuming LeadSource,
                            event: String, rep: String, policy: LeadPolicy, capturedAt: Date = Date(),
                            id: String? = nil) -> LeadCandidate {
        let id = id ?? LeadID.make(at: capturedAt)
        var hasher = SHA256()
        hasher.update(event)
        hasher.update(Self.separator)
        hasher.update(raw.bytes)
        // An import of the same bytes is the same capture; a second tap of the same card is
        // a new one (kept in the lead's merged captures), so taps hash their own id too.
        if source.channel != .import { hasher.update(Self.separator); hasher.update(id) }
        let key = dedupeKey(contact: contact, tagUID: source.tagUID)
        let owner = policy.owner(for: contact, rep: rep)
        let contentHash = hasher.finalizeHex()
        let nextAction = policy.nextAction(capturedAt: capturedAt)
        return LeadCandidate(lead: Lead(id: id, event: event, rep: rep, capturedAt: capturedAt, source: source,
                                        contact: contact, owner: owner, nextAction: nextAction, raw: raw),
                             dedupeKey: key, contentHash: contentHash)
    }

    private static let separator: [UInt8] = [0]

    /// "email:" and the address lower-cased, in one allocation when it is ASCII (nearly
    /// always): the lower-cased copy and then the joined one cost two a card.
    static func emailKey(_ email: String) -> String {
        let ascii = email.withUTF8Bytes { bytes in bytes.allSatisfy { $0 < 0x80 } }
        guard ascii else { return "email:" + email.lowercased() }
        return email.withUTF8Bytes { bytes in
            String(unsafeUninitializedCapacity: 6 + bytes.count) { out in
                for (offset, byte) in "email:".utf8.enumerated() { out[offset] = byte }
                for (offset, byte) in bytes.enumerated() { out[6 + offset] = byte.asciiLowercased }
                return 6 + bytes.count
            }
        }
    }

    public static func dedupeKey(contact: NormalizedContact, tagUID: String?) -> String? {
        if let email = contact.emails.first { return Self.emailKey(email) }
        if let phone = contact.phones.first(where: { $0.e164 != nil })?.e164 { return "phone:" + phone }
        if let uid = tagUID, !uid.isEmpty { return "uid:" + uid.uppercased() }
        return nil
    }
}

extension NormalizedContact {
    /// This contact with the other's details added: missing fields filled, new emails,
    /// phones, URLs and addresses appended. Nothing already here is overwritten.
    public func merged(with other: NormalizedContact) -> NormalizedContact {
        var out = self
        out.fullName = fullName ?? other.fullName
        out.givenName = givenName ?? other.givenName
        out.familyName = familyName ?? other.familyName
        out.organization = organization ?? other.organization
        out.title = title ?? other.title
        out.note = note ?? other.note
        for e in other.emails where !out.emails.contains(where: { $0.lowercased() == e.lowercased() }) { out.emails.append(e) }
        for p in other.phones where !out.phones.contains(where: { ($0.e164 ?? $0.number) == (p.e164 ?? p.number) }) { out.phones.append(p) }
        for u in other.urls where !out.urls.contains(u) { out.urls.append(u) }
        for a in other.addresses where !out.addresses.contains(a) { out.addresses.append(a) }
        for e in other.invalidEmails where !out.invalidEmails.contains(e) { out.invalidEmails.append(e) }
        return out
    }
}
