import Testing
@testable import ContactFormats

/// Telling the text card formats apart by their markers, and decoding each.
@Suite struct ContactDecoderTests {
    @Test(arguments: [
        ("BEGIN:VCARD\r\nFN:Jane\r\nEND:VCARD\r\n", ContactFormat.vcard),
        ("\u{FEFF}  \r\nbegin:vcard\nEND:VCARD", .vcard),
        ("Exported contacts\r\n\r\nBEGIN:VCARD\r\nEND:VCARD", .vcard),
        ("home.BEGIN:VCARD\nhome.END:VCARD", .vcard),
        ("MECARD:N:Doe,Jane;;", .mecard),
        ("\n mecard:N:Doe,Jane;;", .mecard),
        ("BIZCARD:N:Sean;X:Owen;;", .bizcard),
        ("MEMORY:booth\r\nNAME1:山田太郎\r\n", .kddi),
        ("NAME1:山田太郎\r\nTEL1:090-1234-5678\r\n", .kddi),
    ])
    func detectsTheFormatByItsMarker(text: String, format: ContactFormat) {
        #expect(ContactDecoder.detectFormat(Array(text.utf8)) == format)
    }

    @Test(arguments: ["", "Jane Doe jane@acme.example", "Say BEGIN:VCARD to start", "X-BEGIN:VCARD", "MECARD without colon",
                      "FN:Jane\r\nEND:VCARD"])
    func detectsNoFormatInOtherText(text: String) {
        #expect(ContactDecoder.detectFormat(Array(text.utf8)) == nil)
    }

    @Test func detectsTheFormatOfUTF16Text() {
        #expect(ContactDecoder.detectFormat(Fixture.utf16("MECARD:N:Doe,Jane;;", littleEndian: true)) == .mecard)
        #expect(ContactDecoder.detectFormat(Fixture.utf16("BEGIN:VCARD\nEND:VCARD\n", littleEndian: false)) == .vcard)
    }

    @Test func findsNoVCardThatStartsAfterTheFirst64KiB() {
        let text = Array(repeating: UInt8(ascii: "x"), count: 70_000) + Array("\r\nBEGIN:VCARD\r\nEND:VCARD\r\n".utf8)
        #expect(ContactDecoder.detectFormat(text) == nil)
    }

    @Test func decodesEachFormat() throws {
        #expect(try ContactDecoder.decode(Array("BEGIN:VCARD\nFN:A\nEND:VCARD\nBEGIN:VCARD\nFN:B\nEND:VCARD\n".utf8), as: .vcard)
            .map(\.card.formattedName) == ["A", "B"])
        #expect(try ContactDecoder.decode(Array("MECARD:N:Doe,Jane;;".utf8), as: .mecard).map(\.card.format) == [.mecard])
        #expect(try ContactDecoder.decode(Array("BIZCARD:N:Sean;;".utf8), as: .bizcard).map(\.card.format) == [.bizcard])
        #expect(try ContactDecoder.decode(Array("NAME1:Taro\n".utf8), as: .kddi).map(\.card.format) == [.kddi])
        #expect(try ContactDecoder.decode(Array("jane@acme.example".utf8), as: .text).map(\.card.format) == [.text])
        #expect(try ContactDecoder.decode(Array("jane@acme.example".utf8), as: .uri).map(\.card.emails) == [[TypedValue("jane@acme.example")]])
    }

    @Test func passesOnTheErrorOfTheChosenFormat() {
        #expect(throws: ContactFormatError(.notAVCard, offset: 0)) { try ContactDecoder.decode(Array("MECARD:N:x;;".utf8), as: .vcard) }
        #expect(throws: ContactFormatError(.noContactInText)) { try ContactDecoder.decode(Array("nothing here".utf8), as: .text) }
    }
}
