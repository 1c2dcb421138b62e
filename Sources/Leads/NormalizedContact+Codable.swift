// Written by hand because synthesized Codable leaves nil optionals out, and the lead JSON
// spells every key with an explicit null so consumers needn't tell "absent" from "unknown".

extension NormalizedContact: Codable {
    enum CodingKeys: String, CodingKey {
        case fullName = "full_name"
        case givenName = "given_name"
        case familyName = "family_name"
        case organization
        case title
        case emails
        case phones
        case urls
        case addresses
        case note
        case invalidEmails = "invalid_emails"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            fullName: try container.decodeIfPresent(String.self, forKey: .fullName),
            givenName: try container.decodeIfPresent(String.self, forKey: .givenName),
            familyName: try container.decodeIfPresent(String.self, forKey: .familyName),
            organization: try container.decodeIfPresent(String.self, forKey: .organization),
            title: try container.decodeIfPresent(String.self, forKey: .title),
            emails: try container.decodeIfPresent([String].self, forKey: .emails) ?? [],
            phones: try container.decodeIfPresent([Phone].self, forKey: .phones) ?? [],
            urls: try container.decodeIfPresent([String].self, forKey: .urls) ?? [],
            addresses: try container.decodeIfPresent([String].self, forKey: .addresses) ?? [],
            note: try container.decodeIfPresent(String.self, forKey: .note),
            // Leads stored before invalid_emails existed have no such key.
            invalidEmails: try container.decodeIfPresent([String].self, forKey: .invalidEmails) ?? []
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeOrNull(fullName, forKey: .fullName)
        try container.encodeOrNull(givenName, forKey: .givenName)
        try container.encodeOrNull(familyName, forKey: .familyName)
        try container.encodeOrNull(organization, forKey: .organization)
        try container.encodeOrNull(title, forKey: .title)
        try container.encode(emails, forKey: .emails)
        try container.encode(phones, forKey: .phones)
        try container.encode(urls, forKey: .urls)
        try container.encode(addresses, forKey: .addresses)
        try container.encodeOrNull(note, forKey: .note)
        try container.encode(invalidEmails, forKey: .invalidEmails)
    }
}

extension NormalizedContact.Phone: Codable {
    enum CodingKeys: String, CodingKey {
        case number
        case e164
        case types
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            number: try container.decode(String.self, forKey: .number),
            e164: try container.decodeIfPresent(String.self, forKey: .e164),
            types: try container.decodeIfPresent([String].self, forKey: .types) ?? []
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(number, forKey: .number)
        try container.encodeOrNull(e164, forKey: .e164)
        try container.encode(types, forKey: .types)
    }
}

extension KeyedEncodingContainer {
    fileprivate mutating func encodeOrNull(_ value: String?, forKey key: Key) throws {
        if let value { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
    }
}
