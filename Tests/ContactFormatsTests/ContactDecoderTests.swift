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

    /// A text of QR scans, one card a line: a card each, with its own bytes.
    @Test func aTextOfManyScansGivesACardPerLine() throws {
        let text = "\u{FEFF}MECARD:N:Doe,Jane;EMAIL:jane@acme.example;;\r\n\r\n  mecard:N:Lee,Ann;NOTE:met at the bar;;\nMECARD:N:Stone,Bob;TEL:+14155550100;;"
        let bytes = Array(text.utf8)
        let cards = try ContactDecoder.decode(bytes, as: .mecard)
        #expect(cards.map(\.card.formattedName) == ["Jane Doe", "Ann Lee", "Bob Stone"])
        #expect(cards.map { $0.card.emails.map(\.value) } == [["jane@acme.example"], [], []])
        #expect(cards[1].card.note == "met at the bar" && cards[2].card.phones.map(\.value) == ["+14155550100"])
        // The ranges tile the input: no byte left out, the BOM and blank lines with the first.
        #expect(cards.first?.range.lowerBound == 0 && cards.last?.range.upperBound == bytes.count)
        #expect(zip(cards, cards.dropFirst()).allSatisfy { $0.range.upperBound == $1.range.lowerBound })
        #expect(String(decoding: bytes[cards[2].range], as: UTF8.self) == "MECARD:N:Stone,Bob;TEL:+14155550100;;")
        // An NDEF record is one person's: the first card only, as before.
        #expect(try ContactDecoder.decode(bytes, as: .mecard, oneCard: true).map(\.card.formattedName) == ["Jane Doe"])

        let biz = try ContactDecoder.decode(Array("BIZCARD:N:Sean;X:Owen;;\nBIZCARD:N:Ann;X:Lee;;\n".utf8), as: .bizcard)
        #expect(biz.map(\.card.formattedName) == ["Sean Owen", "Ann Lee"])
    }

    /// One card is parsed whole, even with MECARD: inside a value or text after it.
    @Test func oneScanStaysOneCard() throws {
        let bytes = Array("MECARD:N:Doe,Jane;NOTE:ask about MECARD: support;;\nthanks!\n".utf8)
        let cards = try ContactDecoder.decode(bytes, as: .mecard)
        #expect(cards.count == 1 && cards[0].range == 0..<bytes.count)
        #expect(cards[0].card.note == "ask about MECARD: support")
    }
}
