/// One person's contact details as a card format states them, before any normalization.
///
/// Values are decoded (charset, quoted-printable, escapes) but otherwise as written: phone
/// numbers keep their punctuation, emails their case. `Leads` normalizes them.
public struct ContactCard: Sendable, Hashable {
    /// The format the card was written in.
    public var format: ContactFormat
    /// The vCard VERSION as written, when the card is a vCard.
    public var version: String?
    /// FN as written, or the format's own display name (MECARD `N` joined, BIZCARD N+X).
    public var formattedName: String?
    public var name: StructuredName?
    public var nickname: String?
    /// ORG components in order: organization, then units.
    public var organization: [String]
    public var title: String?
    public var role: String?
    public var emails: [TypedValue]
    public var phones: [TypedValue]
    public var urls: [String]
    public var addresses: [PostalAddress]
    public var note: String?
    public var birthday: String?

    public init(
        format: ContactFormat,
        version: String? = nil,
        formattedName: String? = nil,
        name: StructuredName? = nil,
        nickname: String? = nil,
        organization: [String] = [],
        title: String? = nil,
        role: String? = nil,
        emails: [TypedValue] = [],
        phones: [TypedValue] = [],
        urls: [String] = [],
        addresses: [PostalAddress] = [],
        note: String? = nil,
        birthday: String? = nil
    ) {
        self.format = format
        self.version = version
        self.formattedName = formattedName
        self.name = name
        self.nickname = nickname
        self.organization = organization
        self.title = title
        self.role = role
        self.emails = emails
        self.phones = phones
        self.urls = urls
        self.addresses = addresses
        self.note = note
        self.birthday = birthday
    }

    /// This card, moved out; an empty card of the same format is left in its place.
    ///
    /// For a card that lives in a larger value (a builder, an array's element): returning
    /// it as is, or passing it on from memory reached through a pointer, made the compiler
    /// copy it (a retain per string), and release the original later.
    public mutating func moveOut() -> ContactCard {
        withUnsafeMutablePointer(to: &self) { slot in
            let card = slot.move()
            slot.initialize(to: ContactCard(format: card.format))
            return card
        }
    }

    /// The name to show: FN when present and not blank, else N formatted as
    /// "prefix given middle family suffix", else the nickname.
    public var displayName: String? {
        if let fn = formattedName, fn.contains(where: { !$0.isWhitespace }) { return fn }
        if let formatted = name?.formatted, !formatted.isEmpty { return formatted }
        if let nick = nickname, !nick.isEmpty { return nick }
        return nil
    }

    /// True when the card carries nothing a lead could use.
    public var isEmpty: Bool {
        displayName == nil && organization.allSatisfy(\.isEmpty) && title == nil
            && emails.isEmpty && phones.isEmpty && urls.isEmpty && addresses.isEmpty && note == nil
    }
}

/// The card formats leadgate reads.
public enum ContactFormat: String, Sendable, Hashable, Codable {
    case vcard
    case mecard
    case bizcard
    /// The KDDI/au address book QR format (`MEMORY:`, `NAME1:`, `TEL1:`).
    case kddi
    /// Free text in which an email or a phone number was found.
    case text
    /// A URI record: a profile link, `mailto:` or `tel:`.
    case uri
}

/// N: the five structured name components of vCard, each possibly several values.
public struct StructuredName: Sendable, Hashable {
    public var family: [String]
    public var given: [String]
    public var additional: [String]
    public var prefixes: [String]
    public var suffixes: [String]

    public init(family: [String] = [], given: [String] = [], additional: [String] = [],
                prefixes: [String] = [], suffixes: [String] = []) {
        self.family = family
        self.given = given
        self.additional = additional
        self.prefixes = prefixes
        self.suffixes = suffixes
    }

    /// "prefix given additional family suffix", empty parts left out.
    public var formatted: String {
        let parts = [prefixes, given, additional, family, suffixes]
            .flatMap { $0 }
            .map { $0.trimmingSpaces() }
            .filter { !$0.isEmpty }
        return parts.joined(separator: " ")
    }
}

/// A value with the TYPE parameters that qualify it (lower-cased: `cell`, `work`, `pref`).
public struct TypedValue: Sendable, Hashable {
    public var value: String
    public var types: [String]

    public init(_ value: String, types: [String] = []) {
        self.value = value
        self.types = types
    }
}

/// ADR: the seven components (post office box, extended, street, locality, region, postal
/// code, country), or one free-form line for formats that have no structure.
public struct PostalAddress: Sendable, Hashable {
    public var components: [String]
    public var types: [String]

    public init(components: [String], types: [String] = []) {
        self.components = components
        self.types = types
    }

    /// The non-empty components joined with ", " in the order written.
    public var formatted: String {
        components.map { $0.trimmingSpaces() }.filter { !$0.isEmpty }.joined(separator: ", ")
    }
}

extension StringProtocol {
    /// The string without leading and trailing spaces, tabs and line breaks; no Foundation needed.
    func trimmingSpaces() -> String {
        let u = Substring(self).utf8
        func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0A }
        guard let first = u.firstIndex(where: { !isSpace($0) }) else { return "" }
        var end = u.endIndex
        while end > first && isSpace(u[u.index(before: end)]) { end = u.index(before: end) }
        if first == u.startIndex && end == u.endIndex, let whole = self as? String { return whole }
        return String(Substring(u[first..<end]))
    }
}
