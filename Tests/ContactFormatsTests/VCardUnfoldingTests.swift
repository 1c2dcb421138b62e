import Testing
@testable import ContactFormats

/// Line ends and folding, the same in vCard 2.1, 3.0 and 4.0.
@Suite struct VCardUnfoldingTests {
    static let folded = """
        BEGIN:VCARD
        VERSION:3.0
        FN:Jane
          Doe
        EMAIL:jane.doe@acme.exa
        \tmple
        NOTE:wants a pilot
         , call Tuesday
        TEL;TYPE=cell:+1 555 0100
        END:VCARD

        """

    @Test(arguments: ["\r\n", "\n", "\r", "\r\r\n"])
    func unfoldsSpaceAndTabContinuationsWithEveryLineEnd(lineEnd: String) throws {
        let result = try Fixture.parse(Self.folded, lineEnd: lineEnd)
        #expect(result.issues.isEmpty)
        let card = try #require(result.cards.first?.card)
        #expect(result.cards.count == 1)
        // Unfolding removes the line end and exactly one white-space character.
        #expect(card.formattedName == "Jane Doe")
        #expect(card.emails == [TypedValue("jane.doe@acme.example")])
        #expect(card.note == "wants a pilot, call Tuesday")
        #expect(card.phones == [TypedValue("+1 555 0100", types: ["cell"])])
        #expect(result.cards[0].isTorn == false)
    }

    @Test func readsInputThatMixesLineEnds() throws {
        let input = Array("BEGIN:VCARD\r\nVERSION:4.0\nFN:Ada\r\r\n Lovelace\rEMAIL:ada@example.org\r\nEND:VCARD".utf8)
        let card = try Fixture.card(input)
        #expect(card.formattedName == "AdaLovelace")
        #expect(card.emails.map(\.value) == ["ada@example.org"])
        #expect(card.version == "4.0")
    }

    @Test func treatsCRCRLFAsOneLineEndNotAnEmptyLineBetweenFolds() throws {
        // Some Windows tools write CR CR LF; the line after it is still a continuation.
        let input = Array("BEGIN:VCARD\r\r\nVERSION:3.0\r\r\nNOTE:one\r\r\n two\r\r\nEND:VCARD\r\r\n".utf8)
        let card = try Fixture.card(input)
        #expect(card.note == "onetwo")
    }

    @Test func foldsInsideTheNameAndParametersOfALine() throws {
        let card = try Fixture.card("""
            BEGIN:VCARD
            VERSION:3.0
            FN:Jane Doe
            EM
             AIL;TYPE=wo
             rk:jane@acme.example
            END:VCARD
            """)
        #expect(card.emails == [TypedValue("jane@acme.example", types: ["work"])])
    }

    @Test func ignoresBlankLinesAndIndentationBeforeTheFirstLine() throws {
        let input = Array("\r\n\r\n  \tBEGIN:VCARD\r\n\r\nVERSION:3.0\r\nFN:Jane Doe\r\n\r\nEND:VCARD\r\n\r\n".utf8)
        let result = try VCardParser().parse(input)
        #expect(result.issues.isEmpty)
        #expect(result.cards.map(\.card.formattedName) == ["Jane Doe"])
    }

    @Test func readsAFinalLineWithoutALineEnd() throws {
        let result = try VCardParser().parse(Array("BEGIN:VCARD\nFN:Jane\nEND:VCARD".utf8))
        #expect(result.cards.count == 1)
        #expect(result.cards[0].isTorn == false)
        #expect(result.issues.isEmpty)
    }
}
