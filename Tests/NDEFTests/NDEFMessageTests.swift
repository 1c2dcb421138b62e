import NDEF
import Testing

@Suite struct NDEFMessageTests {
    @Test func decodesAnEmptyRecordOfTNFZero() throws {
        let message = try NDEFMessage(decoding: hex("D0 00 00"))
        #expect(message.records == [NDEFRecord(tnf: .empty)])
        #expect(message.records[0].typeName == "")
    }

    @Test func decodesAWellKnownRecord() throws {
        let message = try NDEFMessage(decoding: hex("D1 01 08 55 01") + ascii("nfc.com"))
        let record = try #require(message.records.first)
        #expect(record.tnf == .wellKnown)
        #expect(record.typeName == "U")
        #expect(record.payload == [0x01] + ascii("nfc.com"))
    }

    @Test func decodesAMediaTypeRecord() throws {
        let vcard = ascii("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jane Doe\r\nEND:VCARD\r\n")
        let bytes = hex("D2 0A") + [UInt8(vcard.count)] + ascii("text/vcard") + vcard
        let record = try #require(try NDEFMessage(decoding: bytes).records.first)
        #expect(record.tnf == .media)
        #expect(record.typeName == "text/vcard")
        #expect(record.payload == vcard)
    }

    @Test func decodesAnAbsoluteURIRecord() throws {
        let bytes = hex("D3 13 00") + ascii("http://example.com/")
        let record = try #require(try NDEFMessage(decoding: bytes).records.first)
        #expect(record.tnf == .absoluteURI)
        #expect(record.typeName == "http://example.com/")
        #expect(record.payload.isEmpty)
        #expect(try record.uri == nil)
    }

    @Test func decodesAnExternalTypeRecord() throws {
        let bytes = hex("D4 0F 02") + ascii("example.com:abc") + ascii("hi")
        let record = try #require(try NDEFMessage(decoding: bytes).records.first)
        #expect(record.tnf == .external)
        #expect(record.typeName == "example.com:abc")
        #expect(record.payload == ascii("hi"))
    }

    @Test func decodesAnUnknownTypeRecord() throws {
        let record = try #require(try NDEFMessage(decoding: hex("D5 00 02 AA BB")).records.first)
        #expect(record == NDEFRecord(tnf: .unknown, payload: [0xAA, 0xBB]))
    }

    @Test func rejectsAnUnchangedRecordOutsideAChunk() {
        #expect { try NDEFMessage(decoding: hex("D6 00 00")) } throws: { ($0 as? NDEFError)?.code == .badChunk }
    }

    @Test func rejectsTheReservedTNFSeven() throws {
        let error = try #require(throws: NDEFError.self) { try NDEFMessage(decoding: hex("D7 00 00")) }
        #expect(error.code == .reservedTNF)
        #expect(error.offset == 0)
    }

    @Test(arguments: [hex("D0 01 00 55"), hex("D0 00 01 AA"), hex("D8 00 00 01 41"), hex("D5 01 00 55")])
    func rejectsATypeOrContentWhereTheTNFForbidsIt(bytes: [UInt8]) throws {
        let error = try #require(throws: NDEFError.self) { try NDEFMessage(decoding: bytes) }
        #expect(error.code == .invalidTypeLength)
    }

    @Test func readsTheIDOfARecordWithTheILFlag() throws {
        // MB ME SR IL, TNF 1; type 1, payload 3, ID 2.
        let bytes = hex("D9 01 03 02") + ascii("T") + ascii("id") + hex("00 68 69")
        let record = try #require(try NDEFMessage(decoding: bytes).records.first)
        #expect(record.id == ascii("id"))
        #expect(record.payload == hex("00 68 69"))
        #expect(try NDEFMessage(decoding: bytes).encoded() == bytes)
    }

    @Test func acceptsTheILFlagWithAnEmptyID() throws {
        let record = try #require(try NDEFMessage(decoding: hex("D9 01 01 00 55 00")).records.first)
        #expect(record.id.isEmpty)
        #expect(try record.uri == "")
    }

    @Test func decodesALongRecord() throws {
        let payload = (0 ..< 300).map { UInt8(truncatingIfNeeded: $0) }
        let bytes = hex("C2 03 00 00 01 2C") + ascii("a/b") + payload
        let record = try #require(try NDEFMessage(decoding: bytes).records.first)
        #expect(record.payload == payload)
        #expect(NDEFMessage(records: [record]).encoded() == bytes)
    }

    @Test func decodesALongRecordWhosePayloadIsShort() throws {
        // Long form is allowed for any length; the encoder then picks the short form.
        let bytes = hex("C1 01 00 00 00 02 55 00 61")
        let message = try NDEFMessage(decoding: bytes)
        #expect(message.records == [NDEFRecord(tnf: .wellKnown, type: ascii("U"), payload: hex("00 61"))])
        #expect(message.encoded() == hex("D1 01 02 55 00 61"))
    }

    @Test func decodesSeveralRecordsInOrder() throws {
        let bytes = hex("91 01 02 55 00 61") + hex("12 03 01") + ascii("a/b") + [0x7A] + hex("54 00 00")
        let message = try NDEFMessage(decoding: bytes)
        #expect(message.records.map(\.typeName) == ["U", "a/b", ""])
        #expect(message.records.map(\.tnf) == [.wellKnown, .media, .external])
    }

    @Test func rejectsAFirstRecordWithoutMessageBegin() throws {
        let error = try #require(throws: NDEFError.self) { try NDEFMessage(decoding: hex("51 01 01 55 00")) }
        #expect(error.code == .missingMessageBegin)
        #expect(error.offset == 0)
    }

    @Test func rejectsMessageBeginOnALaterRecord() throws {
        let error = try #require(throws: NDEFError.self) {
            try NDEFMessage(decoding: hex("91 01 01 55 00 D1 01 01 55 00"))
        }
        #expect(error.code == .unexpectedMessageBegin)
        #expect(error.offset == 5)
    }

    @Test func rejectsAMessageWithoutMessageEnd() throws {
        let error = try #require(throws: NDEFError.self) { try NDEFMessage(decoding: hex("91 01 01 55 00")) }
        #expect(error.code == .missingMessageEnd)
        #expect(error.offset == 5)
    }

    @Test func rejectsBytesAfterMessageEnd() throws {
        let error = try #require(throws: NDEFError.self) { try NDEFMessage(decoding: hex("D1 01 01 55 00 00 00")) }
        #expect(error.code == .bytesAfterMessageEnd)
        #expect(error.offset == 5)
    }

    @Test func treatsNoBytesAsTheEmptyMessage() throws {
        #expect(try NDEFMessage(decoding: []).records.isEmpty)
        #expect(NDEFMessage(records: []).encoded().isEmpty)
    }

    @Test func rejectsATwoGigabytePayloadLengthWithoutAllocating() throws {
        // 20 bytes claiming a payload of 2^31 bytes: a lie to refuse, not an allocation to try.
        let bytes = hex("C1 01 80 00 00 00 55 00") + ascii("example.com/")
        #expect(bytes.count == 20)
        let error = try #require(throws: NDEFError.self) { try NDEFMessage(decoding: bytes) }
        #expect(error.code == .lengthBeyondEnd)
        #expect(error.offset == 2)
        #expect(error.description == "NDEF record payload length 2147483648 runs past the end of the message (20 bytes) at byte 2")
    }

    @Test func rejectsALongestPossiblePayloadLength() throws {
        let error = try #require(throws: NDEFError.self) { try NDEFMessage(decoding: hex("C1 01 FF FF FF FF 55")) }
        #expect(error.code == .lengthBeyondEnd)
    }

    @Test func rejectsATypeOrIDLengthBeyondTheEnd() throws {
        let typeError = try #require(throws: NDEFError.self) { try NDEFMessage(decoding: hex("D1 05 00 55")) }
        #expect(typeError.code == .lengthBeyondEnd)
        #expect(typeError.offset == 1)
        let idError = try #require(throws: NDEFError.self) { try NDEFMessage(decoding: hex("D9 01 00 09 55 41")) }
        #expect(idError.code == .lengthBeyondEnd)
        #expect(idError.offset == 3)
    }

    @Test func rejectsAHeaderCutShort() throws {
        let error = try #require(throws: NDEFError.self) { try NDEFMessage(decoding: hex("C1 01 00 00")) }
        #expect(error.code == .truncatedHeader)
        #expect(error.description == "NDEF record header needs 6 bytes but 4 remain at byte 0")
    }

    @Test(arguments: Fixtures.messages)
    func throwsAtEveryTruncationOfAMessage(bytes: [UInt8]) {
        for length in 1 ..< bytes.count {
            #expect(throws: NDEFError.self, "cut to \(length) bytes") {
                try NDEFMessage(decoding: bytes[..<length])
            }
        }
    }

    @Test(arguments: Fixtures.messages)
    func survivesEncodingAndDecoding(bytes: [UInt8]) throws {
        let message = try NDEFMessage(decoding: bytes)
        #expect(try NDEFMessage(decoding: message.encoded()) == message)
    }

    @Test func decodesFromAnArraySlice() throws {
        let bytes = hex("00 00 D1 01 01 55 00")
        let message = try NDEFMessage(decoding: bytes[2...])
        #expect(message.records.count == 1)
    }
}

@Suite struct NDEFEncodingTests {
    @Test func usesAShortRecordBelow256PayloadBytes() {
        let record = NDEFRecord(tnf: .media, type: ascii("a/b"), payload: Array(repeating: 0x41, count: 255))
        let bytes = NDEFMessage(records: [record]).encoded()
        #expect(Array(bytes.prefix(3)) == hex("D2 03 FF"))
        #expect(bytes.count == 3 + 3 + 255)
    }

    @Test func usesALongRecordFrom256PayloadBytes() {
        let record = NDEFRecord(tnf: .media, type: ascii("a/b"), payload: Array(repeating: 0x41, count: 256))
        let bytes = NDEFMessage(records: [record]).encoded()
        #expect(Array(bytes.prefix(6)) == hex("C2 03 00 00 01 00"))
        #expect(bytes.count == 6 + 3 + 256)
    }

    @Test func setsMessageBeginOnTheFirstAndMessageEndOnTheLast() {
        let records = [NDEFRecord.uri("a"), .text("b"), .media("a/b", payload: [])]
        let bytes = NDEFMessage(records: records).encoded()
        #expect(bytes[0] == 0x91)
        #expect(bytes[6] == 0x11)
        #expect(bytes[6 + 3 + 1 + 4] == 0x52)
    }

    @Test func setsBothFlagsOnALoneRecord() {
        #expect(NDEFMessage(records: [.uri("http://www.nfc.com")]).encoded() == hex("D1 01 08 55 01") + ascii("nfc.com"))
    }

    @Test func setsTheILFlagOnlyWhenThereIsAnID() {
        let withID = NDEFMessage(records: [.external("example.com:t", payload: [1], id: ascii("x"))]).encoded()
        #expect(withID == hex("DC 0D 01 01") + ascii("example.com:t") + ascii("x") + [1])
    }

    @Test func buildsAbsoluteURIAndMediaRecords() throws {
        let message = NDEFMessage(records: [
            .absoluteURI("urn:example:1", payload: [9]),
            .media("text/vcard", payload: ascii("BEGIN:VCARD")),
        ])
        let decoded = try NDEFMessage(decoding: message.encoded())
        #expect(decoded.records.map(\.typeName) == ["urn:example:1", "text/vcard"])
        #expect(decoded.records.map(\.tnf) == [.absoluteURI, .media])
        #expect(decoded == message)
    }
}

/// Messages that tests decode whole, cut short and encode again.
enum Fixtures {
    static let messages: [[UInt8]] = [
        hex("D1 01 08 55 01") + ascii("nfc.com"),
        hex("D9 01 03 02") + ascii("T") + ascii("id") + hex("00 68 69"),
        hex("C2 03 00 00 00 04") + ascii("a/b") + ascii("long"),
        hex("91 01 02 55 00 61") + hex("12 03 01") + ascii("a/b") + [0x7A] + hex("54 00 00"),
        ChunkingTests.chunkedVCard,
        SmartPosterTests.specificationExample,
    ]
}
