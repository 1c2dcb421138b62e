import ContactFormats
import Foundation
import Leads
import LeadStore
import Logging
import TagReaders

/// What booth and kiosk mode do with a tap, independent of any screen: store it at once,
/// then take the rep's note for it.
///
/// A tap is committed (fsync'd) before `handle` returns, so the screen never shows a lead
/// that a crash could lose. A tag pulled away mid-read still makes a lead from its UID
/// (known from the first command), tagged `incomplete`; its bytes go to the quarantine and
/// the rep is asked to tap again. A tag whose content is garbage still makes a lead from its
/// UID, and its bytes are quarantined with the reason.
public final class BoothSession: Sendable {
    public let store: LeadStore
    public let builder: CaptureBuilder
    public let channel: LeadSource.Channel
    let logger: Logger

    public init(store: LeadStore, builder: CaptureBuilder, channel: LeadSource.Channel = .tap, logger: Logger) {
        self.store = store
        self.builder = builder
        self.channel = channel
        self.logger = logger
        // The rep at the booth (or kiosk) makes its notes and changes: their events' actor.
        store.actor = builder.rep
    }

    /// A tap that became a lead, or merged into one.
    public struct Captured: Sendable {
        public var lead: Lead
        /// True when the same person was already a lead at this event.
        public var merged: Bool
        public var reader: String
        public var tagType: String
        /// When the reader reported the tag, and how long the reader's own I/O took.
        public var arrival: ContinuousClock.Instant
        public var readerIO: Duration
        /// Problems with the tag's content (kept in the quarantine).
        public var issues: [String]
    }

    public enum Outcome: Sendable {
        case captured(Captured)
        /// Nothing stored as a lead; the reason is for the rep.
        case rejected(reader: String, reason: String)
    }

    /// Stores what a tap read. Throws only when the store itself fails.
    public func handle(_ tap: Tap, now: Date = Date()) throws(StoreError) -> Outcome {
        let origin = "\(tap.reader) tag \(tap.uidHex)"
        guard tap.isComplete else {
            let reason = "tag left the reader mid-read after \(tap.bytesRead.count) bytes: tap again"
            try store.quarantine(QuarantineEntry(origin: origin, byteOffset: tap.bytesRead.count, reason: reason,
                                                 mediaType: "application/octet-stream", raw: tap.bytesRead,
                                                 event: builder.event, rep: builder.rep, receivedAt: now))
            logger.info("incomplete tap quarantined", metadata: ["tap.bytes": "\(tap.bytesRead.count)"])
            guard !tap.uid.isEmpty else { return .rejected(reader: tap.reader, reason: reason) }
            return try captureIncomplete(tap, reason: reason, now: now)
        }
        var issues = tap.issues + (tap.content?.issues.map(\.description) ?? [])
        let decoded = (tap.content?.contacts ?? []).filter { !$0.isTorn }
        let ranked = decoded.sorted { Self.rank($0.card.format) < Self.rank($1.card.format) }
        var contact = NormalizedContact()
        for (i, entry) in ranked.enumerated() {
            let normalized = builder.normalizer.normalize(entry.card)
            contact = i == 0 ? normalized : contact.merged(with: normalized)
        }
        var format = ranked.first.map { CaptureBuilder.leadFormat($0.card.format) } ?? "uid"
        let raw = tap.ndefMessage.map { RawPayload(mediaType: "application/vnd.nfc.ndef", bytes: $0) }
            ?? RawPayload(mediaType: "application/octet-stream", bytes: tap.uid)
        let match = rosterMatch(tap, raw: raw, contact: &contact, format: &format)
        if ranked.isEmpty, match == nil, let message = tap.ndefMessage, !message.isEmpty {
            issues.append("the tag's NDEF message holds no card, email, phone or link")
        }
        if !issues.isEmpty, let message = tap.ndefMessage {
            try store.quarantine(QuarantineEntry(origin: origin, byteOffset: nil, reason: issues.joined(separator: "; "),
                                                 mediaType: "application/vnd.nfc.ndef", raw: message,
                                                 event: builder.event, rep: builder.rep, receivedAt: now))
        }
        let source = LeadSource(channel: channel, reader: tap.reader, tagUID: tap.uid.isEmpty ? nil : tap.uidHex,
                                tagType: tap.tagType.rawValue, format: format, matched: match)
        let candidate = LeadCandidate.make(contact: contact, raw: raw, source: source, event: builder.event,
                                           rep: builder.rep, policy: builder.policy, capturedAt: now)
        // A kiosk capture waits for the visitor's consent before it is queued (LeadStore+Consent).
        let outcome = channel == .kiosk ? try store.holdForConsent(candidate) : try store.capture(candidate)
        if issues.isEmpty { try store.resolveQuarantine(origin: origin, leadID: outcome.leadID, at: now) }
        guard let lead = outcome.lead ?? (try? store.lead(outcome.leadID)) else {
            return .rejected(reader: tap.reader, reason: "the store has no lead \(outcome.leadID)")
        }
        if case .merged = outcome { logger.info("tap merged into an existing lead", metadata: ["lead.id": "\(lead.id)"]) }
        else { logger.info("tap captured", metadata: ["lead.id": "\(lead.id)", "lead.format": "\(format)"]) }
        let merged: Bool
        if case .merged = outcome { merged = true } else { merged = false }
        return .captured(Captured(lead: lead, merged: merged, reader: tap.reader, tagType: tap.tagType.rawValue,
                                  arrival: tap.timings.arrival, readerIO: tap.timings.readerIO, issues: issues))
    }

    /// A lead from the UID of a tag that left mid-read, tagged `incomplete`: the person was
    /// at the booth even if their card was not read to the end.
    func captureIncomplete(_ tap: Tap, reason: String, now: Date) throws(StoreError) -> Outcome {
        let source = LeadSource(channel: channel, reader: tap.reader, tagUID: tap.uidHex, tagType: tap.tagType.rawValue, format: "uid")
        var candidate = LeadCandidate.make(contact: NormalizedContact(), raw: RawPayload(mediaType: "application/octet-stream", bytes: tap.uid),
                                           source: source, event: builder.event, rep: builder.rep, policy: builder.policy, capturedAt: now)
        candidate.lead.tags = [Self.incompleteTag]
        let outcome = channel == .kiosk ? try store.holdForConsent(candidate) : try store.capture(candidate)
        guard let lead = outcome.lead ?? (try? store.lead(outcome.leadID)) else {
            return .rejected(reader: tap.reader, reason: reason)
        }
        logger.info("incomplete tap captured by its UID", metadata: ["lead.id": "\(lead.id)"])
        let merged: Bool
        if case .merged = outcome { merged = true } else { merged = false }
        return .captured(Captured(lead: lead, merged: merged, reader: tap.reader, tagType: tap.tagType.rawValue,
                                  arrival: tap.timings.arrival, readerIO: tap.timings.readerIO, issues: [reason]))
    }

    /// The tag on a lead made from a tag that left the reader mid-read.
    public static let incompleteTag = Lead.incompleteTag

    /// Applies the rep's note line (its grammar included) to a lead.
    @discardableResult
    public func addNote(_ line: String, to leadID: String, now: Date = Date()) throws(StoreError) -> Lead {
        let parsed = NoteGrammar(now: now).parse(line)
        return try store.annotate(leadID, note: parsed.note, change: LeadChange(parsed), at: now)
    }

    /// The card a lead is made from when a tag holds several: a vCard says most.
    static func rank(_ format: ContactFormat) -> Int {
        switch format {
        case .vcard: return 0
        case .mecard, .bizcard, .kddi: return 1
        case .text: return 2
        case .uri: return 3
        }
    }
}

extension Lead {
    /// One line for the booth screen: the name, else an email, phone, link or the UID.
    public var headline: String {
        let c = contact
        if let name = c.fullName {
            let role = [c.title, c.organization].compactMap { $0 }.joined(separator: ", ")
            return role.isEmpty ? name : "\(name) — \(role)"
        }
        if let email = c.emails.first { return email + (c.organization.map { " — \($0)" } ?? "") }
        if let phone = c.phones.first { return phone.e164 ?? phone.number }
        if let url = c.urls.first { return url }
        if let uid = source.tagUID { return "badge \(uid) (UID only)" }
        return "lead \(id)"
    }
}
