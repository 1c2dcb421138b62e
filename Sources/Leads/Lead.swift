import Foundation

/// A lead: one person met at an event, with what the rep needs to follow up.
///
/// Stored, exported and forwarded as the JSON of DESIGN.md (see `Lead+Codable.swift`).
public struct Lead: Sendable, Hashable {
    /// A UUIDv7 made at capture; the idempotency key everywhere downstream.
    public var id: String
    public var event: String
    public var rep: String
    public var capturedAt: Date
    public var source: LeadSource
    public var contact: NormalizedContact
    /// The rep's one line of context.
    public var note: String?
    public var status: LeadStatus
    public var owner: String
    public var tags: [String]
    public var nextAction: NextAction
    public var consent: Consent?
    /// The exact bytes that were read.
    public var raw: RawPayload
    /// Later captures of the same person at the same event, merged into this lead.
    public var mergedCaptures: [Capture]
    /// Enrichment that failed (a profile link that could not be fetched or read), kept for
    /// the rep; `warnings` in the JSON, left out when there are none.
    public var warnings: [String] = []

    /// The tag on a lead made from the UID of a tag that left the reader mid-read; a clean
    /// re-read of the same tag completes that lead (LeadStore's capture) and drops it.
    public static let incompleteTag = "incomplete"

    public init(id: String, event: String, rep: String, capturedAt: Date, source: LeadSource,
                contact: NormalizedContact, note: String? = nil, status: LeadStatus = .new, owner: String,
                tags: [String] = [], nextAction: NextAction, consent: Consent? = nil, raw: RawPayload,
                mergedCaptures: [Capture] = []) {
        self.id = id
        self.event = event
        self.rep = rep
        self.capturedAt = capturedAt
        self.source = source
        self.contact = contact
        self.note = note
        self.status = status
        self.owner = owner
        self.tags = tags
        self.nextAction = nextAction
        self.consent = consent
        self.raw = raw
        self.mergedCaptures = mergedCaptures
    }
}

public enum LeadStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case new, hot, warm, cold
}

/// Where a capture came from.
public struct LeadSource: Sendable, Hashable {
    public enum Channel: String, Sendable, Hashable, Codable, CaseIterable {
        case tap, kiosk, `import`, manual
    }

    public var channel: Channel
    public var reader: String?
    public var tagUID: String?
    public var tagType: String?
    /// `vcard`, `mecard`, `bizcard`, `uri`, `text` or `uid`.
    public var format: String
    public var file: String?
    /// The attendee-roster key that found the person (`matched` in the JSON, left out when
    /// none did: leads from before rosters keep their exact JSON).
    public var matched: RosterMatch?

    public init(channel: Channel, reader: String? = nil, tagUID: String? = nil, tagType: String? = nil,
                format: String, file: String? = nil, matched: RosterMatch? = nil) {
        self.channel = channel
        self.reader = reader
        self.tagUID = tagUID
        self.tagType = tagType
        self.format = format
        self.file = file
        self.matched = matched
    }
}

public struct NextAction: Sendable, Hashable {
    public var action: String
    public var due: Date

    public init(action: String, due: Date) {
        self.action = action
        self.due = due
    }
}

public struct Consent: Sendable, Hashable {
    public var given: Bool
    public var textVersion: String
    public var at: Date

    public init(given: Bool, textVersion: String, at: Date) {
        self.given = given
        self.textVersion = textVersion
        self.at = at
    }
}

/// The bytes a capture read, with their media type.
public struct RawPayload: Sendable, Hashable {
    public var mediaType: String
    public var bytes: [UInt8]

    public init(mediaType: String, bytes: [UInt8]) {
        self.mediaType = mediaType
        self.bytes = bytes
    }
}

/// One more capture of a lead's person: when, from where, and the bytes read.
public struct Capture: Sendable, Hashable {
    public var capturedAt: Date
    public var source: LeadSource
    public var raw: RawPayload

    public init(capturedAt: Date, source: LeadSource, raw: RawPayload) {
        self.capturedAt = capturedAt
        self.source = source
        self.raw = raw
    }
}

extension Lead: CustomStringConvertible {
    /// No personal data: descriptions end up in logs.
    public var description: String {
        "Lead(\(id), event: \(event), status: \(status.rawValue), format: \(source.format))"
    }
}
