import Testing
@testable import ContactFormats

/// vCard 2.1 quoted-printable values: soft line breaks, and what they must not swallow.
@Suite struct VCardQuotedPrintableTests {
    @Test func decodesQuotedPrintableWithDeclaredUTF8() throws {
        let card = try Fixture.card("""
            BEGIN:VCARD
            VERSION:2.1
            N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=BCrgen
            FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:J=C3=BCrgen M=C3=BCller
            END:VCARD
            """)
        #expect(card.formattedName == "Jürgen Müller")
        #expect(card.name == StructuredName(family: ["Müller"], given: ["Jürgen"]))
    }

    @Test func joinsSoftLineBreaks() throws {
        let card = try Fixture.card("""
            BEGIN:VCARD
            VERSION:2.1
            NOTE;ENCODING=QUOTED-PRINTABLE:Met at the booth, wants a fifty-seat pi=
            lot; call=
            Tuesday=0D=0Abefore noon
            END:VCARD
            """)
        #expect(card.note == "Met at the booth, wants a fifty-seat pilot; callTuesday\r\nbefore noon")
    }

    @Test func keepsLeadingSpaceAfterQuotedPrintableSoftBreak() throws {
        // Unlike a fold, a soft break keeps the whole next line: its space is part of the text.
        let card = try Fixture.card("""
            BEGIN:VCARD
            VERSION:2.1
            FN;ENCODING=QUOTED-PRINTABLE:Jane=
             Doe
            NOTE;QUOTED-PRINTABLE:two=
              spaces
            END:VCARD
            """)
        #expect(card.formattedName == "Jane Doe")
        #expect(card.note == "two  spaces")
    }

    @Test(arguments: [
        "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:J=C=\n3=BCrgen",
        "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:J=C3=B=\nCrgen",
        "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:J=C3=\n=BCrgen",
        "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:J=\n=\n=C3=BC=\nrgen",
    ])
    func joinsASoftBreakThatSplitsAnEscapeSequence(line: String) throws {
        let card = try Fixture.card("BEGIN:VCARD\nVERSION:2.1\n\(line)\nEND:VCARD\n")
        #expect(card.formattedName == "Jürgen")
    }

    @Test func takesTheLineAfterASoftBreakAsTextEvenWhenItLooksLikeAProperty() throws {
        let card = try Fixture.card("""
            BEGIN:VCARD
            VERSION:2.1
            NOTE;ENCODING=QUOTED-PRINTABLE:call=
            TEL:555 0100
            FN:Jane
            END:VCARD
            """)
        #expect(card.note == "callTEL:555 0100")
        #expect(card.phones.isEmpty)
    }

    @Test func skipsTheSoftBreakLinesOfAnUnknownProperty() throws {
        let card = try Fixture.card("""
            BEGIN:VCARD
            VERSION:2.1
            X-ANNIVERSARY-NOTE;ENCODING=QUOTED-PRINTABLE:first=
            EMAIL:leak@example.com=
            TEL:555 0199
            FN:Jane
            END:VCARD
            """)
        #expect(card.formattedName == "Jane")
        #expect(card.emails.isEmpty)
        #expect(card.phones.isEmpty)
    }

    @Test func keepsMalformedEscapesAsWritten() throws {
        let card = try Fixture.card("""
            BEGIN:VCARD
            VERSION:2.1
            NOTE;ENCODING=QUOTED-PRINTABLE:100=25 sure, =ZZ and =G1
            END:VCARD
            """)
        #expect(card.note == "100% sure, =ZZ and =G1")
    }

    @Test func decodesQuotedPrintableOfLowerCaseHex() {
        var out: [UInt8] = []
        Array("caf=c3=a9=3D".utf8).withUnsafeBufferPointer { QuotedPrintable.decode($0, into: &out) }
        #expect(String(decoding: out, as: UTF8.self) == "café=")
    }

    @Test func decodesAnEscapeThatEndsTheValue() {
        var out: [UInt8] = []
        Array("=41".utf8).withUnsafeBufferPointer { QuotedPrintable.decode($0, into: &out) }
        #expect(out == [0x41])
        out = []
        Array("=4".utf8).withUnsafeBufferPointer { QuotedPrintable.decode($0, into: &out) }
        #expect(out == Array("=4".utf8))
    }

    @Test func foldsAQuotedPrintableValueWithoutASoftBreakLikeAnyOther() throws {
        // After a line that does not end in "=", an indented line is a plain fold.
        let card = try Fixture.card("""
            BEGIN:VCARD
            VERSION:2.1
            NOTE;ENCODING=QUOTED-PRINTABLE:one
             two
            END:VCARD
            """)
        #expect(card.note == "onetwo")
    }
}
