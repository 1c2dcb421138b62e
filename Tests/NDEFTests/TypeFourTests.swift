import NDEF
import Testing

@Suite struct TypeFourCapabilityContainerTests {
    /// A mapping 2.0 container: MLe 59, MLc 52, NDEF file E104 of at most 50 bytes, open access.
    static let version2 = hex("00 0F 20 00 3B 00 34 04 06 E1 04 00 32 00 00")
    /// A mapping 3.0 container with the extended TLV: NDEF file E104 of at most 65536 bytes, read-only.
    static let version3 = hex("00 11 30 00 FF 00 FF 06 08 E1 04 00 01 00 00 00 FF")

    @Test func decodesTheNDEFFileControlTLV() throws {
        let cc = try TypeFourCapabilityContainer(decoding: Self.version2)
        #expect(cc.length == 15)
        #expect(cc.majorVersion == 2)
        #expect(cc.minorVersion == 0)
        #expect(cc.maximumReadLength == 59)
        #expect(cc.maximumWriteLength == 52)
        #expect(cc.ndefFile == .init(fileID: 0xE104, maximumSize: 50, readAccess: 0, writeAccess: 0, isExtended: false))
        #expect(cc.ndefFile.lengthFieldSize == 2)
    }

    @Test func decodesTheExtendedNDEFFileControlTLV() throws {
        let cc = try TypeFourCapabilityContainer(decoding: Self.version3)
        #expect(cc.majorVersion == 3)
        #expect(cc.maximumReadLength == 255)
        #expect(cc.ndefFile == .init(fileID: 0xE104, maximumSize: 65536, readAccess: 0, writeAccess: 0xFF, isExtended: true))
        #expect(cc.ndefFile.lengthFieldSize == 4)
    }

    @Test func ignoresBytesPastTheFileControlTLV() throws {
        // CCLEN 23: a proprietary file control TLV (05) follows, and the reader read 32 bytes.
        var bytes = Self.version2 + hex("05 06 E1 05 00 10 00 00")
        bytes[1] = 0x17
        bytes += Array(repeating: 0, count: 32 - bytes.count)
        #expect(try TypeFourCapabilityContainer(decoding: bytes).ndefFile.fileID == 0xE104)
    }

    @Test func acceptsMappingVersionOne() throws {
        var bytes = Self.version2
        bytes[2] = 0x10
        #expect(try TypeFourCapabilityContainer(decoding: bytes).majorVersion == 1)
    }

    @Test(arguments: [
        (hex("00 0F 40 00 3B 00 34 04 06 E1 04 00 32 00 00"), 2),  // mapping version 4.0
        (hex("00 0F 20 00 0E 00 34 04 06 E1 04 00 32 00 00"), 3),  // MLe below 15
        (hex("00 0F 20 00 3B 00 00 04 06 E1 04 00 32 00 00"), 5),  // MLc 0
        (hex("00 0F 20 00 3B 00 34 05 06 E1 04 00 32 00 00"), 7),  // no NDEF File Control TLV
        (hex("00 0F 20 00 3B 00 34 04 08 E1 04 00 32 00 00"), 7),  // wrong TLV length
        (hex("00 0E 20 00 3B 00 34 04 06 E1 04 00 32 00 00"), 8),  // CCLEN cuts the TLV
        (hex("00 0F 20 00 3B 00 34 04 06 E1 03 00 32 00 00"), 9),  // the CC's own file ID
        (hex("00 0F 20 00 3B 00 34 04 06 E1 04 00 01 00 00"), 11), // too small for NLEN
    ])
    func rejectsAnInvalidCapabilityContainer(bytes: [UInt8], offset: Int) throws {
        let error = try #require(throws: NDEFError.self) { try TypeFourCapabilityContainer(decoding: bytes) }
        #expect(error.code == .invalidTypeFourCapabilityContainer)
        #expect(error.offset == offset)
    }

    @Test(arguments: [version2, version3])
    func throwsAtEveryTruncation(bytes: [UInt8]) {
        for length in 0 ..< bytes.count {
            #expect(throws: NDEFError.self, "cut to \(length) bytes") { try TypeFourCapabilityContainer(decoding: bytes[..<length]) }
        }
    }
}

@Suite struct TypeFourNDEFFileTests {
    static let message = hex("D1 01 08 55 01") + ascii("nfc.com")

    @Test func readsTheMessageAfterNLEN() throws {
        let file = try TypeFourNDEFFile(decoding: hex("00 0C") + Self.message + hex("00 00 00"))
        #expect(file.messageBytes == Self.message)
        #expect(try file.message().records.first?.uri == "http://www.nfc.com")
    }

    @Test func readsTheMessageAfterENLEN() throws {
        let file = try TypeFourNDEFFile(decoding: hex("00 00 00 0C") + Self.message, isExtended: true)
        #expect(file.messageBytes == Self.message)
    }

    @Test func readsAnNLENOfZeroAsTheEmptyMessage() throws {
        let file = try TypeFourNDEFFile(decoding: hex("00 00 D1 01"))
        #expect(file.messageBytes.isEmpty)
        #expect(try file.message().records.isEmpty)
    }

    @Test func rejectsAnNLENBeyondTheFile() throws {
        let error = try #require(throws: NDEFError.self) { try TypeFourNDEFFile(decoding: hex("01 00") + Self.message) }
        #expect(error.code == .invalidNDEFFileLength)
        #expect(error.description == "Type 4 NDEF message length 256 runs past the end of the file (14 bytes) at byte 0")
    }

    @Test func rejectsAnENLENOfFourGigabytesWithoutAllocating() throws {
        let error = try #require(throws: NDEFError.self) {
            try TypeFourNDEFFile(decoding: hex("FF FF FF FE") + Self.message, isExtended: true)
        }
        #expect(error.code == .invalidNDEFFileLength)
    }

    @Test func checksTheLengthAgainstTheFilesMaximumSize() throws {
        let fileControl = try TypeFourCapabilityContainer(decoding: TypeFourCapabilityContainerTests.version2).ndefFile
        #expect(try TypeFourNDEFFile.messageLength(header: hex("00 30"), fileControl: fileControl) == 48)
        let error = try #require(throws: NDEFError.self) {
            try TypeFourNDEFFile.messageLength(header: hex("00 31"), fileControl: fileControl)
        }
        #expect(error.code == .invalidNDEFFileLength)
        let extended = try TypeFourCapabilityContainer(decoding: TypeFourCapabilityContainerTests.version3).ndefFile
        #expect(try TypeFourNDEFFile.messageLength(header: hex("00 00 FF FC"), fileControl: extended) == 65532)
    }

    @Test func rejectsAHeaderShorterThanItsLengthField() throws {
        #expect(throws: NDEFError.self) { try TypeFourNDEFFile(decoding: [0x00]) }
        #expect(throws: NDEFError.self) { try TypeFourNDEFFile(decoding: hex("00 00 00"), isExtended: true) }
    }

    @Test func throwsAtEveryTruncation() {
        let file = hex("00 0C") + Self.message
        for length in 0 ..< file.count {
            #expect(throws: NDEFError.self, "cut to \(length) bytes") { try TypeFourNDEFFile(decoding: file[..<length]) }
        }
    }

    @Test func encodesNLENAndENLEN() throws {
        let file = TypeFourNDEFFile(messageBytes: Self.message)
        #expect(file.encoded() == hex("00 0C") + Self.message)
        #expect(file.encoded(isExtended: true) == hex("00 00 00 0C") + Self.message)
        #expect(try TypeFourNDEFFile(decoding: file.encoded(isExtended: true), isExtended: true) == file)
    }
}

@Suite struct TypeFourAPDUTests {
    @Test func selectsTheNDEFApplication() {
        #expect(TypeFourAPDU.selectNDEFApplication() == hex("00 A4 04 00 07 D2 76 00 00 85 01 01 00"))
        #expect(TypeFourAPDU.selectNDEFApplicationVersion1() == hex("00 A4 04 00 07 D2 76 00 00 85 01 00"))
    }

    @Test func selectsAFileByID() {
        #expect(TypeFourAPDU.selectFile(TypeFourAPDU.capabilityContainerFileID) == hex("00 A4 00 0C 02 E1 03"))
        #expect(TypeFourAPDU.selectFile(0xE104, mappingMajorVersion: 1) == hex("00 A4 00 00 02 E1 04"))
    }

    @Test func readsBinaryWithAShortLe() {
        #expect(TypeFourAPDU.readBinary(offset: 0, length: 15) == hex("00 B0 00 00 0F"))
        #expect(TypeFourAPDU.readBinary(offset: 0x0102, length: 256) == hex("00 B0 01 02 00"))
    }

    @Test func readsBinaryWithAnExtendedLe() {
        #expect(TypeFourAPDU.readBinary(offset: 2, length: 300) == hex("00 B0 00 02 00 01 2C"))
    }

    @Test func readsBinaryPastOffset7FFFWithAnOffsetDataObject() {
        #expect(TypeFourAPDU.readBinary(offset: 0x8000, length: 16) == hex("00 B1 00 00 05 54 03 00 80 00 10"))
        #expect(TypeFourAPDU.readBinary(offset: 0x12345, length: 1000) == hex("00 B1 00 00 00 00 05 54 03 01 23 45 03 E8"))
    }

    @Test func recognisesTheSuccessStatusWord() {
        #expect(TypeFourAPDU.isSuccess(hex("00 0F 90 00")))
        #expect(TypeFourAPDU.isSuccess(hex("90 00")))
        #expect(!TypeFourAPDU.isSuccess(hex("6A 82")))
        #expect(!TypeFourAPDU.isSuccess(hex("00")))
    }
}
