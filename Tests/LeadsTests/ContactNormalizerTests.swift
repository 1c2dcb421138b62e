import ContactFormats
import Testing
import Leads

@Suite struct ContactNormalizerTests {
    @Test func normalizesAWholeCard() {
        let card = ContactCard(
            format: .vcard,
            formattedName: " Jane Doe ",
            name: StructuredName(family: ["Doe"], given: ["Jane"]),
            organization: [" Acme Corp ", "Sales"],
            title: "CTO  ",
            emails: [TypedValue("jane@ACME.example", types: ["work"]), TypedValue("not an email")],
            phones: [
                TypedValue(" +1 (415) 555-0132 ", types: ["CELL", "pref", "cell"]),
                TypedValue("tel:+1-201-555-0123;ext=1234", types: ["work"]),
                TypedValue("call the office"),
                TypedValue("  "),
            ],
            urls: ["acme.example/jane", "javascript:alert(1)"],
            addresses: [PostalAddress(components: ["", "", "1 Main St", "Springfield", "", "", ""]), PostalAddress(components: [" "])],
            note: "  "
        )
        let contact = ContactNormalizer(region: "US").normalize(card)
        #expect(contact == NormalizedContact(
            fullName: "Jane Doe",
            givenName: "Jane",
            familyName: "Doe",
            organization: "Acme Corp",
            title: "CTO",
            emails: ["jane@acme.example"],
            phones: [
                .init(number: "+1 (415) 555-0132", e164: "+14155550132", types: ["cell", "pref"]),
                .init(number: "+1-201-555-0123;ext=1234", e164: "+12015550123", types: ["work"]),
                .init(number: "call the office", e164: nil, types: []),
            ],
            urls: ["https://acme.example/jane"],
            addresses: ["1 Main St, Springfield"],
            note: nil,
            invalidEmails: ["not an email"]
        ))
    }

    @Test func usesItsRegionForNationalNumbers() {
        let card = ContactCard(format: .vcard, phones: [TypedValue("020 7946 0958")])
        #expect(ContactNormalizer(region: "GB").normalize(card).phones.first?.e164 == "+442079460958")
        #expect(ContactNormalizer(region: "US").normalize(card).phones.first?.e164 == nil)
    }

    @Test func leavesAnEmptyCardEmpty() {
        #expect(ContactNormalizer(region: "US").normalize(ContactCard(format: .text)) == NormalizedContact())
    }

    @Test func takesOnlyTheFirstOrganizationComponent() {
        let card = ContactCard(format: .vcard, organization: ["", "Sales"])
        #expect(ContactNormalizer(region: "US").normalize(card).organization == nil)
    }
}
