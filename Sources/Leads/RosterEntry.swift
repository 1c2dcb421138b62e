import ContactFormats

/// One attendee of an event's roster, as the organizer's export states them.
///
/// Kept as written (trimmed): the contact is normalized when a lead takes it, by the same
/// normalizer as a card's, so a roster row and a tapped card of the same person agree.
public struct RosterEntry: Sendable, Hashable {
    /// The line of the file the row started on.
    public var line: Int
    public var fullName: String?
    public var givenName: String?
    public var familyName: String?
    public var organization: String?
    public var title: String?
    public var email: String?
    public var phone: String?
    /// Keys that find this attendee: the UID, every code column, the email.
    public var keys: [RosterKey]

    public init(line: Int, fullName: String? = nil, givenName: String? = nil, familyName: String? = nil,
                organization: String? = nil, title: String? = nil, email: String? = nil, phone: String? = nil,
                keys: [RosterKey] = []) {
        self.line = line
        self.fullName = fullName
        self.givenName = givenName
        self.familyName = familyName
        self.organization = organization
        self.title = title
        self.email = email
        self.phone = phone
        self.keys = keys
    }

    /// The attendee as a card (format `text`: a roster row is no card format of its own).
    public var card: ContactCard {
        let name: StructuredName? = givenName != nil || familyName != nil
            ? StructuredName(family: familyName.map { [$0] } ?? [], given: givenName.map { [$0] } ?? [])
            : nil
        return ContactCard(format: .text, formattedName: fullName, name: name,
                           organization: organization.map { [$0] } ?? [], title: title,
                           emails: email.map { [TypedValue($0)] } ?? [],
                           phones: phone.map { [TypedValue($0)] } ?? [])
    }

    /// The attendee as a lead's contact.
    public func contact(_ normalizer: ContactNormalizer) -> NormalizedContact {
        normalizer.normalize(card)
    }
}

extension RosterEntry: CustomStringConvertible {
    /// No personal data: descriptions end up in logs.
    public var description: String { "RosterEntry(line \(line), keys: \(keys.map(\.kind.rawValue)))" }
}
