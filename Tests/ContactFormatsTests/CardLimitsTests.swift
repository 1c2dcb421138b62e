@testable import ContactFormats
import Testing

/// Issue 18 defect 9: every value and every card is bounded; what goes past a bound is cut
/// with an issue that says so, and the rest of the card is read as usual.
@Suite struct CardLimitsTests {
    static let max = CardLimits.maximumValueBytes

    @Test func cutsAVCardNoteOverTheBoundAtACharacterBoundaryWithAnIssue() throws {
        // "é" is two bytes: the cut never splits one.
        let note = String(repeating: "é", count: Self.max)
        let result = try Fixture.parse("BEGIN:VCARD\nVERSION:3.0\nFN:Jane Doe\nNOTE:\(note)\nEMAIL:jane@acme.example\nEND:VCARD\n")
        let card = try #require(result.cards.first?.card)
        #expect(card.note?.utf8.count == Self.max)
        #expect(card.note?.allSatisfy { $0 == "é" } == true)
        #expect(card.emails.map(\.value) == ["jane@acme.example"])
        #expect(result.issues == [ContactFormatError(.valueTruncated, offset: 39)])
        #expect(result.issues.allSatisfy { $0.code.isTruncation })
    }

    @Test func cutsAFoldedNameAndStepsOverTheRestOfItsLines() throws {
        let chunk = String(repeating: "x", count: 70)
        let folded = Array(repeating: chunk, count: 8_000).joined(separator: "\n ")  // 560 KB
        let result = try Fixture.parse("BEGIN:VCARD\nVERSION:3.0\nFN:\(folded)\nTEL:+1 555 0100\nEND:VCARD\n")
        let card = try #require(result.cards.first?.card)
        #expect(card.formattedName?.utf8.count == Self.max)
        #expect(card.phones.map(\.value) == ["+1 555 0100"], "the name's last lines are not properties")
        #expect(result.issues.map(\.code) == [.valueTruncated])
    }

    @Test func keepsTheNotesOfACardTogetherWithinOneValue() throws {
        let half = String(repeating: "n", count: Self.max / 2 + 10)
        let result = try Fixture.parse("BEGIN:VCARD\nFN:Jane Doe\nNOTE:\(half)\nNOTE:\(half)\nNOTE:third\nEND:VCARD\n")
        let card = try #require(result.cards.first?.card)
        #expect(card.note?.utf8.count ?? .max <= Self.max)
        #expect(card.note?.hasPrefix(half + "\n") == true)
        #expect(result.issues.map(\.code).contains(.valueTruncated))
    }

    @Test func keepsTheFirstThousandPhonesAndSaysSoOnce() throws {
        var text = "BEGIN:VCARD\nVERSION:2.1\nFN:Jane Doe\n"
        for i in 0..<1_500 { text += "TEL;CELL:+1 415 555 \(1000 + i)\n" }
        text += "EMAIL:jane@acme.example\nEND:VCARD\n"
        let result = try Fixture.parse(text)
        let card = try #require(result.cards.first?.card)
        #expect(card.phones.count == 1_000)
        #expect(card.phones.last?.value == "+1 415 555 1999")
        #expect(card.emails.map(\.value) == ["jane@acme.example"])
        #expect(result.issues.map(\.code) == [.tooManyValues])
    }

    @Test func skipsValuesPastTheCardsTextBound() throws {
        let big = String(repeating: "a", count: 60_000)
        var text = "BEGIN:VCARD\nFN:Jane Doe\n"
        for i in 0..<10 { text += "EMAIL:\(big)\(i)@acme.example\n" }
        text += "END:VCARD\nBEGIN:VCARD\nFN:Next Card\nEMAIL:next@acme.example\nEND:VCARD\n"
        let result = try Fixture.parse(text)
        #expect(result.cards.count == 2)
        let emails = result.cards[0].card.emails
        #expect(emails.count == 4, "four of 60 KB fit in 256 KiB")
        #expect(result.issues.map(\.code) == [.cardTooLarge])
        #expect(result.cards[1].card.emails.map(\.value) == ["next@acme.example"], "the bound is per card")
    }

    @Test func listsAHundredIssuesAndCountsTheRest() throws {
        var text = "BEGIN:VCARD\nFN:Jane Doe\n"
        for _ in 0..<250 { text += "no colon here\n" }
        text += "END:VCARD\n"
        let result = try Fixture.parse(text)
        #expect(result.issues.count == CardLimits.maximumIssues + 1)
        #expect(result.issues.last?.code == .moreIssues(150))
        #expect(result.issues.last?.description == "150 more problem(s) not listed")
        #expect(result.cards.first?.card.formattedName == "Jane Doe")
    }

    @Test func cutsAHugeMECARDNameAndKeepsTheFieldsAfterIt() throws {
        let name = String(repeating: "Jane ", count: 40_000)  // 200 KB
        let parsed = try MECARDParser.parse(Array("MECARD:N:Doe,\(name);EMAIL:jane@acme.example;;".utf8))
        #expect(parsed.card.formattedName?.utf8.count ?? .max <= Self.max)
        #expect(parsed.card.emails.map(\.value) == ["jane@acme.example"])
        #expect(parsed.issues.map(\.code) == [.valueTruncated])
    }

    @Test func keepsTheFirstThousandMECARDPhones() throws {
        let fields = (0..<1_200).map { "TEL:+1415555\($0 + 1000);" }.joined()
        let parsed = try MECARDParser.parse(Array("MECARD:N:Doe,Jane;\(fields)EMAIL:jane@acme.example;;".utf8))
        #expect(parsed.card.phones.count == 1_000)
        #expect(parsed.card.emails.map(\.value) == ["jane@acme.example"])
        #expect(parsed.issues.map(\.code) == [.tooManyValues])
    }

    @Test func bizcardValuesAreBoundedToo() throws {
        let title = String(repeating: "t", count: Self.max + 100)
        let parsed = try BIZCARDParser.parse(Array("BIZCARD:N:Jane;X:Doe;T:\(title);E:jane@acme.example;;".utf8))
        #expect(parsed.card.title?.utf8.count == Self.max)
        #expect(parsed.card.emails.map(\.value) == ["jane@acme.example"])
        #expect(parsed.issues.map(\.code) == [.valueTruncated])
    }

    @Test func textKeepsTheFirstThousandEmailsAndPhones() throws {
        let text = (0..<1_100).map { "mail u\($0)@acme.example or call +1 415 555 \(1000 + $0)" }.joined(separator: "; ")
        let parsed = try PlainTextScanner.scan(Array(text.utf8))
        #expect(parsed.card.emails.count == 1_000)
        #expect(parsed.card.phones.count == 1_000)
        #expect(parsed.card.emails.first?.value == "u0@acme.example")
        #expect(parsed.issues.map(\.code) == [.tooManyValues])
    }

    /// Text is scanned a piece at a time; a piece ends where no email or number can span,
    /// so what lies across a piece's end is found whole.
    @Test func findsWhatLiesAcrossThePiecesOfALongText() throws {
        let filler = String(repeating: "lorem ipsum ", count: (PlainTextScanner.pieceSize - 40) / 12)
        let text = filler + "mail jane.doe@acme.example or +1 415 555 0100 " + filler + "end"
        let parsed = try PlainTextScanner.scan(Array(text.utf8))
        #expect(parsed.card.emails.map(\.value) == ["jane.doe@acme.example"])
        #expect(parsed.card.phones.map(\.value) == ["+1 415 555 0100"])
        #expect(parsed.issues.isEmpty)
        let pieces = Array(text.utf8).withUnsafeBufferPointer { PlainTextScanner.pieces($0, size: PlainTextScanner.pieceSize) }
        #expect(pieces.count == 2)
        #expect(pieces.map(\.count).reduce(0, +) == text.utf8.count)
    }

    @Test func cutsAPieceWithoutABreakAtACharacterBoundary() {
        let text = Array(String(repeating: "é", count: 100).utf8)
        let pieces = text.withUnsafeBufferPointer { PlainTextScanner.pieces($0, size: 33) }
        #expect(pieces.allSatisfy { $0.count <= 33 && $0.count % 2 == 0 })
        #expect(pieces.map(\.count).reduce(0, +) == 200)
    }

    @Test func payloadIssuesOfCutsAreWarnings() throws {
        let name = String(repeating: "x", count: Self.max + 1)
        let payload = try PayloadDecoder.decode(Array("MECARD:N:\(name);;".utf8), as: .mecard)
        #expect(payload.contacts.count == 1)
        #expect(payload.issues.map(\.isTruncation) == [true])
        let torn = try PayloadDecoder.decode(Array("BEGIN:VCARD\r\nFN:Torn\r\n".utf8), as: .vcard)
        #expect(torn.issues.map(\.isTruncation) == [false])
    }
}
