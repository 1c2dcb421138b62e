import Foundation
import Logging
import NDEF
import Testing
import TestSupport
@testable import TagReaders

/// The libnfc backend against the real libnfc 1.8.0: its pn532_uart driver talks to
/// Hardware/pn532_emulator.py on a pseudo-terminal, so every command goes through libnfc's
/// PN532 frames, acknowledgements and time-outs. No pcscd is involved.
@Suite(.serialized)
struct LibNFCEndToEndTests {
    struct TagKind: Sendable, CustomTestStringConvertible {
        var name: String
        var step: PN532Emulator.Step
        var type: TagType
        var uid: String
        var message: [UInt8]?
        /// The fewest commands that read it: Type 2 one READ per 16 bytes from page 3 to the
        /// end of the NDEF TLV; Type 4 the SELECTs, the CC, NLEN and ⌈NLEN / MLe⌉ READ BINARYs.
        var minimum: Int
        /// What leadgate sends: on an NTAG, one READ (it brings the CC and the TLV's length),
        /// then the rest in FAST_READs of up to 60 pages, so fewer than the minimum.
        var expected: Int

        var testDescription: String { name }

        static func typeTwoMinimum(_ message: [UInt8]) -> Int {
            let end = 16 + (message.count < 0xFF ? 2 : 4) + message.count
            return (end - 12 + 15) / 16
        }

        static let all: [TagKind] = [
            TagKind(name: "NTAG215 with a vCard", step: .tag("type2", uid: "04112233445566", ndef: Fixtures.janeMessage, hold: 2),
                    type: .ntag215, uid: "04112233445566", message: Fixtures.janeMessage,
                    minimum: typeTwoMinimum(Fixtures.janeMessage), expected: 2),
            TagKind(name: "NTAG215 with a profile link", step: .tag("type2", uid: "04A1B2C3D4E5F6", ndef: Fixtures.profileLinkMessage, hold: 2),
                    type: .ntag215, uid: "04A1B2C3D4E5F6", message: Fixtures.profileLinkMessage,
                    minimum: typeTwoMinimum(Fixtures.profileLinkMessage), expected: typeTwoMinimum(Fixtures.profileLinkMessage)),
            TagKind(name: "Type 4 with a vCard read in chunks of MLe 32",
                    step: .tag("type4", uid: "08A1B2C3", ndef: Fixtures.janeMessage, hold: 2, mle: 32),
                    type: .type4, uid: "08A1B2C3", message: Fixtures.janeMessage,
                    minimum: 5 + (Fixtures.janeMessage.count + 31) / 32, expected: 5 + (Fixtures.janeMessage.count + 31) / 32),
            TagKind(name: "Type 4 answering only the mapping 1.0 AID",
                    step: .tag("type4", uid: "08A1B2C3", ndef: Fixtures.profileLinkMessage, hold: 2, v1: true),
                    type: .type4, uid: "08A1B2C3", message: Fixtures.profileLinkMessage, minimum: 7, expected: 7),
            TagKind(name: "MIFARE Classic 1K badge", step: .tag("classic", uid: "0A1B2C3D", hold: 2),
                    type: .mifareClassic1K, uid: "0A1B2C3D", message: nil, minimum: 0, expected: 0),
        ]
    }

    func backend(_ emulator: PN532Emulator) -> LibNFCBackend {
        LibNFCBackend(connstring: emulator.connstring, logger: Logger(label: "leadgate.tests"), retryInterval: .milliseconds(500))
    }

    /// The exchanges that read the tag: the presence checks (a READ of page 0, an ISO-DEP
    /// R(NAK) block) left out.
    static func readCommands(_ emulator: PN532Emulator, tag: Int) -> [String] {
        emulator.exchanges(withTag: tag).filter { $0 != "013000" && !$0.hasPrefix("B2") && !$0.hasPrefix("B3") }
    }

    /// The first tap on the emulator's reader, once the tag has left; the emulator is stopped
    /// with its log kept (``PN532Emulator/removeFiles()`` after).
    func firstTapUntilRemoved(_ emulator: PN532Emulator) async throws -> Tap {
        let recorder = EventRecorder(backend(emulator).events())
        defer { recorder.stop() }
        let tap = try #require(try await recorder.waitForTaps(1).first)
        try await recorder.waitFor("tag removal") { $0.contains { $0.isTagRemoved(emulator.readerName) } }
        recorder.stop()
        await LibNFCBackend.shutDown()
        await emulator.stopKeepingLog()
        return tap
    }

    init() async {
        await LibNFCBackend.shutDown()
    }

    @Test(arguments: TagKind.all)
    func readsEachTagKindWithTheFewestCommands(_ kind: TagKind) async throws {
        let emulator = try await PN532Emulator([kind.step])
        let tap = try await firstTapUntilRemoved(emulator)

        #expect(tap.reader == emulator.readerName)
        #expect(tap.isComplete)
        #expect(tap.uidHex == kind.uid)
        #expect(tap.tagType == kind.type)
        #expect(tap.ndefMessage == kind.message)
        if kind.message == Fixtures.janeMessage {
            #expect(tap.content?.contacts.first?.card.formattedName == "Jane Doe")
        }
        // What the tag was sent is what the session counted, and no more than the minimum.
        let sent = Self.readCommands(emulator, tag: 0)
        #expect(sent.count == tap.commandCount)
        #expect(tap.commandCount == kind.expected)
        #expect(tap.commandCount <= kind.minimum)
        if kind.expected < kind.minimum {
            #expect(sent.first == "013003")
            #expect(sent.dropFirst().allSatisfy { $0.hasPrefix("013A") })
        }
        emulator.removeFiles()
    }

    @Test func aTagHeldForSecondsIsOneTapWithPresenceChecksAtABoundedRate() async throws {
        let emulator = try await PN532Emulator([.tag("type2", uid: "04A1B2C3D4E5F6", ndef: Fixtures.profileLinkMessage, hold: 3)])
        let recorder = EventRecorder(backend(emulator).events())
        defer { recorder.stop() }
        try await recorder.waitFor("tag removal", timeout: .seconds(20)) { $0.contains { $0.isTagRemoved(emulator.readerName) } }
        recorder.stop()
        await LibNFCBackend.shutDown()
        await emulator.stopKeepingLog()

        #expect(recorder.taps.count == 1)
        // A READ of page 0 every 250 ms or so for 3 s: a dozen, not a busy loop's thousands.
        let presenceChecks = emulator.exchanges(withTag: 0).filter { $0 == "013000" }.count
        #expect(presenceChecks >= 6)
        #expect(presenceChecks <= 14)
        emulator.removeFiles()
    }

    @Test func aTagPulledAwayMidReadIsAnIncompleteTapThatKeepsItsBytes() async throws {
        #expect(Fixtures.longMessage.count > 2 * 240, "the message needs a READ and at least three FAST_READs")
        let emulator = try await PN532Emulator([.tag("type2", uid: "04A1B2C3D4E5F6", ndef: Fixtures.longMessage, hold: 2, removeAfter: 3)])
        let tap = try await firstTapUntilRemoved(emulator)
        emulator.removeFiles()

        #expect(!tap.isComplete)
        #expect(tap.interruption?.code == .tagRemoved)
        #expect(tap.interruption?.function == "nfc_initiator_transceive_bytes")
        #expect(tap.ndefMessage == nil)
        #expect(tap.content == nil)
        #expect(tap.uidHex == "04A1B2C3D4E5F6")
        #expect(tap.commandCount == 4)
        // A READ and two FAST_READs of 60 pages answered: 496 bytes from page 3 on.
        #expect(tap.bytesRead.count == 16 + 240 + 240)
        #expect(Array(tap.bytesRead.prefix(2)) == [0xE1, 0x10])
        // The CC, the NDEF TLV's 4-byte header (a long message), then the message's first bytes.
        #expect(Array(tap.bytesRead[8...]) == Array(Fixtures.longMessage.prefix(tap.bytesRead.count - 8)))
    }

    @Test func anUnpluggedReaderIsReportedAndReadsAgainWhenItIsBack() async throws {
        let emulator = try await PN532Emulator([
            .wait(0.5), .unplug(2), .tag("type2", uid: "04A1B2C3D4E5F6", ndef: Fixtures.profileLinkMessage, hold: 3),
        ])
        let recorder = EventRecorder(backend(emulator).events())
        defer { recorder.stop() }
        let name = emulator.readerName
        try await recorder.waitFor("the reader's return", timeout: .seconds(20)) { events in
            guard let removed = events.firstIndex(where: { $0.isReaderRemoved(name) }) else { return false }
            return events[removed...].contains { $0.isReaderAdded(name) }
        }
        let tap = try #require(try await recorder.waitForTaps(1, timeout: .seconds(20)).first)
        recorder.stop()
        await LibNFCBackend.shutDown()
        await emulator.stop()

        #expect(tap.isComplete)
        #expect(tap.ndefMessage == Fixtures.profileLinkMessage)
        let summaries = recorder.events.map(\.summary)
        #expect(summaries.filter { $0 == "readerAdded(\(name))" }.count == 2)
        #expect(summaries.contains("serviceUnavailable(readerUnavailable)"))
    }

    @Test func aPCSCStyleATRIsMadeFromTheSelect() {
        let ntag = AnswerToReset(libNFCTarget: LibNFCTarget(uid: [4, 1, 2, 3, 4, 5, 6], atqa: [0, 0x44], sak: 0, ats: []))
        #expect(ntag.tagType == .mifareUltralight)
        let classic = AnswerToReset(libNFCTarget: LibNFCTarget(uid: [1, 2, 3, 4], atqa: [0, 4], sak: 0x08, ats: []))
        #expect(classic.tagType == .mifareClassic1K)
        let desfire = AnswerToReset(libNFCTarget: LibNFCTarget(uid: [8, 1, 2, 3], atqa: [3, 0x44], sak: 0x20,
                                                               ats: [0x75, 0x77, 0x81, 0x02, 0x80]))
        #expect(desfire.family == .isoDep)
        #expect(desfire.bytes == [0x3B, 0x81, 0x80, 0x01, 0x80, 0x80])
    }
}
