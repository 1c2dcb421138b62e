import ContactFormats

/// Turns a `ContactCard` as written into the contact of a lead: trimmed text, split names,
/// checked emails, E.164 phones and safe links.
///
/// Nothing a card says is silently lost: emails that fail the check go to `invalidEmails`, and
/// phones keep their text when they have no E.164 form. Only blank values and links with a
/// scheme outside the allow-list are left out (the lead's `raw` still has them).
public struct ContactNormalizer: Sendable {
    public let phoneNumbers: PhoneNumberNormalizer

    /// A normalizer for cards whose national phone numbers are dialled in `region` (ISO 3166).
    public init(region: String) {
        self.init(phoneNumbers: PhoneNumberNormalizer(region: region))
    }

    public init(phoneNumbers: PhoneNumberNormalizer) {
        self.phoneNumbers = phoneNumbers
    }

    /// Cards from the parsers are within `CardLimits` already; a card built elsewhere (a
    /// form) is cut to them here, so no contact outgrows a lead.
    public func normalize(_ card: ContactCard) -> NormalizedContact {
        if Self.isWithinLimits(card) { return normalizeWithinLimits(card) }
        return normalizeWithinLimits(Self.cutToLimits(card))
    }

    private func normalizeWithinLimits(_ card: ContactCard) -> NormalizedContact {
        let formattedName = card.formattedName?.trimmedOrNil()
        // Only a blank FN needs displayName, whose blank test walks Characters.
        let fullName = formattedName ?? card.displayName?.trimmedOrNil()
        // A nickname is no full name to split, so only FN is split when N says nothing.
        let name =
            card.name.flatMap(PersonName.init(structured:))
            ?? formattedName.map(PersonName.init(splitting:))
            ?? PersonName(given: nil, family: nil)
        let emails = normalizedEmails(card.emails)
        return NormalizedContact(
            fullName: fullName,
            givenName: name.given,
            familyName: name.family,
            organization: card.organization.first?.trimmedOrNil(),
            title: card.title?.trimmedOrNil(),
            emails: emails.valid,
            phones: normalizedPhones(card.phones),
            urls: normalizedURLs(card.urls),
            addresses: card.addresses.compactMap(Self.oneLine),
            note: card.note?.trimmedOrNil(),
            invalidEmails: emails.invalid
        )
    }

    /// Whether every value of `card` and every list is within `CardLimits` (counts and
    /// lengths only: `utf8.count` of a native string costs nothing).
    static func isWithinLimits(_ card: ContactCard) -> Bool {
        let most = CardLimits.maximumValuesPerProperty, longest = CardLimits.maximumValueBytes
        guard card.emails.count <= most, card.phones.count <= most, card.urls.count <= most,
              card.addresses.count <= most, card.organization.count <= most else { return false }
        // Read in place: this runs for every card, and iterating copied each value out.
        func fits(_ s: String?) -> Bool { (s?.utf8.count ?? 0) <= longest }
        func fit(_ list: [String]) -> Bool { list.withUnsafeBufferPointer { b in b.indices.allSatisfy { fits(b[$0]) } } }
        func fit(_ list: [TypedValue]) -> Bool { list.withUnsafeBufferPointer { b in b.indices.allSatisfy { fits(b[$0].value) } } }
        guard fits(card.formattedName), fits(card.nickname), fits(card.title), fits(card.note),
              fit(card.organization), fit(card.emails), fit(card.phones), fit(card.urls) else { return false }
        if card.name != nil {
            guard fit(card.name!.family), fit(card.name!.given), fit(card.name!.additional),
                  fit(card.name!.prefixes), fit(card.name!.suffixes) else { return false }
        }
        return card.addresses.withUnsafeBufferPointer { b in b.indices.allSatisfy { fit(b[$0].components) } }
    }

    /// `card` with every list cut to `CardLimits.maximumValuesPerProperty` and every text
    /// to `CardLimits.maximumValueBytes`.
    static func cutToLimits(_ card: ContactCard) -> ContactCard {
        var card = card
        let most = CardLimits.maximumValuesPerProperty
        func cut(_ s: String) -> String { CardLimits.truncated(s) ?? s }
        func cut(_ s: String?) -> String? { s.map(cut) }
        func cut(_ list: [String]) -> [String] { list.prefix(most).map(cut) }
        func cut(_ list: [TypedValue]) -> [TypedValue] { list.prefix(most).map { TypedValue(cut($0.value), types: $0.types) } }
        card.formattedName = cut(card.formattedName)
        card.nickname = cut(card.nickname)
        card.title = cut(card.title)
        card.note = cut(card.note)
        card.organization = cut(card.organization)
        if let n = card.name {
            card.name = StructuredName(family: cut(n.family), given: cut(n.given), additional: cut(n.additional),
                                       prefixes: cut(n.prefixes), suffixes: cut(n.suffixes))
        }
        card.emails = cut(card.emails)
        card.phones = cut(card.phones)
        card.urls = cut(card.urls)
        card.addresses = card.addresses.prefix(most).map { PostalAddress(components: cut($0.components), types: $0.types) }
        return card
    }

    /// Valid and invalid emails, each without case-insensitive repeats, in card order.
    private func normalizedEmails(_ values: [TypedValue]) -> (valid: [String], invalid: [String]) {
        var valid = CaseInsensitiveList(capacity: values.count)
        var invalid = CaseInsensitiveList()
        for value in values {
            switch EmailAddress.normalize(value.value) {
            case .valid(let address): valid.append(address)
            case .invalid(let text): invalid.append(text)
            case .blank: continue
            }
        }
        return (valid.values, invalid.values)
    }

    private func normalizedPhones(_ values: [TypedValue]) -> [NormalizedContact.Phone] {
        values.compactMap { value in
            guard let text = value.value.trimmedOrNil() else { return nil }
            var number = text
            var parsed = text
            if text.withUTF8Bytes({ $0.hasASCIIPrefixIgnoringCase("tel:", at: 0) }) {
                let afterPrefix = text.withUTF8Bytes { bytes in
                    let rest = bytes.trimming(4..<bytes.count)
                    return rest.isEmpty ? nil : String(bytes, rest)
                }
                guard let afterPrefix else { return nil }
                number = afterPrefix
                // libphonenumber recognizes RFC 3966 only by a lower-case "tel:".
                parsed = "tel:" + afterPrefix
            }
            return NormalizedContact.Phone(
                number: number,
                e164: phoneNumbers.e164(parsed),
                types: normalizedTypes(value.types)
            )
        }
    }

    private func normalizedTypes(_ types: [String]) -> [String] {
        // ContactFormats already lower-cases TYPE values, so the card's own array (shared, not
        // copied) is usually the answer; the loop below keeps the promise for cards built elsewhere.
        let isClean = types.count <= Self.linearScanLimit && types.indices.allSatisfy { index in
            let isFolded = types[index].withUTF8Bytes { bytes in
                bytes.trimming(0..<bytes.count).count == bytes.count && !bytes.isEmpty
                    && !bytes.contains { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }
            }
            return isFolded && !types[..<index].contains(types[index])
        }
        if isClean { return types }
        return Self.withoutRepeats(types.compactMap { $0.trimmedOrNil()?.asciiLowercased() })
    }

    /// `PostalAddress.formatted`, built in one allocation: the components that are not blank,
    /// trimmed and joined with ", ".
    private static func oneLine(_ address: PostalAddress) -> String? {
        var length = 0
        for component in address.components {
            let count = component.withUTF8Bytes { $0.trimming(0..<$0.count).count }
            if count > 0 { length += (length > 0 ? 2 : 0) + count }
        }
        guard length > 0 else { return nil }
        return String(unsafeUninitializedCapacity: length) { line in
            var offset = 0
            for component in address.components {
                component.withUTF8Bytes { bytes in
                    let range = bytes.trimming(0..<bytes.count)
                    guard !range.isEmpty else { return }
                    if offset > 0 {
                        line[offset] = UInt8(ascii: ",")
                        line[offset + 1] = UInt8(ascii: " ")
                        offset += 2
                    }
                    _ = UnsafeMutableBufferPointer(rebasing: line[offset..<offset + range.count])
                        .initialize(from: UnsafeBufferPointer(rebasing: bytes[range]))
                    offset += range.count
                }
            }
            return offset
        }
    }

    private func normalizedURLs(_ values: [String]) -> [String] {
        Self.withoutRepeats(values.compactMap(ContactURL.normalize))
    }

    /// Cards carry a handful of values of a kind, for which a linear scan beats hashing; a
    /// hostile card with thousands gets a set, so the work stays linear.
    private static let linearScanLimit = 16

    /// `values` in order, without exact repeats.
    private static func withoutRepeats(_ values: [String]) -> [String] {
        var result: [String] = []
        result.reserveCapacity(values.count)
        if values.count <= linearScanLimit {
            for value in values where !result.contains(value) { result.append(value) }
        } else {
            var seen = Set<String>(minimumCapacity: values.count)
            for value in values where seen.insert(value).inserted { result.append(value) }
        }
        return result
    }
}
