import Testing
@testable import ContactFormats

/// Cards in an input: how many, where each stands, nesting, torn cards and limits.
@Suite struct VCardStructureTests {
    static let jane = "BEGIN:VCARD\nVERSION:2.1\nN:Doe;Jane\nTEL;CELL:+1 555 0100\nEND:VCARD\n"
    static let ada = "BEGIN:VCARD\nVERSION:3.0\nFN:Ada Lovelace\nEMAIL:ada@example.org\nEND:VCARD\n"
    static let alan = "BEGIN:VCARD\nVERSION:4.0\nFN:Alan Turing\nURL:https://example.org/alan\nEND:VCARD\n"

    @Test func readsSeveralCardsOfEveryVersionInInputOrder() throws {
        let result = try Fixture.parse(Self.jane + Self.ada + Self.alan)
        #expect(result.issues.isEmpty)
        #expect(result.cards.map(\.card.displayName) == ["Jane Doe", "Ada Lovelace", "Alan Turing"])
        #expect(result.cards.map(\.card.version) == ["2.1", "3.0", "4.0"])
        #expect(result.cards.allSatisfy { !$0.isTorn })
    }

    @Test(arguments: ["\r\n", "\n"])
    func givesEachCardTheByteRangeOfExactlyItsLines(lineEnd: String) throws {
        let preamble = "Exported by Example Contacts\n\n"
        let between = "\n; a comment line\n"
        let input = Fixture.bytes(preamble + Self.jane + between + Self.ada + Self.alan, lineEnd: lineEnd)
        let result = try VCardParser().parse(input)
        #expect(result.cards.map { Array(input[$0.range]) } == [
            Fixture.bytes(Self.jane, lineEnd: lineEnd),
            Fixture.bytes(Self.ada, lineEnd: lineEnd),
            Fixture.bytes(Self.alan, lineEnd: lineEnd),
        ])
    }

    @Test func endsTheRangeOfACardWhoseEndLineIsFolded() throws {
        let text = "BEGIN:VCARD\nFN:Jane\nEND\n :VCARD\n"
        let input = Fixture.bytes(text + Self.ada)
        let result = try VCardParser().parse(input)
        #expect(result.cards.map(\.card.displayName) == ["Jane", "Ada Lovelace"])
        #expect(result.cards.map(\.range) == [0..<Fixture.bytes(text).count, Fixture.bytes(text).count..<input.count])
    }

    @Test func doesNotEmitANestedVersion21AgentCardNorEndTheOuterCardWithIt() throws {
        let result = try Fixture.parse("""
            BEGIN:VCARD
            VERSION:2.1
            N:Boss;Barbara
            TEL;WORK:+1 555 0100
            AGENT:
            BEGIN:VCARD
            VERSION:2.1
            N:Assistant;Andy
            TEL;WORK:+1 555 0199
            EMAIL:andy@acme.example
            END:VCARD
            EMAIL:barbara@acme.example
            TITLE:VP Sales
            END:VCARD
            """)
        #expect(result.issues.isEmpty)
        #expect(result.cards.count == 1)
        let card = try #require(result.cards.first?.card)
        #expect(card.displayName == "Barbara Boss")
        #expect(card.phones.map(\.value) == ["+1 555 0100"])
        #expect(card.emails.map(\.value) == ["barbara@acme.example"])
        #expect(card.title == "VP Sales")
        #expect(result.cards.first?.isTorn == false)
    }

    @Test func ignoresAVersion3InlineAgentValue() throws {
        let result = try Fixture.parse(#"""
            BEGIN:VCARD
            VERSION:3.0
            FN:Barbara Boss
            AGENT:BEGIN:VCARD\nFN:Andy Assistant\nTEL:+1 555 0199\nEMAIL:andy@acme
             .example\nEND:VCARD\n
            EMAIL:barbara@acme.example
            END:VCARD
            """#)
        #expect(result.issues.isEmpty)
        #expect(result.cards.count == 1)
        let card = try #require(result.cards.first?.card)
        #expect(card.formattedName == "Barbara Boss")
        #expect(card.phones.isEmpty)
        #expect(card.emails.map(\.value) == ["barbara@acme.example"])
    }

    @Test func returnsACardWithoutEndAsTorn() throws {
        let input = Fixture.bytes(Self.ada + "BEGIN:VCARD\nVERSION:3.0\nFN:Jane Doe\nEMAIL:jane@acme.example\n")
        let result = try VCardParser().parse(input)
        let start = Fixture.bytes(Self.ada).count
        #expect(result.cards.map(\.card.displayName) == ["Ada Lovelace", "Jane Doe"])
        #expect(result.cards.map(\.isTorn) == [false, true])
        #expect(result.cards.last?.range == start..<input.count)
        #expect(result.cards.last?.card.emails.map(\.value) == ["jane@acme.example"])
        #expect(result.issues == [ContactFormatError(.missingEnd, offset: start)])
    }

    @Test func endsATornCardAtTheNextBegin() throws {
        let torn = "BEGIN:VCARD\nVERSION:3.0\nFN:Jane Doe\n"
        let input = Fixture.bytes(torn + Self.ada)
        let result = try VCardParser().parse(input)
        let end = Fixture.bytes(torn).count
        #expect(result.cards.map(\.card.displayName) == ["Jane Doe", "Ada Lovelace"])
        #expect(result.cards.map(\.isTorn) == [true, false])
        #expect(result.cards.map(\.range) == [0..<end, end..<input.count])
        #expect(result.issues == [ContactFormatError(.missingEnd, offset: 0)])
    }

    @Test func keepsTheOuterCardWhenANewCardBeginsInsideAnUnendedAgent() throws {
        let torn = "BEGIN:VCARD\nVERSION:2.1\nN:Boss;Barbara\nAGENT:\nBEGIN:VCARD\nN:Assistant;Andy\n"
        let input = Fixture.bytes(torn + Self.ada)
        let result = try VCardParser().parse(input)
        let end = Fixture.bytes(torn).count
        #expect(result.cards.map(\.card.displayName) == ["Barbara Boss", "Ada Lovelace"])
        #expect(result.cards.map(\.isTorn) == [true, false])
        #expect(result.cards.first?.range == 0..<end)
        #expect(result.issues.map(\.code) == [.missingEnd, .missingEnd])
    }

    @Test func reportsAnEndWithoutABegin() throws {
        let result = try Fixture.parse(Self.ada + "END:VCARD\n")
        #expect(result.cards.count == 1)
        #expect(result.issues == [ContactFormatError(.unexpectedEnd, offset: Fixture.bytes(Self.ada).count)])
    }

    @Test(arguments: ["", "FN:Jane Doe\nEMAIL:jane@acme.example\n", "MECARD:N:Doe,Jane;;", "END:VCARD\n",
                      "Say BEGIN:VCARD to start a card\n", "BEGIN:VCALENDAR\nEND:VCALENDAR\n"])
    func throwsNotAVCardForTextWithoutBegin(text: String) {
        #expect(throws: ContactFormatError(.notAVCard, offset: 0)) {
            try VCardParser().parse(Fixture.bytes(text))
        }
    }

    @Test func readsAHugeUnknownPropertyWithoutProblem() throws {
        let photo = String(repeating: "QUJD", count: 5 << 18) // 5 MiB
        var folded = "", bare = ""
        let utf8 = Array(photo.utf8)
        for start in stride(from: 0, to: utf8.count, by: 76) {
            let line = String(decoding: utf8[start..<min(start + 76, utf8.count)], as: UTF8.self)
            folded += " \(line)\n"
            bare += "\(line)\n"
        }
        let cases = [
            "PHOTO;ENCODING=b;TYPE=JPEG:\(photo)\n",
            "PHOTO;ENCODING=b;TYPE=JPEG:\n\(folded)",
            "PHOTO;ENCODING=BASE64;TYPE=JPEG:\n\(bare)\n",
            "X-HUGE:\(photo)\n",
        ]
        for photoLines in cases {
            let result = try Fixture.parse("BEGIN:VCARD\nVERSION:3.0\nFN:Jane Doe\n\(photoLines)EMAIL:jane@acme.example\nEND:VCARD\n")
            #expect(result.issues.isEmpty)
            #expect(result.cards.map(\.card.formattedName) == ["Jane Doe"])
            #expect(result.cards.first?.card.emails.map(\.value) == ["jane@acme.example"])
        }
    }

    @Test func cutsAValueLongerThanTheMaximumWithAnIssue() throws {
        var parser = VCardParser()
        parser.maximumValueLength = 64
        let long = String(repeating: "x", count: 65)
        let result = try Fixture.parse("BEGIN:VCARD\nFN:Jane Doe\nNOTE:\(long)\nTITLE:\(long.prefix(64))\nEND:VCARD\n", parser: parser)
        #expect(result.cards.first?.card.note == String(long.prefix(64)))
        #expect(result.cards.first?.card.title == String(long.prefix(64)))
        #expect(result.issues == [ContactFormatError(.valueTruncated, offset: 26)])
    }

    @Test func skipsAllTheFoldedLinesOfAValueLongerThanTheMaximum() throws {
        var parser = VCardParser()
        parser.maximumValueLength = 16  // raw bytes read: four times that, 64
        let chunk = String(repeating: "x", count: 40)
        for encoding in ["", ";ENCODING=QUOTED-PRINTABLE"] {
            let continuation = encoding.isEmpty ? "\n " : "=\n"
            let note = "NOTE\(encoding):" + [chunk, chunk, "EMAIL:leak@example.com", chunk].joined(separator: continuation)
            let result = try Fixture.parse("BEGIN:VCARD\nFN:Jane Doe\n\(note)\nTEL:+1 555 0100\nEND:VCARD\n", parser: parser)
            #expect(result.cards.count == 1)
            let card = try #require(result.cards.first?.card)
            #expect(card.note == String(chunk.prefix(16)))
            #expect(card.emails.isEmpty, "the rest of a value over the maximum is part of it, not a property")
            #expect(card.phones.map(\.value) == ["+1 555 0100"])
            #expect(result.issues == [ContactFormatError(.valueTruncated, offset: 26)])
        }
    }

    @Test func stopsNestingAtTheMaximumDepthWithAnIssue() throws {
        var text = "BEGIN:VCARD\nFN:Outer\n"
        for level in 1...5 { text += "AGENT:\nBEGIN:VCARD\nFN:Agent \(level)\n" }
        for _ in 1...5 { text += "END:VCARD\n" }
        text += "EMAIL:outer@example.com\nEND:VCARD\n"
        let result = try Fixture.parse(text)
        #expect(result.issues.map(\.code).contains(.nestingTooDeep))
        #expect(result.cards.first?.card.formattedName == "Outer")
    }
}
