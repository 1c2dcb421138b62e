/// A contact ready for a lead: the "contact" object of the lead JSON in DESIGN.md.
///
/// Optional fields are nil rather than empty strings; JSON carries them as explicit nulls.
public struct NormalizedContact: Sendable, Hashable {
    /// FN as written, else N joined, else the nickname.
    public var fullName: String?
    public var givenName: String?
    public var familyName: String?
    /// The first ORG component: the organization, without its units.
    public var organization: String?
    public var title: String?
    /// Syntactically valid addresses, domain lower-cased, without case-insensitive repeats.
    public var emails: [String]
    public var phones: [Phone]
    /// Only http, https, mailto and tel links.
    public var urls: [String]
    /// Each postal address on one line, its components joined with ", ".
    public var addresses: [String]
    public var note: String?
    /// Email values that failed the syntax check, trimmed but otherwise as written: kept aside
    /// for the rep to fix rather than dropped.
    public var invalidEmails: [String]

    public init(
        fullName: String? = nil,
        givenName: String? = nil,
        familyName: String? = nil,
        organization: String? = nil,
        title: String? = nil,
        emails: [String] = [],
        phones: [Phone] = [],
        urls: [String] = [],
        addresses: [String] = [],
        note: String? = nil,
        invalidEmails: [String] = []
    ) {
        self.fullName = fullName
        self.givenName = givenName
        self.familyName = familyName
        self.organization = organization
        self.title = title
        self.emails = emails
        self.phones = phones
        self.urls = urls
        self.addresses = addresses
        self.note = note
        self.invalidEmails = invalidEmails
    }
}

extension NormalizedContact: CustomStringConvertible {
    /// Counts only: a contact is personal data and descriptions end up in logs.
    public var description: String {
        "NormalizedContact(emails: \(emails.count), invalid emails: \(invalidEmails.count), "
            + "phones: \(phones.count), urls: \(urls.count), addresses: \(addresses.count))"
    }

    /// Every value, for debugging and tests; never for logs above debug level.
    public var expandedDescription: String {
        "NormalizedContact(full name: \(fullName ?? "nil"), given: \(givenName ?? "nil"), "
            + "family: \(familyName ?? "nil"), organization: \(organization ?? "nil"), "
            + "title: \(title ?? "nil"), emails: \(emails), invalid emails: \(invalidEmails), "
            + "phones: \(phones.map { "\($0.number) -> \($0.e164 ?? "nil") \($0.types)" }), "
            + "urls: \(urls), addresses: \(addresses), note: \(note ?? "nil"))"
    }
}
