import NDEF
import Testing

@Suite struct TypeTwoMemoryTests {
    /// Pages 0 to 2 of an NTAG: serial number, check bytes, internal byte, static lock bytes.
    static let pagesZeroToTwo = hex("04 A1 B2 8D C3 D4 E5 F6 44 48 00 00")

    /// A memory image: pages 0 to 2, the capability container, the TLVs, then zeros up to `size`.
    static func image(cc: [UInt8], tlvs: [UInt8], size: Int = 0) -> [UInt8] {
        let bytes = pagesZeroToTwo + cc + tlvs
        return bytes + Array(repeating: 0, count: max(0, size - bytes.count))
    }

    static let uriMessage = NDEFMessage(records: [.uri("https://www.example.com/abcdefghij")]).encoded()

    @Test func readsTheFactoryLayoutOfAnNTAG213() throws {
        // NTAG213 as shipped: CC E1 10 12 00, then a Lock Control TLV for the dynamic lock
        // bytes at page 40, an empty NDEF TLV and the terminator; 45 pages in all.
        let memory = try TypeTwoMemory(image: Self.image(cc: hex("E1 10 12 00"), tlvs: hex("01 03 A0 0C 34 03 00 FE"), size: 180))
        #expect(memory.capabilityContainer == TypeTwoMemory.CapabilityContainer(dataAreaSize: 144))
        #expect(memory.capabilityContainer.isWritable)
        #expect(memory.reservedAreas == [160 ..< 162])
        #expect(memory.ndefMessageBytes == [])
        #expect(try memory.message() == nil)
    }

    @Test func readsAnEmptyNDEFTLVRightAfterTheCapabilityContainer() throws {
        let memory = try TypeTwoMemory(image: Self.image(cc: hex("E1 10 12 00"), tlvs: hex("03 00 FE 00")))
        #expect(memory.ndefMessageBytes == [])
        #expect(memory.reservedAreas.isEmpty)
    }

    @Test func readsAURIMessage() throws {
        let message = Self.uriMessage
        let memory = try TypeTwoMemory(image: Self.image(cc: hex("E1 10 12 00"), tlvs: [0x03, UInt8(message.count)] + message + [0xFE]))
        #expect(memory.ndefMessageBytes == message)
        #expect(try memory.message()?.records.first?.uri == "https://www.example.com/abcdefghij")
    }

    @Test func skipsLockControlArea() throws {
        // Lock Control: page 10 of 4 bytes (2^2), offset 0, 16 bits: bytes 40 and 41. The NDEF
        // TLV's value starts at byte 23, so its 18th byte sits past the lock bytes.
        let message = Self.uriMessage
        let tlvs = hex("01 03 A0 10 32") + [0x03, UInt8(message.count)]
            + message[..<17] + hex("FF FF") + message[17...] + [0xFE]
        let memory = try TypeTwoMemory(image: Self.image(cc: hex("E1 10 10 00"), tlvs: tlvs))
        #expect(memory.reservedAreas == [40 ..< 42])
        #expect(memory.ndefMessageBytes == message)
    }

    @Test func skipsMemoryControlArea() throws {
        // Memory Control: page 6 of 8 bytes (2^3), 8 bytes: bytes 48 to 55. The NDEF TLV uses
        // the 3-byte length form, so its value starts at byte 25.
        let message = Self.uriMessage
        let tlvs = hex("02 03 60 08 03") + hex("03 FF 00") + [UInt8(message.count)]
            + message[..<23] + Array(repeating: 0xEE, count: 8) + message[23...] + [0xFE]
        let memory = try TypeTwoMemory(image: Self.image(cc: hex("E1 10 10 00"), tlvs: tlvs))
        #expect(memory.reservedAreas == [48 ..< 56])
        #expect(memory.ndefMessageBytes == message)
    }

    @Test func readsAMemoryControlSizeOfZeroAs256Bytes() throws {
        // Page 4 of 16 bytes (2^4), offset 0: bytes 64 to 319.
        let memory = try TypeTwoMemory(image: Self.image(cc: hex("E1 10 60 00"), tlvs: hex("02 03 40 00 04 FE")))
        #expect(memory.reservedAreas == [64 ..< 320])
    }

    @Test func skipsAReservedAreaBetweenATLVsTagAndLength() throws {
        // Lock bytes at 22 and 23 (page 5, offset 2, 9 bits): the NDEF TLV's tag is at 21, its
        // length at 24.
        let tlvs = hex("01 03 52 09 02") + [0x03] + hex("AA BB") + hex("05 D1 01 01 55 00 FE")
        let memory = try TypeTwoMemory(image: Self.image(cc: hex("E1 10 06 00"), tlvs: tlvs))
        #expect(memory.reservedAreas == [22 ..< 24])
        #expect(memory.ndefMessageBytes == hex("D1 01 01 55 00"))
    }

    @Test func readsTheThreeByteTLVLength() throws {
        let text = String(repeating: "x", count: 300)
        let message = NDEFMessage(records: [.text(text)]).encoded()
        #expect(message.count == 310)
        let tlvs = hex("03 FF 01 36") + message + [0xFE]
        let memory = try TypeTwoMemory(image: Self.image(cc: hex("E1 10 6D 00"), tlvs: tlvs, size: 888))
        #expect(try memory.message()?.records.first?.text?.text == text)
    }

    @Test func skipsNULLTLVs() throws {
        let memory = try TypeTwoMemory(image: Self.image(cc: hex("E1 10 06 00"), tlvs: hex("00 00 00 03 05 D1 01 01 55 00 FE")))
        #expect(memory.ndefMessageBytes == hex("D1 01 01 55 00"))
    }

    @Test func stopsAtTheTerminator() throws {
        let memory = try TypeTwoMemory(image: Self.image(cc: hex("E1 10 06 00"), tlvs: hex("00 FE 03 05 D1 01 01 55 00")))
        #expect(memory.ndefMessageBytes == nil)
        #expect(try memory.message() == nil)
    }

    @Test func skipsProprietaryTLVs() throws {
        let tlvs = hex("FD 03 AA BB CC") + hex("FD FF 00 02 DD EE") + hex("03 05 D1 01 01 55 00 FE")
        let memory = try TypeTwoMemory(image: Self.image(cc: hex("E1 10 06 00"), tlvs: tlvs))
        #expect(memory.ndefMessageBytes == hex("D1 01 01 55 00"))
    }

    @Test func findsNoMessageWhenTheDataAreaHoldsOnlyNULLTLVs() throws {
        let memory = try TypeTwoMemory(image: Self.image(cc: hex("E1 10 02 00"), tlvs: [], size: 32))
        #expect(memory.ndefMessageBytes == nil)
    }

    @Test func findsNoMessageInAnEmptyDataArea() throws {
        let memory = try TypeTwoMemory(image: Self.image(cc: hex("E1 10 00 0F"), tlvs: []))
        #expect(memory.ndefMessageBytes == nil)
        #expect(!memory.capabilityContainer.isWritable)
    }

    @Test func rejectsACapabilityContainerWithoutTheMagicNumber() throws {
        let error = try #require(throws: NDEFError.self) { try TypeTwoMemory(image: Self.image(cc: hex("00 00 00 00"), tlvs: hex("03 00 FE"))) }
        #expect(error.code == .invalidTypeTwoCapabilityContainer)
        #expect(error.offset == 12)
        #expect(error.description == "Type 2 capability container starts with 0x00, not the NDEF magic number 0xE1 at byte 12")
    }

    @Test func rejectsAnUnsupportedMajorVersion() throws {
        let error = try #require(throws: NDEFError.self) { try TypeTwoMemory(image: Self.image(cc: hex("E1 20 12 00"), tlvs: hex("03 00 FE"))) }
        #expect(error.code == .invalidTypeTwoCapabilityContainer)
        #expect(error.offset == 13)
    }

    @Test func acceptsAnotherMinorVersion() throws {
        let memory = try TypeTwoMemory(image: Self.image(cc: hex("E1 11 12 00"), tlvs: hex("03 00 FE")))
        #expect(memory.capabilityContainer.minorVersion == 1)
    }

    @Test func rejectsAnNDEFLengthBeyondTheDataArea() throws {
        // A data area of 16 bytes cannot hold a TLV of 0x30 bytes.
        let error = try #require(throws: NDEFError.self) {
            try TypeTwoMemory(image: Self.image(cc: hex("E1 10 02 00"), tlvs: hex("03 30"), size: 256))
        }
        #expect(error.code == .invalidTypeTwoTLV)
        #expect(error.offset == 17)
    }

    @Test func rejectsTheLargestThreeByteLengthWithoutReadingOn() throws {
        let error = try #require(throws: NDEFError.self) {
            try TypeTwoMemory.walk(Self.image(cc: hex("E1 10 FF 00"), tlvs: hex("03 FF FF FF")))
        }
        #expect(error.code == .invalidTypeTwoTLV)
    }

    @Test func rejectsAControlTLVOfTheWrongLength() throws {
        let error = try #require(throws: NDEFError.self) {
            try TypeTwoMemory(image: Self.image(cc: hex("E1 10 06 00"), tlvs: hex("01 04 A0 0C 34 00 03 00 FE")))
        }
        #expect(error.code == .invalidTypeTwoTLV)
    }

    @Test func rejectsAnImageThatEndsInsideTheNDEFTLV() throws {
        let error = try #require(throws: NDEFError.self) {
            try TypeTwoMemory(image: Self.image(cc: hex("E1 10 06 00"), tlvs: hex("03 05 D1 01")))
        }
        #expect(error.code == .truncatedMemory)
        #expect(error.offset == 20)
    }

    @Test(arguments: TypeTwoMemoryTests.images)
    func throwsAtEveryTruncationOfAnImage(image: [UInt8]) throws {
        let whole = try TypeTwoMemory(image: image)
        // Shorter images than the walk needed must fail; longer ones must read the same.
        let needed = try Self.bytesRead(image, chunkSize: 1).count
        for length in 0 ..< image.count {
            if length < needed {
                #expect(throws: NDEFError.self, "cut to \(length) bytes") { try TypeTwoMemory(image: image[..<length]) }
            } else {
                #expect(try TypeTwoMemory(image: image[..<length]) == whole)
            }
        }
    }

    static let images: [[UInt8]] = [
        image(cc: hex("E1 10 12 00"), tlvs: hex("01 03 A0 0C 34 03 00 FE"), size: 180),
        image(cc: hex("E1 10 06 00"), tlvs: hex("01 03 52 09 02 03 AA BB 05 D1 01 01 55 00 FE")),
        image(cc: hex("E1 10 06 00"), tlvs: hex("FD 03 AA BB CC FD FF 00 02 DD EE 03 05 D1 01 01 55 00 FE")),
        image(cc: hex("E1 10 02 00"), tlvs: [], size: 32),
    ]

    /// Reads `image` as a reader does, 16 bytes at a time unless told otherwise, and returns what it read.
    static func bytesRead(_ image: [UInt8], chunkSize: Int = 16) throws -> [UInt8] {
        var read: [UInt8] = []
        while true {
            switch try TypeTwoMemory.walk(read) {
            case .needsBytes(let end):
                while read.count < end {
                    read += image[read.count ..< min(read.count + chunkSize, image.count)]
                }
            case .complete:
                return read
            }
        }
    }
}

@Suite struct TypeTwoWalkerTests {
    @Test func asksForTheCapabilityContainerFirst() throws {
        #expect(try TypeTwoMemory.walk([]) == .needsBytes(upTo: 16))
        #expect(try TypeTwoMemory.walk(Array(repeating: 0, count: 15)) == .needsBytes(upTo: 16))
    }

    @Test func asksForTheFirstTLVAfterTheCapabilityContainer() throws {
        #expect(try TypeTwoMemory.walk(TypeTwoMemoryTests.image(cc: hex("E1 10 6D 00"), tlvs: [])) == .needsBytes(upTo: 17))
    }

    @Test func readsOnlyAsFarAsTheNDEFTLVEnds() throws {
        // An NTAG216 (872-byte data area) holding a 40-byte message at 18...57: four READs of
        // 16 bytes cover it; the other 51 READs are never needed.
        let message = NDEFMessage(records: [.uri("https://example.com/" + String(repeating: "p", count: 23))]).encoded()
        #expect(message.count == 40)
        let image = TypeTwoMemoryTests.image(cc: hex("E1 10 6D 00"), tlvs: [0x03, 40] + message + [0xFE], size: 924)
        let read = try TypeTwoMemoryTests.bytesRead(image)
        #expect(read.count == 64)
        guard case .complete(let memory) = try TypeTwoMemory.walk(read) else {
            Issue.record("the walk did not complete on what it asked for")
            return
        }
        #expect(memory.ndefMessageBytes == message)
    }

    @Test func asksForTheRestOfTheNDEFTLVAtOnce() throws {
        let message = NDEFMessage(records: [.media("a/b", payload: Array(repeating: 7, count: 100))]).encoded()
        let image = TypeTwoMemoryTests.image(cc: hex("E1 10 6D 00"), tlvs: [0x03, UInt8(message.count)] + message)
        #expect(try TypeTwoMemory.walk(image[..<32]) == .needsBytes(upTo: 18 + message.count))
    }

    @Test func stepsOverProprietaryTLVsWithoutReadingThem() throws {
        // A 200-byte proprietary TLV at 16: the next thing needed is the tag at 220.
        let prefix = TypeTwoMemoryTests.image(cc: hex("E1 10 6D 00"), tlvs: hex("FD FF 00 C8"))
        #expect(try TypeTwoMemory.walk(prefix) == .needsBytes(upTo: 221))
    }

    @Test func agreesWithTheWholeImageRead() throws {
        for image in TypeTwoMemoryTests.images {
            let read = try TypeTwoMemoryTests.bytesRead(image)
            #expect(try TypeTwoMemory.walk(read) == .complete(try TypeTwoMemory(image: image)))
        }
    }
}
