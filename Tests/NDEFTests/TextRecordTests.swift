import NDEF
import Testing

@Suite struct TextRecordTests {
    @Test func decodesUTF8Text() throws {
        let record = try #require(try NDEFMessage(decoding: hex("D1 01 09 54 02") + ascii("en") + ascii("héllo")).records.first)
        #expect(try record.text == TextPayload(text: "héllo", language: "en"))
    }

    @Test func decodesALongerLanguageCode() throws {
        let payload = hex("05") + ascii("de-DE") + ascii("Titel")
        #expect(try TextPayload(decoding: payload) == TextPayload(text: "Titel", language: "de-DE"))
    }

    @Test func decodesBigEndianUTF16WithAByteOrderMark() throws {
        let payload = hex("82") + ascii("fr") + hex("FE FF 00 C7 00 61")
        #expect(try TextPayload(decoding: payload) == TextPayload(text: "Ça", language: "fr", encoding: .utf16))
    }

    @Test func decodesLittleEndianUTF16WithAByteOrderMark() throws {
        let payload = hex("82") + ascii("fr") + hex("FF FE C7 00 61 00")
        #expect(try TextPayload(decoding: payload) == TextPayload(text: "Ça", language: "fr", encoding: .utf16))
    }

    @Test func readsUTF16WithoutAByteOrderMarkAsBigEndian() throws {
        let payload = hex("82") + ascii("ja") + hex("65 E5 67 2C")
        #expect(try TextPayload(decoding: payload).text == "日本")
    }

    @Test func decodesUTF16SurrogatePairs() throws {
        let payload = hex("82") + ascii("en") + hex("D8 3D DE 00")
        #expect(try TextPayload(decoding: payload).text == "😀")
    }

    @Test func encodesUTF16BigEndianWithoutAByteOrderMark() {
        let payload = TextPayload(text: "Ça", language: "fr", encoding: .utf16).encoded()
        #expect(payload == hex("82") + ascii("fr") + hex("00 C7 00 61"))
    }

    @Test func keepsALeadingByteOrderMarkCharacterThroughARoundTrip() throws {
        // Found by fuzzing: without a real mark first, U+FEFF text would read back as a mark.
        let text = TextPayload(text: "\u{FEFF}\u{FFFB}", language: "en", encoding: .utf16)
        #expect(try TextPayload(decoding: text.encoded()) == text)
        let reversed = TextPayload(text: "\u{FFFE}x", language: "en", encoding: .utf16)
        #expect(try TextPayload(decoding: reversed.encoded()) == reversed)
    }

    @Test func buildsATextRecord() throws {
        let record = NDEFRecord.text("hello", language: "en")
        #expect(NDEFMessage(records: [record]).encoded() == hex("D1 01 08 54 02") + ascii("en") + ascii("hello"))
        #expect(try record.text?.text == "hello")
    }

    @Test func ignoresTheReservedStatusBit() throws {
        #expect(try TextPayload(decoding: hex("42") + ascii("en") + ascii("x")).text == "x")
    }

    @Test func acceptsAnEmptyLanguageAndText() throws {
        #expect(try TextPayload(decoding: [0x00]) == TextPayload(text: "", language: ""))
    }

    @Test func rejectsAMissingStatusByte() throws {
        let error = try #require(throws: NDEFError.self) { try TextPayload(decoding: []) }
        #expect(error.code == .invalidTextRecord)
    }

    @Test func rejectsALanguageCodeLongerThanThePayload() throws {
        let error = try #require(throws: NDEFError.self) { try TextPayload(decoding: hex("3F") + ascii("en")) }
        #expect(error.code == .invalidTextRecord)
        #expect(error.description == "Text record language code length 63 runs past the end of the payload (3 bytes) at byte 0")
    }

    @Test func rejectsUTF16OfOddLength() throws {
        let error = try #require(throws: NDEFError.self) { try TextPayload(decoding: hex("82") + ascii("en") + hex("00 41 00")) }
        #expect(error.code == .invalidTextRecord)
        #expect(error.offset == 3)
    }

    @Test func rejectsALoneSurrogate() throws {
        let error = try #require(throws: NDEFError.self) { try TextPayload(decoding: hex("82") + ascii("en") + hex("D8 3D 00 41")) }
        #expect(error.code == .invalidTextRecord)
    }

    @Test func rejectsInvalidUTF8() throws {
        let error = try #require(throws: NDEFError.self) { try TextPayload(decoding: hex("02") + ascii("en") + hex("FF")) }
        #expect(error.code == .invalidTextRecord)
    }

    @Test func answersNilForRecordsOfOtherTypes() throws {
        #expect(try NDEFRecord.uri("http://a").text == nil)
    }
}
