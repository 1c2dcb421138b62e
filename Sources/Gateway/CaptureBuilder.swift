import ContactFormats
import Foundation
import Leads
import LeadStore

/// Turns what was read (a decoded payload and where it came from) into lead candidates,
/// and what cannot be a lead into quarantine entries. No I/O: the caller stores both.
public struct CaptureBuilder: Sendable {
    public var event: String
    public var rep: String
    public var policy: LeadPolicy
    public var normalizer: ContactNormalizer

    public init(event: String, rep: String, policy: LeadPolicy, normalizer: ContactNormalizer) {
        self.event = event
        self.rep = rep
        self.policy = policy
        self.normalizer = normalizer
    }

    /// What one input yields: candidates to capture and inputs to quarantine.
    public struct Result: Sendable {
        public var candidates: [LeadCandidate] = []
        public var rejects: [QuarantineEntry] = []
        /// What was cut to keep cards and leads within their bounds (`CardLimits`,
        /// `LeadLimits`): the leads were made all the same; these keep the raw bytes, and
        /// their reasons are warnings for the user.
        public var warnings: [QuarantineEntry] = []
    }

    /// The candidates in a decoded payload read from `origin` (a file path or `stdin`).
    ///
    /// A torn card, a card that holds nothing a lead can use, and a payload with no card at
    /// all are rejected with the reason and their bytes.
    /// The payload is consumed: each card moves out of it into the normalizer.
    ///
    /// For a piece of a bigger file, `cardsBefore` and `byteBase` say where the piece starts
    /// (the cards and bytes of the file before it), so rejects name the card and offset in
    /// the file.
    public func candidates(from payload: consuming DecodedPayload, whole: [UInt8], origin: String, channel: LeadSource.Channel,
                           file: String?, capturedAt: Date = Date(), cardsBefore: Int = 0, byteBase: Int = 0) -> Result {
        var result = Result()
        for issue in payload.issues where !issue.message.contains(ContactFormatError.Code.missingEnd.rawValue) {
            // Issues that did not stop a card from being read are kept with the input, so
            // nothing the parser skipped is lost; torn cards are quarantined below.
            let entry = QuarantineEntry(origin: origin, byteOffset: issue.offset.map { $0 + byteBase }, reason: issue.message,
                                        mediaType: mediaType(forFormat: payload.format), raw: whole,
                                        event: event, rep: rep, receivedAt: capturedAt)
            if issue.isTruncation { result.warnings.append(entry) } else { result.rejects.append(entry) }
        }
        // Through a buffer pointer, reading each contact in place: `for decoded in` and the
        // array's subscript copied every contact or card they returned (a retain and a
        // release per string of its card). The card itself moves out (`moveOut`): passed in
        // place, it was copied all the same, as memory reached through a pointer could
        // change while the normalizer reads it.
        let issues = payload.issues
        payload.contacts.withUnsafeMutableBufferPointer { contacts in
            for index in contacts.indices {
                // Named only for a reject (made for every card, it cost every card a formatting).
                func place() -> String { contacts.count > 1 || cardsBefore > 0 ? "card \(cardsBefore + index + 1)" : "card" }
                if contacts[index].isTorn {
                    let offset = issues.first { $0.message.contains(ContactFormatError.Code.missingEnd.rawValue) }?.offset.map { $0 + byteBase }
                    result.rejects.append(QuarantineEntry(origin: origin, byteOffset: offset,
                                                          reason: "\(place()) starting at byte \(offset ?? 0) is torn: the input ends before its END:VCARD",
                                                          mediaType: contacts[index].mediaType, raw: contacts[index].raw, event: event, rep: rep,
                                                          receivedAt: capturedAt))
                    continue
                }
                let format = contacts[index].card.format
                let contact = normalizer.normalize(contacts[index].card.moveOut())
                guard Self.isUsable(contact) else {
                    result.rejects.append(QuarantineEntry(origin: origin, byteOffset: nil,
                                                          reason: "\(place()) holds no name, email, phone or URL",
                                                          mediaType: contacts[index].mediaType, raw: contacts[index].raw,
                                                          event: event, rep: rep, receivedAt: capturedAt))
                    continue
                }
                var candidate = LeadCandidate.make(
                    contact: contact,
                    raw: RawPayload(mediaType: contacts[index].mediaType, bytes: contacts[index].raw),
                    source: LeadSource(channel: channel, format: Self.leadFormat(format), file: file),
                    event: event, rep: rep, policy: policy, capturedAt: capturedAt)
                if let cut = LeadLimits.fit(&candidate.lead) {
                    result.warnings.append(QuarantineEntry(
                        origin: origin, byteOffset: nil, reason: "\(place()) (lead \(candidate.lead.id.prefix(8))): \(cut.description)",
                        mediaType: contacts[index].mediaType, raw: cut.raw ?? contacts[index].raw,
                        event: event, rep: rep, receivedAt: capturedAt))
                }
                // `consume`: appended as is, the candidate was copied (a retain a string of its lead).
                result.candidates.append(consume candidate)
            }
        }
        if payload.contacts.isEmpty && result.rejects.isEmpty {
            result.rejects.append(QuarantineEntry(origin: origin, byteOffset: nil,
                                                  reason: "no card, email or phone number found (read as \(payload.format))",
                                                  mediaType: mediaType(forFormat: payload.format), raw: whole,
                                                  event: event, rep: rep, receivedAt: capturedAt))
        }
        return result
    }

    /// An input that could not be decoded at all.
    public func reject(_ whole: [UInt8], origin: String, issue: PayloadIssue, capturedAt: Date = Date()) -> QuarantineEntry {
        QuarantineEntry(origin: origin, byteOffset: issue.offset, reason: issue.message, mediaType: nil, raw: whole,
                        event: event, rep: rep, receivedAt: capturedAt)
    }

    static func isUsable(_ contact: NormalizedContact) -> Bool {
        contact.fullName != nil || !contact.emails.isEmpty || !contact.phones.isEmpty || !contact.urls.isEmpty
            || contact.organization != nil || !contact.invalidEmails.isEmpty
    }

    /// The lead's `source.format` for a card format (DESIGN.md's list has no KDDI: it is a MECARD cousin).
    public static func leadFormat(_ format: ContactFormat) -> String {
        switch format {
        case .kddi: return "mecard"
        default: return format.rawValue
        }
    }

    func mediaType(forFormat format: String) -> String {
        switch format {
        case "vcard": return "text/vcard"
        case "ndef", "type2", "type4": return "application/vnd.nfc.ndef"
        default: return "text/plain"
        }
    }
}
