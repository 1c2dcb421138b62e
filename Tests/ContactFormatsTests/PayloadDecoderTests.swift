import NDEF
import Testing
@testable import ContactFormats

/// What a tag or a file holds: detection of each container and card format, and bad input.
@Suite struct PayloadDecoderTests {
    static let vcard = Fixture.bytes("BEGIN:VCARD\nVERSION:3.0\nFN:Jane Doe\nEMAIL:jane@acme.example\nTEL;TYPE=cell:+1 555 0100\nEND:VCARD\n")
    static let ada = Fixture.bytes("BEGIN:VCARD\nVERSION:2.1\nN:Lovelace;Ada\nEND:VCARD\n")

    static func message(_ records: NDEFRecord...) -> [UInt8] {
        NDEFMessage(records: records).encoded()
    }

    /// A Type 2 memory image from page 0: UID and lock pages, the CC on page 3, then the TLVs.
    static func typeTwoImage(_ message: [UInt8], dataAreaSize: Int = 496) -> [UInt8] {
        var image: [UInt8] = [0x04, 0xA1, 0xB2, 0x87, 0xC3, 0xD4, 0xE5, 0xF6, 0x52, 0x48, 0x00, 0x00,
                              0xE1, 0x10, UInt8(dataAreaSize / 8), 0x00]
        image += message.count < 0xFF ? [0x03, UInt8(message.count)] : [0x03, 0xFF, UInt8(message.count >> 8), UInt8(message.count & 0xFF)]
        image += message + [0xFE]
        image += [UInt8](repeating: 0, count: max(0, 16 + dataAreaSize - image.count))
        return image
    }

    /// A Type 4 NDEF file: NLEN, then the message.
    static func typeFourFile(_ message: [UInt8]) -> [UInt8] {
        [UInt8(message.count >> 8), UInt8(message.count & 0xFF)] + message
    }

    // MARK: Text payloads

    @Test func detectsVCardText() throws {
        let payload = try PayloadDecoder.decode(Self.vcard + Self.ada)
        #expect(payload.format == "vcard")
        #expect(payload.records.isEmpty)
        #expect(payload.issues.isEmpty)
        #expect(payload.contacts.map(\.card.displayName) == ["Jane Doe", "Ada Lovelace"])
        #expect(payload.contacts.map(\.raw) == [Self.vcard, Self.ada])
        #expect(payload.contacts.map(\.mediaType) == ["text/vcard", "text/vcard"])
        #expect(payload.contacts.map(\.recordIndex) == [nil, nil])
    }

    @Test(arguments: [
        ("MECARD:N:Doe,Jane;EMAIL:jane@acme.example;;", "mecard", ContactFormat.mecard),
        ("BIZCARD:N:Jane;X:Doe;E:jane@acme.example;;", "bizcard", .bizcard),
        ("MEMORY:booth 12\r\nNAME1:Jane Doe\r\nMAIL1:jane@acme.example\r\n", "kddi", .kddi),
        ("Jane Doe <jane@acme.example>", "text", .text),
    ])
    func detectsTheQRFormatsAndPlainText(text: String, format: String, cardFormat: ContactFormat) throws {
        let payload = try PayloadDecoder.decode(Array(text.utf8))
        #expect(payload.format == format)
        #expect(payload.contacts.map(\.card.format) == [cardFormat])
        #expect(payload.contacts.first?.card.emails.map(\.value) == ["jane@acme.example"])
        #expect(payload.contacts.first?.raw == Array(text.utf8))
    }

    @Test func yieldsNoContactAndNoErrorForTextWithoutOne() throws {
        let payload = try PayloadDecoder.decode(Array("Welcome to booth 12! Ask us about the pilot on 2026-11-22.".utf8))
        #expect(payload.format == "text")
        #expect(payload.contacts.isEmpty)
        #expect(payload.issues.isEmpty)
    }

    @Test func reportsATornVCardWithItsOffsetAndKeepsTheCard() throws {
        let torn = Fixture.bytes("BEGIN:VCARD\nFN:Ada\n")
        let payload = try PayloadDecoder.decode(Self.vcard + torn)
        #expect(payload.contacts.map(\.isTorn) == [false, true])
        #expect(payload.contacts.last?.raw == torn)
        #expect(payload.issues == [PayloadIssue("card has no END:VCARD", offset: Self.vcard.count)])
        #expect(payload.issues.first?.description == "card has no END:VCARD at byte \(Self.vcard.count)")
    }

    @Test func decodesAUTF16VCardWithoutSlicingPastTheInput() throws {
        let input = Fixture.utf16("BEGIN:VCARD\nVERSION:3.0\nFN:山田太郎 山田太郎 山田太郎 山田太郎 山田太郎\nEND:VCARD\n", littleEndian: true)
        let payload = try PayloadDecoder.decode(input)
        #expect(payload.format == "vcard")
        #expect(payload.contacts.map(\.card.formattedName) == ["山田太郎 山田太郎 山田太郎 山田太郎 山田太郎"])
        #expect(payload.contacts.first?.raw == Array(input.dropFirst(2)))
    }

    // MARK: NDEF payloads

    @Test func detectsAnNDEFMessageWithAVCardMediaRecord() throws {
        let bytes = Self.message(.media("text/vcard", payload: Self.vcard), .media("text/x-vCard; charset=utf-8", payload: Self.ada))
        let payload = try PayloadDecoder.decode(bytes)
        #expect(payload.format == "ndef")
        #expect(payload.records.map(\.typeName) == ["text/vcard", "text/x-vCard; charset=utf-8"])
        #expect(payload.contacts.map(\.card.displayName) == ["Jane Doe", "Ada Lovelace"])
        #expect(payload.contacts.map(\.recordIndex) == [0, 1])
        #expect(payload.contacts.map(\.raw) == [Self.vcard, Self.ada])
        #expect(payload.contacts.map(\.mediaType) == ["text/vcard", "text/x-vcard"])
        #expect(payload.issues.isEmpty)
    }

    @Test func readsAnNDEFMessageWhoseVCardRecordHoldsSeveralCards() throws {
        // The second card's BEGIN:VCARD starts a line of the message: it is still NDEF, not text.
        let bytes = Self.message(.media("text/vcard", payload: Self.vcard + Self.ada))
        let payload = try PayloadDecoder.decode(bytes)
        #expect(payload.format == "ndef")
        #expect(payload.records.count == 1)
        #expect(payload.contacts.map(\.card.displayName) == ["Jane Doe", "Ada Lovelace"])
    }

    @Test func readsAnNDEFVCardRecordWithANestedAgentCard() throws {
        let card = Fixture.bytes("BEGIN:VCARD\nVERSION:2.1\nN:Boss;Barbara\nAGENT:\nBEGIN:VCARD\nN:Assistant;Andy\nEND:VCARD\nEND:VCARD\n")
        let payload = try PayloadDecoder.decode(Self.typeTwoImage(Self.message(.media("text/x-vcard", payload: card))))
        #expect(payload.format == "type2")
        #expect(payload.contacts.map(\.card.displayName) == ["Barbara Boss"])
    }

    @Test(arguments: [
        ("https://popl.co/jane", ContactCard(format: .uri, urls: ["https://popl.co/jane"])),
        ("http://acme.example/jane", ContactCard(format: .uri, urls: ["http://acme.example/jane"])),
        ("mailto:jane%2Bleads@acme.example?subject=Hello", ContactCard(format: .uri, emails: [TypedValue("jane+leads@acme.example")])),
        ("tel:+1-555-0100", ContactCard(format: .uri, phones: [TypedValue("+1-555-0100")])),
    ])
    func turnsAURIRecordIntoAContact(uri: String, card: ContactCard) throws {
        let payload = try PayloadDecoder.decode(Self.message(.uri(uri)))
        #expect(payload.format == "ndef")
        #expect(payload.records.count == 1)
        #expect(payload.contacts.map(\.card) == [card])
        #expect(payload.contacts.first?.mediaType == "text/uri-list")
    }

    @Test(arguments: ["geo:52.52,13.40", "mailto:", "tel:", "urn:nfc:sn:1234"])
    func findsNoContactInOtherURIs(uri: String) throws {
        let payload = try PayloadDecoder.decode(Self.message(.uri(uri)))
        #expect(payload.contacts.isEmpty)
        #expect(payload.issues.isEmpty)
    }

    @Test func readsATextRecordHoldingAMECARD() throws {
        let payload = try PayloadDecoder.decode(Self.message(.text("MECARD:N:Doe,Jane;TEL:+15550100;;", language: "en")))
        #expect(payload.format == "ndef")
        #expect(payload.contacts.map(\.card.format) == [.mecard])
        #expect(payload.contacts.first?.card.formattedName == "Jane Doe")
        #expect(payload.contacts.first?.mediaType == "text/plain")
    }

    @Test func readsATextRecordOfPlainTextAndOneWithout() throws {
        let payload = try PayloadDecoder.decode(Self.message(.text("hello", language: "en"), .text("Mail jane@acme.example", language: "de", encoding: .utf16)))
        #expect(payload.contacts.map(\.card.emails) == [[TypedValue("jane@acme.example")]])
        #expect(payload.contacts.map(\.recordIndex) == [1])
        #expect(payload.issues.isEmpty)
    }

    @Test func readsTheURIOfASmartPoster() throws {
        let poster = SmartPoster(uri: "https://acme.example/jane", titles: [TextPayload(text: "Jane Doe", language: "en")], action: .doAction)
        let payload = try PayloadDecoder.decode(Self.message(.smartPoster(poster)))
        #expect(payload.format == "ndef")
        #expect(payload.records.map(\.typeName) == ["Sp"])
        #expect(payload.contacts.map(\.card) == [ContactCard(format: .uri, urls: ["https://acme.example/jane"])])
    }

    @Test func readsAnAbsoluteURIRecordAndSkipsRecordsThatHoldNoContact() throws {
        let payload = try PayloadDecoder.decode(Self.message(
            .external("acme.example:badge", payload: [1, 2, 3]),
            .media("image/png", payload: [0x89, 0x50, 0x4E, 0x47]),
            .media("text/plain", payload: Array("call +49 30 1234567".utf8)),
            .absoluteURI("https://acme.example/badge/42")))
        #expect(payload.records.map(\.typeName) == ["acme.example:badge", "image/png", "text/plain", "https://acme.example/badge/42"])
        #expect(payload.contacts.map(\.recordIndex) == [2, 3])
        #expect(payload.contacts.first?.card.phones.map(\.value) == ["+49 30 1234567"])
        #expect(payload.contacts.last?.card.urls == ["https://acme.example/badge/42"])
    }

    @Test func reportsAMalformedRecordAsAnIssueAndReadsTheOthers() throws {
        let payload = try PayloadDecoder.decode(Self.message(
            NDEFRecord(tnf: .wellKnown, type: [0x55], payload: [0xFF, 0x41]),
            .media("text/vcard", payload: Fixture.bytes("BEGIN:VCARD\nFN:Ada\n"))))
        #expect(payload.contacts.map(\.card.formattedName) == ["Ada"])
        #expect(payload.issues.count == 2)
        #expect(payload.issues.first?.message.hasPrefix("record 0: ") == true)
        #expect(payload.issues.last == PayloadIssue("record 1: card has no END:VCARD", offset: 0))
    }

    // MARK: Tag memory

    @Test func detectsATypeTwoMemoryImageFromPageZero() throws {
        let image = Self.typeTwoImage(Self.message(.uri("https://popl.co/jane"), .media("text/vcard", payload: Self.vcard)))
        let payload = try PayloadDecoder.decode(image)
        #expect(payload.format == "type2")
        #expect(payload.records.count == 2)
        #expect(payload.contacts.map(\.card.format) == [.uri, .vcard])
    }

    @Test func readsATypeTwoImageWithALongTLVAndOneWithNoNDEF() throws {
        let big = Fixture.bytes("BEGIN:VCARD\nFN:Jane Doe\nNOTE:\(String(repeating: "n", count: 300))\nEND:VCARD\n")
        let payload = try PayloadDecoder.decode(Self.typeTwoImage(Self.message(.media("text/vcard", payload: big)), dataAreaSize: 872))
        #expect(payload.contacts.map(\.card.formattedName) == ["Jane Doe"])

        var empty = Self.typeTwoImage([])
        empty[16] = 0xFE
        let none = try PayloadDecoder.decode(empty, as: .type2)
        #expect(none.format == "type2")
        #expect(none.records.isEmpty)
    }

    @Test func detectsATypeFourNDEFFile() throws {
        let payload = try PayloadDecoder.decode(Self.typeFourFile(Self.message(.media("text/vcard", payload: Self.vcard))))
        #expect(payload.format == "type4")
        #expect(payload.contacts.map(\.card.formattedName) == ["Jane Doe"])
        let empty = try PayloadDecoder.decode([0x00, 0x00], as: .type4)
        #expect(empty.format == "type4")
        #expect(empty.records.isEmpty)
    }

    // MARK: Explicit formats

    @Test func decodesEachExplicitFormat() throws {
        let ndef = Self.message(.uri("https://popl.co/jane"))
        #expect(try PayloadDecoder.decode(ndef, as: .ndef).format == "ndef")
        #expect(try PayloadDecoder.decode(Self.typeTwoImage(ndef), as: .type2).format == "type2")
        #expect(try PayloadDecoder.decode(Self.typeFourFile(ndef), as: .type4).format == "type4")
        #expect(try PayloadDecoder.decode(Self.vcard, as: .vcard).contacts.count == 1)
        #expect(try PayloadDecoder.decode(Array("MECARD:N:Doe,Jane;;".utf8), as: .mecard).format == "mecard")
        #expect(try PayloadDecoder.decode(Array("BIZCARD:N:Jane;;".utf8), as: .mecard).format == "bizcard")
        #expect(try PayloadDecoder.decode(Array("jane@acme.example".utf8), as: .text).format == "text")
        #expect(try PayloadDecoder.decode(Self.vcard, as: .text).format == "vcard")
        #expect(try PayloadDecoder.decode(Array("MECARD:N:Doe,Jane;;".utf8), as: .auto).format == "mecard")
    }

    @Test func failsRatherThanGuessWhenTheExplicitFormatDoesNotFit() throws {
        #expect(throws: PayloadIssue.self) { try PayloadDecoder.decode(Array("MECARD:N:Doe,Jane;;".utf8), as: .vcard) }
        #expect(throws: PayloadIssue.self) { try PayloadDecoder.decode(Array("Jane Doe".utf8), as: .mecard) }
    }

    // MARK: Bad input

    @Test func reportsATruncatedNDEFMessageWithTheOffsetOfTheBadLength() throws {
        let full = Self.message(.uri("https://acme.example/jane"))
        let error = try #require(throws: PayloadIssue.self) { try PayloadDecoder.decode(Array(full.dropLast(3))) }
        #expect(error.offset == 2)
        #expect(error.message.hasPrefix("NDEF: "))
        #expect(error.description.hasSuffix("at byte 2"))
    }

    @Test func reportsATruncatedTypeFourMessageWithTheOffsetInTheFile() throws {
        let file = Self.typeFourFile(Self.message(.uri("https://acme.example/jane")))
        var cut = file
        cut[1] -= 3 // NLEN says 3 bytes less: the record's payload runs past the message.
        let error = try #require(throws: PayloadIssue.self) { try PayloadDecoder.decode(Array(cut.dropLast(3)), as: .type4) }
        #expect(error.offset == 4)
        let beyond = try #require(throws: PayloadIssue.self) { try PayloadDecoder.decode(Array(file.dropLast(3)), as: .type4) }
        #expect(beyond.offset == 0)
    }

    @Test(arguments: [[0xFF, 0x00, 0x13, 0x37], [0x07, 0x00, 0x00, 0x00, 0x01], [0x5A, 0x00, 0x01]] as [[UInt8]])
    func rejectsGarbageBytesAtOffsetZero(bytes: [UInt8]) throws {
        let error = try #require(throws: PayloadIssue.self) { try PayloadDecoder.decode(bytes) }
        #expect(error.offset == 0)
    }

    @Test func rejectsAnEmptyPayload() throws {
        let error = try #require(throws: PayloadIssue.self) { try PayloadDecoder.decode([]) }
        #expect(error.offset == 0)
    }

    @Test func rejectsAPayloadOverTheMaximum() throws {
        let huge = [UInt8](repeating: 0x41, count: PayloadDecoder.maximumPayload + 1)
        let error = try #require(throws: PayloadIssue.self) { try PayloadDecoder.decode(huge) }
        #expect(error.offset == PayloadDecoder.maximumPayload)
    }

    @Test func reportsABadTypeTwoCapabilityContainerAtItsAddress() throws {
        var image = Self.typeTwoImage(Self.message(.uri("https://popl.co/jane")))
        image[13] = 0x20
        let error = try #require(throws: PayloadIssue.self) { try PayloadDecoder.decode(image, as: .type2) }
        #expect(error.offset == 13)
        #expect(error.message.hasPrefix("Type 2 memory: "))
    }

    @Test func reportsATruncatedTypeTwoImage() throws {
        let image = Self.typeTwoImage(Self.message(.media("text/vcard", payload: Self.vcard)))
        let error = try #require(throws: PayloadIssue.self) { try PayloadDecoder.decode(Array(image.prefix(40)), as: .type2) }
        #expect(error.offset == 40)
    }

    @Test func reportsAnNDEFErrorForBytesForcedToNDEF() throws {
        let error = try #require(throws: PayloadIssue.self) { try PayloadDecoder.decode(Self.vcard, as: .ndef) }
        #expect(error.offset == 0)
    }
}
