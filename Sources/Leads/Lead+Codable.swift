import Foundation

// The lead JSON of DESIGN.md: snake_case keys, explicit nulls, ISO 8601 UTC times with
// milliseconds, raw bytes as base64. Written by hand so the key names are in one place.

extension Lead: Codable {
    enum CodingKeys: String, CodingKey {
        case id, event, rep, source, contact, note, status, owner, tags, consent, raw, warnings
        case capturedAt = "captured_at"
        case nextAction = "next_action"
        case mergedCaptures = "merged_captures"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.decode(String.self, forKey: .id),
            event: try c.decode(String.self, forKey: .event),
            rep: try c.decode(String.self, forKey: .rep),
            capturedAt: try c.decodeTimestamp(forKey: .capturedAt),
            source: try c.decode(LeadSource.self, forKey: .source),
            contact: try c.decode(NormalizedContact.self, forKey: .contact),
            note: try c.decodeIfPresent(String.self, forKey: .note),
            status: try c.decode(LeadStatus.self, forKey: .status),
            owner: try c.decode(String.self, forKey: .owner),
            tags: try c.decodeIfPresent([String].self, forKey: .tags) ?? [],
            nextAction: try c.decode(NextAction.self, forKey: .nextAction),
            consent: try c.decodeIfPresent(Consent.self, forKey: .consent),
            raw: try c.decode(RawPayload.self, forKey: .raw),
            mergedCaptures: try c.decodeIfPresent([Capture].self, forKey: .mergedCaptures) ?? []
        )
        warnings = try c.decodeIfPresent([String].self, forKey: .warnings) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(event, forKey: .event)
        try c.encode(rep, forKey: .rep)
        try c.encode(Timestamp.format(capturedAt), forKey: .capturedAt)
        try c.encode(source, forKey: .source)
        try c.encode(contact, forKey: .contact)
        if let note { try c.encode(note, forKey: .note) } else { try c.encodeNil(forKey: .note) }
        try c.encode(status, forKey: .status)
        try c.encode(owner, forKey: .owner)
        try c.encode(tags, forKey: .tags)
        try c.encode(nextAction, forKey: .nextAction)
        if let consent { try c.encode(consent, forKey: .consent) } else { try c.encodeNil(forKey: .consent) }
        try c.encode(raw, forKey: .raw)
        try c.encode(mergedCaptures, forKey: .mergedCaptures)
        if !warnings.isEmpty { try c.encode(warnings, forKey: .warnings) }
    }
}

extension LeadSource: Codable {
    enum CodingKeys: String, CodingKey {
        case channel, reader, format, file, matched
        case tagUID = "tag_uid"
        case tagType = "tag_type"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(channel: try c.decode(Channel.self, forKey: .channel),
                  reader: try c.decodeIfPresent(String.self, forKey: .reader),
                  tagUID: try c.decodeIfPresent(String.self, forKey: .tagUID),
                  tagType: try c.decodeIfPresent(String.self, forKey: .tagType),
                  format: try c.decode(String.self, forKey: .format),
                  file: try c.decodeIfPresent(String.self, forKey: .file),
                  matched: try c.decodeIfPresent(RosterMatch.self, forKey: .matched))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(channel, forKey: .channel)
        for (value, key) in [(reader, CodingKeys.reader), (tagUID, .tagUID), (tagType, .tagType)] {
            if let value { try c.encode(value, forKey: key) } else { try c.encodeNil(forKey: key) }
        }
        try c.encode(format, forKey: .format)
        if let file { try c.encode(file, forKey: .file) } else { try c.encodeNil(forKey: .file) }
        if let matched { try c.encode(matched, forKey: .matched) }
    }
}

extension NextAction: Codable {
    enum CodingKeys: String, CodingKey { case action, due }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(action: try c.decode(String.self, forKey: .action), due: try c.decodeTimestamp(forKey: .due))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(action, forKey: .action)
        try c.encode(Timestamp.format(due), forKey: .due)
    }
}

extension Consent: Codable {
    enum CodingKeys: String, CodingKey {
        case given, at
        case textVersion = "text_version"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(given: try c.decode(Bool.self, forKey: .given),
                  textVersion: try c.decode(String.self, forKey: .textVersion),
                  at: try c.decodeTimestamp(forKey: .at))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(given, forKey: .given)
        try c.encode(textVersion, forKey: .textVersion)
        try c.encode(Timestamp.format(at), forKey: .at)
    }
}

extension RawPayload: Codable {
    enum CodingKeys: String, CodingKey {
        case base64
        case mediaType = "media_type"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let text = try c.decode(String.self, forKey: .base64)
        guard let data = Data(base64Encoded: text) else {
            throw DecodingError.dataCorruptedError(forKey: .base64, in: c, debugDescription: "raw.base64 is not base64")
        }
        self.init(mediaType: try c.decode(String.self, forKey: .mediaType), bytes: [UInt8](data))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(mediaType, forKey: .mediaType)
        try c.encode(Data(bytes).base64EncodedString(), forKey: .base64)
    }
}

extension Capture: Codable {
    enum CodingKeys: String, CodingKey {
        case source, raw
        case capturedAt = "captured_at"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(capturedAt: try c.decodeTimestamp(forKey: .capturedAt),
                  source: try c.decode(LeadSource.self, forKey: .source),
                  raw: try c.decode(RawPayload.self, forKey: .raw))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Timestamp.format(capturedAt), forKey: .capturedAt)
        try c.encode(source, forKey: .source)
        try c.encode(raw, forKey: .raw)
    }
}

extension KeyedDecodingContainer {
    func decodeTimestamp(forKey key: Key) throws -> Date {
        let text = try decode(String.self, forKey: key)
        guard let date = Timestamp.parse(text) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "not an ISO 8601 UTC time: \(text)")
        }
        return date
    }
}
