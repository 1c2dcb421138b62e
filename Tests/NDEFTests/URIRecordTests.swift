import NDEF
import Testing

@Suite struct URIRecordTests {
    /// The identifier codes of the NFC Forum URI record type definition, by code.
    static let prefixes = [
        "", "http://www.", "https://www.", "http://", "https://", "tel:", "mailto:",
        "ftp://anonymous:anonymous@", "ftp://ftp.", "ftps://", "sftp://", "smb://", "nfs://",
        "ftp://", "dav://", "news:", "telnet://", "imap:", "rtsp://", "urn:", "pop:", "sip:",
        "sips:", "tftp:", "btspp://", "btl2cap://", "btgoep://", "tcpobex://", "irdaobex://",
        "file://", "urn:epc:id:", "urn:epc:tag:", "urn:epc:pat:", "urn:epc:raw:", "urn:epc:",
        "urn:nfc:",
    ]

    @Test(arguments: 0 ..< 0x24)
    func expandsEveryIdentifierCode(code: Int) throws {
        let record = NDEFRecord(tnf: .wellKnown, type: ascii("U"), payload: [UInt8(code)] + ascii("rest"))
        #expect(try record.uri == Self.prefixes[code] + "rest")
    }

    @Test(arguments: 1 ..< 0x24)
    func abbreviatesWithEveryIdentifierCode(code: Int) throws {
        let record = NDEFRecord.uri(Self.prefixes[code] + "x")
        #expect(record.payload == [UInt8(code)] + ascii("x"))
    }

    @Test func picksTheLongestMatchingPrefix() {
        #expect(NDEFRecord.uri("https://www.example.com").payload == [0x02] + ascii("example.com"))
        #expect(NDEFRecord.uri("https://example.com").payload == [0x04] + ascii("example.com"))
        #expect(NDEFRecord.uri("urn:epc:id:sgtin:1").payload == [0x1E] + ascii("sgtin:1"))
        #expect(NDEFRecord.uri("urn:epc:x").payload == [0x22] + ascii("x"))
        #expect(NDEFRecord.uri("urn:isbn:1").payload == [0x13] + ascii("isbn:1"))
        #expect(NDEFRecord.uri("ftp://anonymous:anonymous@h").payload == [0x07] + ascii("h"))
        #expect(NDEFRecord.uri("ftp://ftp.h").payload == [0x08] + ascii("h"))
        #expect(NDEFRecord.uri("ftp://h").payload == [0x0D] + ascii("h"))
        #expect(NDEFRecord.uri("geo:1,2").payload == [0x00] + ascii("geo:1,2"))
    }

    @Test func decodesTheSpecificationsWebAddressExample() throws {
        // NFC Forum URI RTD, appendix A: "http://www.nfc.com".
        let bytes = hex("D1 01 08 55 01 6E 66 63 2E 63 6F 6D")
        let record = try #require(try NDEFMessage(decoding: bytes).records.first)
        #expect(try record.uri == "http://www.nfc.com")
        #expect(NDEFMessage(records: [.uri("http://www.nfc.com")]).encoded() == bytes)
    }

    @Test func decodesTheSpecificationsTelephoneExample() throws {
        // NFC Forum URI RTD, appendix A: the telephone number +358-9-1234567.
        let bytes = hex("D1 01 0D 55 05 2B 33 35 38 39 31 32 33 34 35 36 37")
        let record = try #require(try NDEFMessage(decoding: bytes).records.first)
        #expect(try record.uri == "tel:+35891234567")
        #expect(NDEFMessage(records: [.uri("tel:+35891234567")]).encoded() == bytes)
    }

    @Test func keepsNonASCIITextOfAnIRI() throws {
        let record = NDEFRecord.uri("https://例え.jp/ä")
        #expect(try record.uri == "https://例え.jp/ä")
    }

    @Test func rejectsAReservedIdentifierCode() throws {
        let record = NDEFRecord(tnf: .wellKnown, type: ascii("U"), payload: [0x24] + ascii("x"))
        let error = try #require(throws: NDEFError.self) { try record.uri }
        #expect(error.code == .invalidURIRecord)
        #expect(error.offset == 0)
    }

    @Test func rejectsAURIRecordWithoutAPayload() throws {
        let error = try #require(throws: NDEFError.self) { try NDEFRecord(tnf: .wellKnown, type: ascii("U")).uri }
        #expect(error.code == .invalidURIRecord)
    }

    @Test func rejectsAURIThatIsNotUTF8() throws {
        let record = NDEFRecord(tnf: .wellKnown, type: ascii("U"), payload: [0x04, 0xC3, 0x28])
        let error = try #require(throws: NDEFError.self) { try record.uri }
        #expect(error.code == .invalidURIRecord)
        #expect(error.offset == 1)
    }

    @Test func answersNilForRecordsOfOtherTypes() throws {
        #expect(try NDEFRecord.text("hi").uri == nil)
        #expect(try NDEFRecord(tnf: .media, type: ascii("U"), payload: [0]).uri == nil)
        #expect(try NDEFRecord.absoluteURI("http://a/").uri == nil)
    }
}
