@testable import ContactFormats
import Testing

/// Issue 19 point 10: 2.1 cards nest cards; the outer card goes on after them.
@Suite struct VCardNestingTests {
    static let nestedWithoutAgent = """
        BEGIN:VCARD
        VERSION:2.1
        N:Boss;Barbara
        BEGIN:VCARD
        VERSION:2.1
        N:Assistant;Andy
        EMAIL:andy@acme.example
        END:VCARD
        BEGIN:VCARD
        VERSION:2.1
        N:Deputy;Dora
        END:VCARD
        TEL:1
        EMAIL:barbara@acme.example
        END:VCARD
        """

    @Test func keepsTheOuterCardsPropertiesAfterCardsNestedWithoutAnAgent() throws {
        let result = try Fixture.parse(Self.nestedWithoutAgent)
        #expect(result.issues.isEmpty, "\(result.issues)")
        // In input order, by where each card begins.
        #expect(result.cards.map(\.card.displayName) == ["Barbara Boss", "Andy Assistant", "Dora Deputy"])
        #expect(result.cards.allSatisfy { !$0.isTorn })
        let outer = result.cards[0]
        #expect(outer.card.phones.map(\.value) == ["1"])
        #expect(outer.card.emails.map(\.value) == ["barbara@acme.example"])
        #expect(result.cards[1].card.emails.map(\.value) == ["andy@acme.example"])
        #expect(outer.range == 0..<Fixture.bytes(Self.nestedWithoutAgent).count)
        #expect(result.cards[1].range.lowerBound > 0 && result.cards[1].range.upperBound < outer.range.upperBound)
    }

    @Test func keepsTheOuterCardAfterTwoCardsFollowingAnAgent() throws {
        let result = try Fixture.parse("""
            BEGIN:VCARD
            VERSION:2.1
            N:Boss;Barbara
            AGENT:
            BEGIN:VCARD
            VERSION:2.1
            N:Assistant;Andy
            END:VCARD
            BEGIN:VCARD
            VERSION:2.1
            N:Deputy;Dora
            END:VCARD
            TEL:1
            END:VCARD
            BEGIN:VCARD
            VERSION:2.1
            N:Next;Ned
            END:VCARD
            """)
        #expect(result.issues.isEmpty, "\(result.issues)")
        // The agent's card is someone else's, read but no lead; the second nested card is one.
        #expect(result.cards.map(\.card.displayName) == ["Barbara Boss", "Dora Deputy", "Ned Next"])
        #expect(result.cards[0].card.phones.map(\.value) == ["1"])
    }

    @Test func aTorn21CardKeepsTheCardsAfterIt() throws {
        let result = try Fixture.parse("""
            BEGIN:VCARD
            VERSION:2.1
            N:Torn;Tina
            BEGIN:VCARD
            VERSION:2.1
            N:Whole;Walter
            END:VCARD
            """)
        #expect(result.cards.map(\.card.displayName) == ["Tina Torn", "Walter Whole"])
        #expect(result.cards.map(\.isTorn) == [true, false])
        #expect(result.issues.map(\.code) == [.missingEnd])
    }

    @Test func aVersion3CardBeforeABeginIsStillTorn() throws {
        let result = try Fixture.parse("BEGIN:VCARD\nVERSION:3.0\nFN:Torn\nBEGIN:VCARD\nVERSION:3.0\nFN:Whole\nEND:VCARD\nTEL:1\n")
        #expect(result.cards.map(\.card.formattedName) == ["Torn", "Whole"])
        #expect(result.cards.map(\.isTorn) == [true, false])
        #expect(result.issues.map(\.code) == [.missingEnd])
    }
}
