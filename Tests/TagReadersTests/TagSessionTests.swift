import Logging
import NDEF
import Testing
@testable import TagReaders

@Suite struct TagSessionTests {
    static let ultralightATR = SimulatedCard.storageCardATR(name: 0x0003)
    static let classicATR = SimulatedCard.storageCardATR(name: 0x0001)
    static let desfireATR: [UInt8] = [0x3B, 0x81, 0x80, 0x01, 0x80, 0x80]
    static let ok: [UInt8] = [0x90, 0x00]

    func session(_ atr: [UInt8]) -> TagSession {
        TagSession(reader: "Test Reader 00 00", atr: atr, logger: Logger(label: "leadgate.tests"))
    }

    static func pageRead(_ page: UInt8) -> [UInt8] { [0xFF, 0xB0, 0x00, page, 0x10] }

    @Test func readsOnlyThePagesTheTLVsNeed() {
        let message = Fixtures.profileLinkMessage
        let memory = ScriptedCard.typeTwoMemory(tlvs: [0x03, UInt8(message.count)] + message + [0xFE])
        let card = ScriptedCard(.typeTwo(memory: memory))
        let tap = session(Self.ultralightATR).read(from: card)

        // The NDEF TLV ends at byte 18 + message.count: reads from page 3 up to there, no further.
        let end = 18 + message.count
        let reads = (end - 12 + 15) / 16
        let pageReads: [[UInt8]] = (0 ..< reads).map { Self.pageRead(UInt8(3 + 4 * $0)) }
        let expected: [[UInt8]] = [[0xFF, 0xCA, 0x00, 0x00, 0x00]] + pageReads
        #expect(card.commands == expected)
        #expect(tap.commandCount == 1 + reads)
        #expect(tap.ndefMessage == message)
        #expect(tap.tagType == .ntag215)
        #expect(tap.uidHex == "04A1B2C3D4E5F6")
        #expect(tap.isComplete)
        #expect(tap.content?.contacts.first?.card.urls == ["https://popl.co/jane"])
    }

    @Test func readsALongMessageWithAThreeByteLength() {
        let message = Fixtures.longMessage
        let memory = ScriptedCard.typeTwoMemory(sizeByte: 0x6D, tlvs: [0x03, 0xFF, UInt8(message.count >> 8), UInt8(message.count & 0xFF)] + message + [0xFE], pages: 231)
        let card = ScriptedCard(.typeTwo(memory: memory))
        let tap = session(Self.ultralightATR).read(from: card)
        #expect(tap.ndefMessage == message)
        #expect(tap.tagType == .ntag216)
        #expect(tap.commandCount == 1 + (20 + message.count - 12 + 15) / 16)
    }

    @Test func skipsLockAndMemoryControlAreas() {
        let message = Fixtures.janeMessage
        // Lock Control: 2 bytes at 160; Memory Control: 4 bytes at 100. The message runs across both.
        var tlvs: [UInt8] = [0x01, 0x03, 0xA0, 0x10, 0x44, 0x02, 0x03, 0x64, 0x04, 0x04, 0x03, UInt8(message.count)] + message + [0xFE]
        var memory = ScriptedCard.typeTwoMemory(tlvs: [])
        var address = 16
        while !tlvs.isEmpty {
            if (100 ..< 104).contains(address) || (160 ..< 162).contains(address) {
                memory[address] = 0xEE
            } else {
                memory[address] = tlvs.removeFirst()
            }
            address += 1
        }
        let tap = session(Self.ultralightATR).read(from: ScriptedCard(.typeTwo(memory: memory)))
        #expect(tap.ndefMessage == message)
        #expect(tap.commandCount == 1 + (address - 1 - 12 + 15) / 16)
        #expect(tap.content?.contacts.first?.card.formattedName == "Jane Doe")
    }

    @Test func stopsAtTheTerminatorOfATagWithNoNDEF() {
        let card = ScriptedCard(.typeTwo(memory: ScriptedCard.typeTwoMemory(sizeByte: 0x12, tlvs: [0x00, 0x00, 0xFE], pages: 45)))
        let tap = session(Self.ultralightATR).read(from: card)
        #expect(tap.commandCount == 2)
        #expect(tap.format == "uid")
        #expect(tap.tagType == .ntag213)
        #expect(tap.issues.isEmpty)
        #expect(tap.isComplete)
    }

    @Test func takesABlankUltralightForAUIDOnlyTag() {
        var memory = ScriptedCard.typeTwoMemory(sizeByte: 0x06, tlvs: [], pages: 16)
        memory.replaceSubrange(12 ..< 16, with: [0, 0, 0, 0])
        let tap = session(Self.ultralightATR).read(from: ScriptedCard(.typeTwo(memory: memory)))
        #expect(tap.format == "uid")
        #expect(tap.tagType == .mifareUltralight)
        #expect(tap.issues.isEmpty)
        #expect(tap.commandCount == 2)
    }

    @Test func reportsAForgedTLVLengthAsAnIssueWithoutReadingForIt() {
        let card = ScriptedCard(.typeTwo(memory: ScriptedCard.typeTwoMemory(sizeByte: 0x12, tlvs: [0x03, 0xFF, 0x7F, 0xFF], pages: 45)))
        let tap = session(Self.ultralightATR).read(from: card)
        #expect(tap.isComplete)
        #expect(tap.ndefMessage == nil)
        #expect(tap.issues.count == 1)
        #expect(tap.commandCount == 2)
    }

    @Test func keepsTheBytesReadWhenTheTagIsPulledAwayAndDecodesNothing() throws {
        let message = Fixtures.longMessage
        let memory = ScriptedCard.typeTwoMemory(sizeByte: 0x6D, tlvs: [0x03, 0xFF, UInt8(message.count >> 8), UInt8(message.count & 0xFF)] + message + [0xFE], pages: 231)
        let tap = session(Self.ultralightATR).read(from: ScriptedCard(.typeTwo(memory: memory), answersBeforeRemoval: 3))
        let interruption = try #require(tap.interruption)
        #expect(interruption.code == .tagRemoved)
        #expect(interruption.function == "SCardTransmit")
        #expect(tap.bytesRead == Array(memory[12 ..< 44]))
        #expect(tap.ndefMessage == nil)
        #expect(tap.content == nil)
        #expect(tap.tagType == .ntag216)
        #expect(tap.commandCount == 4)
    }

    @Test func takesTheReaderStatus6300ForATagThatLeft() {
        let steps: [(command: [UInt8], response: [UInt8])] = [
            ([0xFF, 0xCA, 0x00, 0x00, 0x00], [0x04, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06] + Self.ok),
            (Self.pageRead(3), [0x63, 0x00]),
        ]
        let tap = session(Self.ultralightATR).read(from: ScriptedCard(.script(steps)))
        #expect(tap.interruption?.code == .tagRemoved)
        #expect(tap.bytesRead.isEmpty)
    }

    @Test func readsOnlyTheUIDOfAMifareClassicBadge() {
        let card = ScriptedCard(uid: [0x0A, 0x1B, 0x2C, 0x3D], .script([([0xFF, 0xCA, 0x00, 0x00, 0x00], [0x0A, 0x1B, 0x2C, 0x3D] + Self.ok)]))
        let tap = session(Self.classicATR).read(from: card)
        #expect(card.commands.count == 1)
        #expect(tap.uidHex == "0A1B2C3D")
        #expect(tap.tagType == .mifareClassic1K)
        #expect(tap.format == "uid")
        #expect(tap.isComplete)
    }

    static func typeFourSteps(message: [UInt8], mle: Int, version1: Bool = false) -> [(command: [UInt8], response: [UInt8])] {
        let file = [UInt8(message.count >> 8), UInt8(message.count & 0xFF)] + message
        let cc: [UInt8] = [0x00, 0x0F, version1 ? 0x10 : 0x20, 0x00, UInt8(mle), 0x00, 0x34, 0x04, 0x06, 0xE1, 0x04, 0x04, 0x00, 0x00, 0x00]
        var steps: [(command: [UInt8], response: [UInt8])] = [([0xFF, 0xCA, 0x00, 0x00, 0x00], [0x04, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66] + ok)]
        if version1 {
            steps.append((TypeFourAPDU.selectNDEFApplication(), [0x6A, 0x82]))
            steps.append((TypeFourAPDU.selectNDEFApplicationVersion1(), ok))
        } else {
            steps.append((TypeFourAPDU.selectNDEFApplication(), ok))
        }
        let major: UInt8 = version1 ? 1 : 2
        steps.append((TypeFourAPDU.selectFile(0xE103, mappingMajorVersion: major), ok))
        steps.append((TypeFourAPDU.readBinary(offset: 0, length: 15), cc + ok))
        steps.append((TypeFourAPDU.selectFile(0xE104, mappingMajorVersion: major), ok))
        steps.append((TypeFourAPDU.readBinary(offset: 0, length: 2), Array(file[0 ..< 2]) + ok))
        var offset = 2
        while offset < file.count {
            let count = min(mle, file.count - offset)
            steps.append((TypeFourAPDU.readBinary(offset: offset, length: count), Array(file[offset ..< offset + count]) + ok))
            offset += count
        }
        return steps
    }

    @Test func readsTypeFourInChunksOfAtMostMLe() {
        let steps = Self.typeFourSteps(message: Fixtures.janeMessage, mle: 32)
        let card = ScriptedCard(.script(steps))
        let tap = session(Self.desfireATR).read(from: card)
        #expect(card.unexpected.isEmpty)
        #expect(card.commands.count == steps.count)
        #expect(tap.tagType == .type4)
        #expect(tap.ndefMessage == Fixtures.janeMessage)
        #expect(tap.bytesRead.count == Fixtures.janeMessage.count + 2)
        #expect(tap.content?.contacts.first?.card.formattedName == "Jane Doe")
    }

    @Test func fallsBackToTheVersion1ApplicationName() {
        let steps = Self.typeFourSteps(message: Fixtures.profileLinkMessage, mle: 0x3B, version1: true)
        let card = ScriptedCard(.script(steps))
        let tap = session(Self.desfireATR).read(from: card)
        #expect(card.unexpected.isEmpty)
        #expect(tap.ndefMessage == Fixtures.profileLinkMessage)
        #expect(tap.commandCount == steps.count)
    }

    @Test func takesACardWithoutTheNDEFApplicationForAUIDOnlyISO14443FourCard() {
        let steps: [(command: [UInt8], response: [UInt8])] = [
            ([0xFF, 0xCA, 0x00, 0x00, 0x00], [0x08, 0x12, 0x34, 0x56] + Self.ok),
            (TypeFourAPDU.selectNDEFApplication(), [0x6A, 0x82]),
            (TypeFourAPDU.selectNDEFApplicationVersion1(), [0x6A, 0x82]),
        ]
        let tap = session(Self.desfireATR).read(from: ScriptedCard(.script(steps)))
        #expect(tap.tagType == .iso14443_4)
        #expect(tap.format == "uid")
        #expect(tap.isComplete)
        #expect(tap.commandCount == 3)
    }
}
