import ContactFormats
import Testing
import Leads

@Suite struct EmailNormalizationTests {
    private func normalize(_ emails: String...) -> NormalizedContact {
        ContactNormalizer(region: "US").normalize(ContactCard(format: .vcard, emails: emails.map { TypedValue($0) }))
    }

    @Test func lowerCasesTheDomainAndKeepsTheLocalPart() {
        #expect(normalize("Jane.Doe@ACME.Example").emails == ["Jane.Doe@acme.example"])
    }

    @Test(arguments: [
        ("  jane@acme.example \t", "jane@acme.example"),
        ("mailto:jane@acme.example", "jane@acme.example"),
        ("MAILTO:jane@acme.example?subject=Hi", "jane@acme.example"),
        ("<jane@acme.example>", "jane@acme.example"),
        ("Jane Doe <jane@Acme.Example>", "jane@acme.example"),
        ("\u{00A0}jane+booth@acme.example\u{FEFF}", "jane+booth@acme.example"),
        ("o'brien@bücher.DE", "o'brien@bücher.de"),
    ])
    func cleansWhatCardsWrapAroundAddresses(text: String, expected: String) {
        let contact = normalize(text)
        #expect(contact.emails == [expected])
        #expect(contact.invalidEmails.isEmpty)
    }

    @Test(arguments: [
        "jane", "jane@", "@acme.example", "jane@@acme.example", "jane@acme@example.com", "jane@localhost",
        "jane doe@acme.example", "jane@acme .example", "jane@acme..example", "jane@-acme.example",
        "jane@acme.example.", ".jane@acme.example", "jane.@acme.example", "ja..ne@acme.example",
        "jane@10.0.0.1", "\"jane doe\"@acme.example", "jane@acme_corp.example", "jane\u{00A0}doe@acme.example",
    ])
    func keepsInvalidEmailsAside(text: String) {
        let contact = normalize(text)
        #expect(contact.emails.isEmpty)
        #expect(contact.invalidEmails == [text])
    }

    @Test func dropsBlankValues() {
        let contact = normalize("", "   ")
        #expect(contact.emails.isEmpty)
        #expect(contact.invalidEmails.isEmpty)
    }

    @Test func removesCaseInsensitiveRepeatsKeepingTheFirst() {
        let contact = normalize(
            "Jane@acme.example", "bob@acme.example", "JANE@ACME.EXAMPLE", "mailto:jane@acme.example", "oops", "OOPS")
        #expect(contact.emails == ["Jane@acme.example", "bob@acme.example"])
        #expect(contact.invalidEmails == ["oops"])
    }

    @Test func removesRepeatsAmongManyAddresses() {
        let addresses = (0..<40).map { "person\($0 % 20)@acme.example" } + ["PERSON3@ACME.EXAMPLE", "new@acme.example"]
        let contact = ContactNormalizer(region: "US").normalize(
            ContactCard(format: .vcard, emails: addresses.map { TypedValue($0) }))
        #expect(contact.emails == (0..<20).map { "person\($0)@acme.example" } + ["new@acme.example"])
    }
}
