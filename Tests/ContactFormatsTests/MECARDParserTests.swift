import Testing
@testable import ContactFormats

/// The QR contact formats: DoCoMo MECARD, BIZCARD and the KDDI/au address book entry.
@Suite struct MECARDParserTests {
    static func card(_ text: String) throws -> ContactCard {
        try MECARDParser.parse(Array(text.utf8)).card
    }

    @Test func readsEveryMECARDField() throws {
        let text = "MECARD:N:Doe,Jane;TEL:+1 555 0100;TEL:+1 555 0101;EMAIL:jane@acme.example;"
            + "ADR:1 Main St, Springfield, IL;URL:https://acme.example/jane;NOTE:Met at booth 12;"
            + "BDAY:19800401;NICKNAME:JD;ORG:Acme Corp;TITLE:CTO;;"
        let parsed = try MECARDParser.parse(Array(text.utf8))
        let card = parsed.card
        #expect(card.format == .mecard)
        #expect(card.name == StructuredName(family: ["Doe"], given: ["Jane"]))
        #expect(card.formattedName == "Jane Doe")
        #expect(card.phones == [TypedValue("+1 555 0100"), TypedValue("+1 555 0101")])
        #expect(card.emails == [TypedValue("jane@acme.example")])
        #expect(card.addresses == [PostalAddress(components: ["1 Main St, Springfield, IL"])])
        #expect(card.urls == ["https://acme.example/jane"])
        #expect(card.note == "Met at booth 12")
        #expect(card.birthday == "19800401")
        #expect(card.nickname == "JD")
        #expect(card.organization == ["Acme Corp"])
        #expect(card.title == "CTO")
        #expect(parsed.range == 0..<text.utf8.count)
        #expect(parsed.isTorn == false)
    }

    @Test func unescapesBackslashedSeparators() throws {
        let card = try Self.card(#"MECARD:N:O'Brien,Pat;NOTE:a\;b\:c\,d\\e;URL:https\://x.example/a\;b;;"#)
        #expect(card.note == #"a;b:c,d\e"#)
        #expect(card.urls == ["https://x.example/a;b"])
        #expect(card.formattedName == "Pat O'Brien")
    }

    @Test(arguments: ["MECARD:N:Doe,Jane;EMAIL:jane@acme.example;", "MECARD:N:Doe,Jane;EMAIL:jane@acme.example",
                      "  mecard:N:Doe,Jane;EMAIL:jane@acme.example;;\n"])
    func acceptsASingleSemicolonOrNoTerminatorAndAnyCase(text: String) throws {
        let card = try Self.card(text)
        #expect(card.formattedName == "Jane Doe")
        #expect(card.emails.map(\.value) == ["jane@acme.example"])
    }

    @Test func stopsAtTheDoubleSemicolon() throws {
        let card = try Self.card("MECARD:N:Doe,Jane;;EMAIL:after@end.example;")
        #expect(card.emails.isEmpty)
    }

    @Test func takesANameWithoutACommaAsTheDisplayName() throws {
        let card = try Self.card("MECARD:N:Jane Doe;TEL:555 0100;;")
        #expect(card.name == nil)
        #expect(card.formattedName == "Jane Doe")
    }

    @Test func dropsEmptyPhonesAndEmails() throws {
        let card = try Self.card("MECARD:N:Doe,Jane;TEL:;EMAIL: ;;")
        #expect(card.phones.isEmpty)
        #expect(card.emails.isEmpty)
    }

    @Test func readsNonASCIIMECARD() throws {
        let card = try Self.card("MECARD:N:山田,太郎;SOUND:ヤマダ,タロウ;TEL:090-1234-5678;;")
        #expect(card.name == StructuredName(family: ["山田"], given: ["太郎"]))
        #expect(card.phones.map(\.value) == ["090-1234-5678"])
    }

    @Test(arguments: ["", "N:Doe,Jane;;", "BIZCARD:N:Sean;;", "MECARD"])
    func rejectsTextWithoutTheMECARDMarker(text: String) {
        #expect(throws: ContactFormatError(.notAMECARD, offset: 0)) { try MECARDParser.parse(Array(text.utf8)) }
    }

    @Test func readsEveryBIZCARDField() throws {
        let text = "BIZCARD:N:Sean;X:Owen;T:Software Engineer;C:Google;A:76 9th Avenue, New York, NY 10011;"
            + "B:+12125551212;M:+12125551213;F:+12125551214;E:sean@example.com;;"
        let card = try BIZCARDParser.parse(Array(text.utf8)).card
        #expect(card.format == .bizcard)
        #expect(card.name == StructuredName(family: ["Owen"], given: ["Sean"]))
        #expect(card.formattedName == "Sean Owen")
        #expect(card.title == "Software Engineer")
        #expect(card.organization == ["Google"])
        #expect(card.addresses == [PostalAddress(components: ["76 9th Avenue, New York, NY 10011"])])
        #expect(card.phones == [TypedValue("+12125551212", types: ["work"]), TypedValue("+12125551213", types: ["cell"]),
                                TypedValue("+12125551214", types: ["fax"])])
        #expect(card.emails == [TypedValue("sean@example.com")])
    }

    @Test func rejectsTextWithoutTheBIZCARDMarker() {
        #expect(throws: ContactFormatError(.notABIZCARD, offset: 0)) { try BIZCARDParser.parse(Array("MECARD:N:x;;".utf8)) }
    }

    @Test(arguments: ["\r\n", "\n", "\r"])
    func readsAKDDIAddressBookEntry(lineEnd: String) throws {
        let text = Fixture.bytes("MEMORY:Met at the au booth\nNAME1:山田太郎\nNAME2:やまだたろう\nTEL1:090-1234-5678\nTEL2:03-1234-5678\n"
            + "MAIL1:taro@example.jp\nMAIL2:\nADD:東京都千代田区1-1\n", lineEnd: lineEnd)
        let card = try KDDIParser.parse(text).card
        #expect(card.format == .kddi)
        #expect(card.formattedName == "山田太郎")
        #expect(card.note == "Met at the au booth")
        #expect(card.phones.map(\.value) == ["090-1234-5678", "03-1234-5678"])
        #expect(card.emails.map(\.value) == ["taro@example.jp"])
        #expect(card.addresses == [PostalAddress(components: ["東京都千代田区1-1"])])
    }

    @Test func rejectsTextWithNoKDDIKey() {
        #expect(throws: ContactFormatError(.notAKDDICard, offset: 0)) {
            try KDDIParser.parse(Array("NAME:Jane\nPHONE:555 0100\n".utf8))
        }
    }

    @Test func readsWindows1252QRTextThatIsNotUTF8() throws {
        let card = try MECARDParser.parse(Array("MECARD:N:Dub".utf8) + [0xE9] + Array(",Ren".utf8) + [0xE9] + Array(";;".utf8)).card
        #expect(card.formattedName == "René Dubé")
    }
}
