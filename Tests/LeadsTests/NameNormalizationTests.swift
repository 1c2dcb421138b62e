import ContactFormats
import Testing
import Leads

@Suite struct NameNormalizationTests {
    private func normalize(_ card: ContactCard) -> NormalizedContact {
        ContactNormalizer(region: "US").normalize(card)
    }

    @Test(arguments: [
        ("Jane Doe", "Jane", "Doe"),
        ("  Jane   Doe  ", "Jane", "Doe"),
        ("Jane van der Berg", "Jane", "van der Berg"),
        ("Ludwig van Beethoven", "Ludwig", "van Beethoven"),
        ("Maria da Silva", "Maria", "da Silva"),
        ("Juan de la Cruz", "Juan", "de la Cruz"),
        ("Leonardo di Caprio", "Leonardo", "di Caprio"),
        ("Doe, Jane", "Jane", "Doe"),
        ("van der Berg, Jane", "Jane", "van der Berg"),
        ("Dr. Jane Doe", "Jane", "Doe"),
        ("Mrs Jane Doe", "Jane", "Doe"),
        ("prof. dr. Jane Doe", "Jane", "Doe"),
        ("Jane Doe PhD", "Jane", "Doe"),
        ("Jane Doe, Ph.D.", "Jane", "Doe"),
        ("John Smith Jr.", "John", "Smith"),
        ("Mr. John Smith III", "John", "Smith"),
        ("Doe, Dr. Jane", "Jane", "Doe"),
        ("Mary Ann Smith", "Mary Ann", "Smith"),
        ("Van Morrison", "Van", "Morrison"),
    ])
    func splitsAFullNameIntoGivenAndFamily(fullName: String, given: String, family: String) {
        let contact = normalize(ContactCard(format: .mecard, formattedName: fullName))
        #expect(contact.givenName == given)
        #expect(contact.familyName == family)
    }

    @Test func keepsTheFullNameAsWrittenApartFromTrimming() {
        let contact = normalize(ContactCard(format: .vcard, formattedName: "  Dr. Jane Doe, PhD "))
        #expect(contact.fullName == "Dr. Jane Doe, PhD")
    }

    @Test func takesASingleWordAsTheGivenName() {
        let contact = normalize(ContactCard(format: .text, formattedName: "Cher"))
        #expect(contact.givenName == "Cher")
        #expect(contact.familyName == nil)
        #expect(contact.fullName == "Cher")
    }

    @Test func keepsAnHonorificThatIsTheWholeName() {
        let contact = normalize(ContactCard(format: .text, formattedName: "Prof"))
        #expect(contact.givenName == "Prof")
    }

    @Test func prefersTheStructuredNameOverSplitting() {
        let card = ContactCard(
            format: .vcard,
            formattedName: "Jane Doe-Smith",
            name: StructuredName(family: ["Doe", "Smith"], given: [" Jane ", "Marie"], prefixes: ["Dr."])
        )
        let contact = normalize(card)
        #expect(contact.givenName == "Jane Marie")
        #expect(contact.familyName == "Doe Smith")
        #expect(contact.fullName == "Jane Doe-Smith")
    }

    @Test func joinsTheStructuredNameWhenThereIsNoFormattedName() {
        let card = ContactCard(format: .vcard, name: StructuredName(family: ["Doe"], given: ["Jane"], prefixes: ["Dr."]))
        let contact = normalize(card)
        #expect(contact.fullName == "Dr. Jane Doe")
        #expect(contact.givenName == "Jane")
        #expect(contact.familyName == "Doe")
    }

    @Test func splitsTheFormattedNameWhenTheStructuredNameIsEmpty() {
        let card = ContactCard(format: .vcard, formattedName: "Jane Doe", name: StructuredName(family: [" "], given: []))
        let contact = normalize(card)
        #expect(contact.givenName == "Jane")
        #expect(contact.familyName == "Doe")
    }

    @Test func leavesNamesNullWhenThereAreNone() {
        let contact = normalize(ContactCard(format: .vcard, formattedName: "   "))
        #expect(contact.fullName == nil)
        #expect(contact.givenName == nil)
        #expect(contact.familyName == nil)
    }

    @Test func doesNotSplitANickname() {
        let contact = normalize(ContactCard(format: .vcard, nickname: "JD"))
        #expect(contact.fullName == "JD")
        #expect(contact.givenName == nil)
        #expect(contact.familyName == nil)
    }
}
