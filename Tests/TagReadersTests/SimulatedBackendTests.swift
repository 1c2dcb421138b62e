import Foundation
import Logging
import Testing
@testable import TagReaders

@Suite struct SimulatedBackendTests {
    let logger = Logger(label: "leadgate.tests")

    @Test func readsTagFilesByTheirExtension() throws {
        let vcard = try Fixtures.file("jane.vcf", Array(Fixtures.janeVCard.utf8))
        let badge = try Fixtures.file("badge.0A1B2C3D.uid", [])
        let link = try Fixtures.file("popl.ntag216.url", Array("https://popl.co/jane\n".utf8))
        defer { for path in [vcard, badge, link] { try? FileManager.default.removeItem(atPath: path) } }
        let tags = try SimulatedTag.load([vcard, badge, link].map { URL(fileURLWithPath: $0) })

        #expect(tags.map(\.type) == [.ntag215, .mifareClassic1K, .ntag216])
        #expect(tags[1].uid == [0x0A, 0x1B, 0x2C, 0x3D])
        #expect(tags[1].ndefMessage == nil)
        #expect(tags[2].ndefMessage == Fixtures.profileLinkMessage)
        #expect(tags[0].uid.count == 7 && tags[0].uid.first == 0x04)
        // The same name gives the same UID, so a replayed demo dedupes like real tags do.
        #expect(try SimulatedTag(contentsOf: URL(fileURLWithPath: vcard)).uid == tags[0].uid)
    }

    @Test func rejectsAMessageTooLargeForTheNamedTag() throws {
        let big = try Fixtures.file("big.ntag213.ndef", Fixtures.longMessage)
        defer { try? FileManager.default.removeItem(atPath: big) }
        #expect(throws: TagReaderError.self) { try SimulatedTag(contentsOf: URL(fileURLWithPath: big)) }
        #expect(SimulatedTag.smallestType(holding: [UInt8](repeating: 0, count: 2000)) == .type4)
    }

    @Test func readsATagThroughTheSameSessionAsARealReader() throws {
        let backend = SimulatedBackend(logger: logger)
        let tag = SimulatedTag(uid: [0x04, 1, 2, 3, 4, 5, 6], type: .ntag215, ndefMessage: Fixtures.janeMessage)
        let tap = try backend.tap(tag)
        #expect(tap.tagType == .ntag215)
        #expect(tap.ndefMessage == Fixtures.janeMessage)
        #expect(tap.commandCount == 1 + (2 + Fixtures.janeMessage.count + 4 + 15) / 16)
        #expect(tap.content?.contacts.first?.card.formattedName == "Jane Doe")

        let typeFour = try backend.tap(SimulatedTag(uid: [0x08, 1, 2, 3], type: .type4, ndefMessage: Fixtures.janeMessage))
        #expect(typeFour.tagType == .type4)
        #expect(typeFour.ndefMessage == Fixtures.janeMessage)
    }

    @Test func reportsATagPulledAwayAsAnIncompleteTap() throws {
        let backend = SimulatedBackend(logger: logger)
        let tag = SimulatedTag(uid: [0x04, 1, 2, 3, 4, 5, 6], type: .ntag216, ndefMessage: Fixtures.longMessage, commandsBeforeRemoval: 2)
        let tap = try backend.tap(tag)
        #expect(tap.interruption?.code == .tagRemoved)
        #expect(tap.bytesRead.count == 16)
        #expect(tap.content == nil)
    }

    @Test func streamsReadersTapsRemovalsAndOutages() async throws {
        let backend = SimulatedBackend(readers: ["Sim A", "Sim B"], logger: logger)
        // Not an exact name, so it picks every reader whose name contains it: Sim B and Sim B2, not Sim A.
        let recorder = EventRecorder(backend.events(on: .named("sim b")))
        defer { recorder.stop() }
        try await recorder.waitFor("the reader") { $0.contains { $0.isReaderAdded("Sim B") } }
        try backend.tap(SimulatedTag(uid: [1, 2, 3, 4], type: .mifareClassic1K, ndefMessage: nil), on: "Sim A")
        try backend.place(SimulatedTag(uid: [5, 6, 7, 8], type: .mifareClassic1K, ndefMessage: nil), on: "Sim B")
        backend.remove(from: "Sim B")
        backend.setServiceAvailable(false)
        #expect(throws: TagReaderError.self) { try backend.tap(SimulatedTag(uid: [1], type: .mifareClassic1K, ndefMessage: nil)) }
        backend.setServiceAvailable(true)
        backend.addReader("Sim B2")
        try await recorder.waitFor("the outage and the new reader") { $0.contains { $0.isReaderAdded("Sim B2") } }

        #expect(recorder.events.map(\.summary) == [
            "serviceAvailable", "readerAdded(Sim B)",
            "tap(Sim B, mifare_classic_1k, 1 commands, complete)", "tagRemoved(Sim B)",
            "readerRemoved(Sim B)", "serviceUnavailable(serviceUnavailable)",
            "serviceAvailable", "readerAdded(Sim B)", "readerAdded(Sim B2)",
        ])
    }

    @Test func playsTagsInTurn() async throws {
        let backend = SimulatedBackend(logger: logger)
        let recorder = EventRecorder(backend.events())
        defer { recorder.stop() }
        let tags = (1 ... 3).map { SimulatedTag(uid: [UInt8($0), 0, 0, 0], type: .mifareClassic1K, ndefMessage: nil) }
        try await backend.play(tags, interval: .milliseconds(5))
        let taps = try await recorder.waitForTaps(3)
        #expect(taps.map(\.uidHex) == ["01000000", "02000000", "03000000"])
    }
}
