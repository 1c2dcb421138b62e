import Foundation
import Logging
import NDEF
import Testing
@testable import TagReaders

/// The PC/SC backend against a real pcscd, with vpcd's virtual readers and Hardware/virtual_tag.py
/// as the tag: every command goes through libpcsclite, pcscd and the vpcd driver.
@Suite(.serialized, .virtualReaders)
struct PCSCEndToEndTests {
    struct TagKind: Sendable, CustomTestStringConvertible {
        var name: String
        var arguments: [String]
        var type: TagType
        var uid: String
        var message: [UInt8]?

        var testDescription: String { name }

        static let all: [TagKind] = [
            TagKind(name: "NTAG213 with a profile link", arguments: ["--kind", "ntag213", "--ndef-hex", hexString(Fixtures.profileLinkMessage)],
                    type: .ntag213, uid: "04A1B2C3D4E5F6", message: Fixtures.profileLinkMessage),
            TagKind(name: "NTAG215 with a vCard", arguments: ["--kind", "ntag215", "--ndef-hex", hexString(Fixtures.janeMessage), "--uid", "04112233445566"],
                    type: .ntag215, uid: "04112233445566", message: Fixtures.janeMessage),
            TagKind(name: "NTAG216 with a long vCard around Lock and Memory Control areas",
                    arguments: ["--kind", "ntag216", "--ndef-hex", hexString(Fixtures.longMessage), "--lock-control", "--memory-control", "0x64:4"],
                    type: .ntag216, uid: "04A1B2C3D4E5F6", message: Fixtures.longMessage),
            TagKind(name: "MIFARE Ultralight with a profile link", arguments: ["--kind", "mifare_ultralight", "--ndef-hex", hexString(Fixtures.profileLinkMessage)],
                    type: .mifareUltralight, uid: "04A1B2C3D4E5F6", message: Fixtures.profileLinkMessage),
            TagKind(name: "Type 4 with a vCard read in chunks of MLe 32", arguments: ["--kind", "type4", "--ndef-hex", hexString(Fixtures.janeMessage), "--mle", "32"],
                    type: .type4, uid: "04A1B2C3D4E5F6", message: Fixtures.janeMessage),
            TagKind(name: "Type 4 answering only the mapping 1.0 AID", arguments: ["--kind", "type4", "--mapping", "1", "--ndef-hex", hexString(Fixtures.profileLinkMessage)],
                    type: .type4, uid: "04A1B2C3D4E5F6", message: Fixtures.profileLinkMessage),
            TagKind(name: "MIFARE Classic 1K badge", arguments: ["--kind", "mifare_classic_1k", "--uid", "0A1B2C3D"],
                    type: .mifareClassic1K, uid: "0A1B2C3D", message: nil),
            TagKind(name: "MIFARE Classic 4K badge", arguments: ["--kind", "mifare_classic_4k", "--uid", "7F000001"],
                    type: .mifareClassic4K, uid: "7F000001", message: nil),
        ]
    }

    let backend = PCSCBackend(logger: Logger(label: "leadgate.tests"), retryInterval: .milliseconds(200))

    /// Each test starts with no monitor of an earlier test still running: a stopped stream's
    /// monitor returns a moment later, and one still there read the next test's tag too.
    init() async {
        await PCSCBackend.shutDown()
    }

    @Test(arguments: TagKind.all)
    func readsEachTagKindWithTheFewestCommands(_ kind: TagKind) async throws {
        let recorder = EventRecorder(backend.events(on: .named(VirtualReaders.slot0)))
        defer { recorder.stop() }
        let tag = try VirtualTag(["--slot", "0", "--stay"] + kind.arguments)
        let tap = try #require(try await recorder.waitForTaps(1).first)
        let summary = try #require(await tag.stop())
        try await recorder.waitFor("tag removal") { $0.contains { $0.isTagRemoved(VirtualReaders.slot0) } }

        #expect(tap.reader == VirtualReaders.slot0)
        #expect(tap.isComplete)
        #expect(tap.uidHex == kind.uid)
        #expect(tap.tagType == kind.type)
        #expect(tap.ndefMessage == kind.message)
        #expect(tap.format == (kind.message == nil ? "uid" : "ndef"))
        #expect(tap.issues.isEmpty)
        // What the tag answered is what the session counted, and no more than the minimum.
        #expect(summary.apdusPerTap == [tap.commandCount])
        #expect(tap.commandCount == summary.minimum)
        if kind.message == Fixtures.janeMessage || kind.message == Fixtures.longMessage {
            #expect(tap.content?.contacts.first?.card.formattedName == "Jane Doe")
        }
        #expect(recorder.taps.count == 1)
    }

    @Test func readsATagHeldForSecondsOnlyOnce() async throws {
        let recorder = EventRecorder(backend.events())
        defer { recorder.stop() }
        let tag = try VirtualTag(["--slot", "0", "--kind", "ntag215", "--ndef-hex", hexString(Fixtures.janeMessage), "--hold", "3"])
        let summary = try #require(try await tag.waitForExit())
        try await recorder.waitFor("tag removal") { $0.contains { $0.isTagRemoved(VirtualReaders.slot0) } }

        #expect(recorder.taps.count == 1)
        #expect(summary.apdusPerTap == [recorder.taps.first?.commandCount ?? -1])
        #expect(recorder.taps.first?.commandCount == summary.minimum)
    }

    @Test func reportsATagPulledAwayMidReadAsIncomplete() async throws {
        let recorder = EventRecorder(backend.events())
        defer { recorder.stop() }
        // The UID and two page reads are answered; the third read finds the tag gone.
        let tag = try VirtualTag(["--slot", "0", "--kind", "ntag216", "--ndef-hex", hexString(Fixtures.longMessage), "--remove-after", "3"])
        let tap = try #require(try await recorder.waitForTaps(1).first)
        try await tag.waitForExit()
        try await recorder.waitFor("tag removal") { $0.contains { $0.isTagRemoved(VirtualReaders.slot0) } }

        #expect(!tap.isComplete)
        #expect(tap.interruption?.code == .tagRemoved)
        #expect(tap.tagType == .ntag216)
        #expect(tap.bytesRead.count == 32)
        #expect(tap.ndefMessage == nil)
        #expect(tap.content == nil)
        #expect(tap.uidHex == "04A1B2C3D4E5F6")
        #expect(recorder.taps.count == 1)
    }

    @Test func readsTwoReadersAtOnce() async throws {
        let recorder = EventRecorder(backend.events())
        defer { recorder.stop() }
        let onlySlotOne = EventRecorder(backend.events(on: .named("00 01")))
        defer { onlySlotOne.stop() }
        let first = try VirtualTag(["--slot", "0", "--stay", "--kind", "ntag213", "--uid", "04000000000001",
                                    "--ndef-hex", hexString(Fixtures.profileLinkMessage)])
        let second = try VirtualTag(["--slot", "1", "--stay", "--kind", "type4", "--uid", "04000000000002",
                                     "--ndef-hex", hexString(Fixtures.janeMessage)])
        let taps = try await recorder.waitForTaps(2)
        try await onlySlotOne.waitForTaps(1)
        await first.stop()
        await second.stop()
        try await recorder.waitFor("both removals") { events in
            events.contains { $0.isTagRemoved(VirtualReaders.slot0) } && events.contains { $0.isTagRemoved(VirtualReaders.slot1) }
        }

        let byReader = Dictionary(uniqueKeysWithValues: taps.map { ($0.reader, $0) })
        #expect(byReader[VirtualReaders.slot0]?.uidHex == "04000000000001")
        #expect(byReader[VirtualReaders.slot0]?.tagType == .ntag213)
        #expect(byReader[VirtualReaders.slot1]?.uidHex == "04000000000002")
        #expect(byReader[VirtualReaders.slot1]?.tagType == .type4)
        #expect(onlySlotOne.taps.map(\.reader) == [VirtualReaders.slot1])
        #expect(!onlySlotOne.events.contains { $0.isReaderAdded(VirtualReaders.slot0) })
    }

    @Test func listsReadersAndWhetherATagIsOnThem() async throws {
        let tag = try VirtualTag(["--slot", "1", "--stay", "--kind", "mifare_classic_1k"])
        var readers: [ReaderStatus] = []
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline {
            readers = try await backend.readers()
            if readers.contains(where: { $0.name == VirtualReaders.slot1 && $0.isTagPresent }) { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        await tag.stop()
        try await waitUntilNoTag(on: VirtualReaders.slot1)

        #expect(readers.map(\.name).contains(VirtualReaders.slot0))
        let slotOne = try #require(readers.first { $0.name == VirtualReaders.slot1 })
        #expect(slotOne.isTagPresent)
        #expect(slotOne.atr == SimulatedCard.storageCardATR(name: 0x0001))
        #expect(AnswerToReset(slotOne.atr).family == .mifareClassic(.mifareClassic1K))
        #expect(readers.first { $0.name == VirtualReaders.slot0 }?.isTagPresent == false)
    }

    @Test func recoversWhenPCSCDRestartsAndReadsAStillLyingTagOnce() async throws {
        let recorder = EventRecorder(backend.events())
        defer { recorder.stop() }
        let tag = try VirtualTag(["--slot", "0", "--stay", "--kind", "ntag215", "--ndef-hex", hexString(Fixtures.janeMessage)])
        let commands = try #require(try await recorder.waitForTaps(1).first?.commandCount)

        try await VirtualReaders.control("restart")
        try await recorder.waitFor("service loss") { $0.contains(where: \.isServiceUnavailable) }
        try await recorder.waitFor("readers back", timeout: .seconds(20)) { events in
            events.filter { $0.isReaderAdded(VirtualReaders.slot0) }.count == 2 && events.filter(\.isServiceAvailable).count == 2
        }
        // The tag reconnects to the new pcscd and is read again, but it is the same tap.
        try await tag.waitFor("apdu", count: 2 * commands)
        try await Task.sleep(for: .milliseconds(500))
        #expect(recorder.taps.count == 1, "\(recorder.events.map(\.summary))")
        #expect(recorder.events.contains { $0.isReaderRemoved(VirtualReaders.slot0) })
        await tag.stop()
        try await recorder.waitFor("tag removal") { $0.contains { $0.isTagRemoved(VirtualReaders.slot0) } }

        // And a new tap after the restart is read as usual.
        let next = try VirtualTag(["--slot", "0", "--kind", "mifare_classic_1k", "--uid", "0BADCAFE"])
        try await recorder.waitFor("a tap after the restart") { $0.compactMap(\.tap).contains { $0.uidHex == "0BADCAFE" } }
        try await next.waitForExit()
        try await recorder.waitFor("tag removal") { $0.filter { $0.isTagRemoved(VirtualReaders.slot0) }.count >= 2 }
    }

    @Test func reportsPCSCDNotRunningAndRecoversWhenItStarts() async throws {
        try await VirtualReaders.control("kill")
        let error = await #expect(throws: TagReaderError.self) { try await backend.readers() }
        #expect(error?.code == .serviceUnavailable)
        #expect(error?.function == "SCardEstablishContext")

        let recorder = EventRecorder(backend.events())
        defer { recorder.stop() }
        try await recorder.waitFor("service unavailable") { $0.first?.isServiceUnavailable == true }
        try await VirtualReaders.control("start")
        try await recorder.waitFor("service and readers") { events in
            events.contains(where: \.isServiceAvailable) && events.contains { $0.isReaderAdded(VirtualReaders.slot1) }
        }
        #expect(recorder.count(\.isServiceUnavailable) == 1)
    }

    /// Waits until pcscd has noticed that a tag left, so the next test starts with an empty reader.
    private func waitUntilNoTag(on reader: String) async throws {
        let deadline = ContinuousClock.now + .seconds(5)
        while try await backend.readers().contains(where: { $0.name == reader && $0.isTagPresent }) {
            guard ContinuousClock.now < deadline else { throw VirtualReaderFailure("\(reader) still shows a tag") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}
