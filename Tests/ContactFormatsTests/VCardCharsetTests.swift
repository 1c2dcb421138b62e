import Testing
@testable import ContactFormats

/// CHARSET on quoted-printable and raw 8-bit values, byte order marks, and the fallback for
/// 8-bit text that does not say what it is.
@Suite struct VCardCharsetTests {
    /// "Müller" in ISO-8859-1.
    static let mullerLatin1: [UInt8] = [0x4D, 0xFC, 0x6C, 0x6C, 0x65, 0x72]
    /// "山田太郎" in Shift_JIS.
    static let yamadaShiftJIS: [UInt8] = [0x8E, 0x52, 0x93, 0x63, 0x91, 0xBE, 0x98, 0x59]
    /// "ソニー" in Shift_JIS: the second byte of ソ is 0x5C, a backslash in ASCII.
    static let sonyShiftJIS: [UInt8] = [0x83, 0x5C, 0x83, 0x6A, 0x81, 0x5B]

    @Test func decodesRawISO88591() throws {
        let card = try Fixture.card(Fixture.spliced(
            "BEGIN:VCARD\nVERSION:2.1\nFN;CHARSET=ISO-8859-1:Anna ", Self.mullerLatin1, "\nEND:VCARD\n"))
        #expect(card.formattedName == "Anna Müller")
    }

    @Test func decodesQuotedPrintableISO88591() throws {
        let card = try Fixture.card("""
            BEGIN:VCARD
            VERSION:2.1
            ADR;WORK;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:;;Stra=DFe 1;M=FCnchen;;80331;Deutschland
            END:VCARD
            """)
        #expect(card.addresses.first?.components == ["", "", "Straße 1", "München", "", "80331", "Deutschland"])
        #expect(card.addresses.first?.types == ["work"])
    }

    @Test func decodesWindows1252QuotationMarksAndEuro() throws {
        let card = try Fixture.card(Fixture.spliced(
            "BEGIN:VCARD\nVERSION:2.1\nNOTE;CHARSET=windows-1252:", [0x93, 0x4A, 0x6F, 0x94, 0x92, 0x73, 0x20, 0x80, 0x35],
            "\nTITLE;CHARSET=CP1252;ENCODING=QUOTED-PRINTABLE:Head of =93Sales=94\nEND:VCARD\n"))
        #expect(card.note == "“Jo”’s €5")
        #expect(card.title == "Head of “Sales”")
    }

    @Test func decodesRawShiftJIS() throws {
        let card = try Fixture.card(Fixture.spliced(
            "BEGIN:VCARD\nVERSION:2.1\nN;CHARSET=SHIFT_JIS:", Self.yamadaShiftJIS, "\nORG;CHARSET=Shift_JIS:", Self.sonyShiftJIS,
            "\nEND:VCARD\n"))
        #expect(card.displayName == "山田太郎")
        // A trail byte of 0x5C is part of the character, not a vCard escape.
        #expect(card.organization == ["ソニー"])
    }

    @Test func decodesQuotedPrintableShiftJIS() throws {
        let card = try Fixture.card("""
            BEGIN:VCARD
            VERSION:2.1
            FN;CHARSET=SHIFT_JIS;ENCODING=QUOTED-PRINTABLE:=8E=52=93=63=
            =91=BE=98=59
            END:VCARD
            """)
        #expect(card.formattedName == "山田太郎")
    }

    @Test func readsUndeclaredNonUTF8TextAsWindows1252() throws {
        let card = try Fixture.card(Fixture.spliced(
            "BEGIN:VCARD\nVERSION:2.1\nFN:Ren", [0xE9], " Dub", [0xE9], "\nNOTE:", [0x93], "hot", [0x94], " lead\nEND:VCARD\n"))
        #expect(card.formattedName == "René Dubé")
        #expect(card.note == "“hot” lead")
    }

    @Test func keepsUndeclaredUTF8() throws {
        let card = try Fixture.card("BEGIN:VCARD\nVERSION:3.0\nFN:Zoë Ğümüş 李小龍 🙂\nEND:VCARD\n")
        #expect(card.formattedName == "Zoë Ğümüş 李小龍 🙂")
    }

    @Test func fallsBackToWindows1252WhenDeclaredUTF8IsNotValid() throws {
        let card = try Fixture.card(Fixture.spliced(
            "BEGIN:VCARD\nVERSION:2.1\nFN;CHARSET=UTF-8:Ren", [0xE9], "\nEND:VCARD\n"))
        #expect(card.formattedName == "René")
    }

    @Test func fallsBackToWindows1252WhenAQuotedPrintableValueIsNotValidUTF8() throws {
        let card = try Fixture.card("BEGIN:VCARD\nVERSION:2.1\nFN;ENCODING=QUOTED-PRINTABLE:Ren=E9\nEND:VCARD\n")
        #expect(card.formattedName == "René")
    }

    @Test func treatsAnUnknownCharsetLikeNone() throws {
        let card = try Fixture.card(Fixture.spliced(
            "BEGIN:VCARD\nVERSION:2.1\nFN;CHARSET=X-UNHEARD-OF:Ren", [0xE9], "\nEMAIL;CHARSET=X-UNHEARD-OF:r@example.fr\nEND:VCARD\n"))
        #expect(card.formattedName == "René")
        #expect(card.emails.map(\.value) == ["r@example.fr"])
    }

    @Test func skipsALeadingUTF8ByteOrderMark() throws {
        let input = [0xEF, 0xBB, 0xBF] + Fixture.bytes("BEGIN:VCARD\nVERSION:3.0\nFN:Jane Doe\nEND:VCARD\n")
        let result = try VCardParser().parse(input)
        #expect(result.cards.map(\.card.formattedName) == ["Jane Doe"])
        #expect(result.cards.first?.range == 3..<input.count)
        #expect(result.issues.isEmpty)
    }

    @Test(arguments: [true, false])
    func readsUTF16WithAByteOrderMark(littleEndian: Bool) throws {
        let input = Fixture.utf16("BEGIN:VCARD\nVERSION:3.0\nFN:Zoë Doe\nEMAIL:zoe@example.com\nEND:VCARD\n", littleEndian: littleEndian)
        let result = try VCardParser().parse(input)
        #expect(result.issues.isEmpty)
        let card = try #require(result.cards.first?.card)
        #expect(card.formattedName == "Zoë Doe")
        #expect(card.emails.map(\.value) == ["zoe@example.com"])
    }

    @Test func givesUTF16CardRangesInTheBytesOfTheInput() throws {
        // Ranges and offsets name bytes of what was read, not of the UTF-8 made from it; with
        // many non-ASCII characters the UTF-8 is longer than the input.
        let first = "BEGIN:VCARD\nVERSION:3.0\nFN:山田太郎 山田太郎 山田太郎 山田太郎\nEND:VCARD\n"
        let second = "BEGIN:VCARD\nVERSION:3.0\nFN:鈴木一郎 鈴木一郎 鈴木一郎\n"
        let input = Fixture.utf16(first + second, littleEndian: true)
        let firstLength = Fixture.utf16(first, littleEndian: true).count - 2
        let result = try VCardParser().parse(input)
        #expect(result.cards.map(\.card.formattedName) == ["山田太郎 山田太郎 山田太郎 山田太郎", "鈴木一郎 鈴木一郎 鈴木一郎"])
        #expect(result.cards.map(\.range) == [2..<(2 + firstLength), (2 + firstLength)..<input.count])
        #expect(result.cards.map(\.isTorn) == [false, true])
        #expect(result.issues == [ContactFormatError(.missingEnd, offset: 2 + firstLength)])
    }
}
