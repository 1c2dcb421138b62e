import Logging
import Testing
@testable import TagReaders

/// The monitor's logic against a pcscd in memory: arrivals, held tags, readers that come and
/// go through the PnP pseudo-reader, and a service that stops and comes back.
@Suite struct PCSCMonitorTests {
    let library = FakePCSCLibrary()
    var backend: PCSCBackend {
        PCSCBackend(library: library, logger: Logger(label: "leadgate.tests"), retryInterval: .milliseconds(20))
    }

    static let badge = SimulatedTag(uid: [0x0A, 0x1B, 0x2C, 0x3D], type: .mifareClassic1K, ndefMessage: nil)
    static let card = SimulatedTag(uid: [0x04, 1, 2, 3, 4, 5, 6], type: .ntag213, ndefMessage: Fixtures.profileLinkMessage)

    @Test func readsATagLeftOnTheReaderOnce() async throws {
        library.addReader("R1")
        let recorder = EventRecorder(backend.events())
        defer { recorder.stop() }
        try await recorder.waitFor("the reader") { $0.contains { $0.isReaderAdded("R1") } }
        library.place(Self.card, on: "R1")
        try await recorder.waitForTaps(1)
        // Other readers changing wake the monitor; the lying tag is not read again.
        library.addReader("R2")
        library.place(Self.badge, on: "R2")
        try await recorder.waitForTaps(2)
        library.remove(from: "R2")
        try await recorder.waitFor("the removal") { $0.contains { $0.isTagRemoved("R2") } }
        #expect(recorder.taps.map(\.reader) == ["R1", "R2"])
        #expect(library.connectCount == 2)
        #expect(recorder.taps.first?.ndefMessage == Fixtures.profileLinkMessage)
    }

    @Test func readsATagSwappedBetweenTwoWaitsAsANewTap() async throws {
        library.addReader("R1")
        library.place(Self.badge, on: "R1")
        let recorder = EventRecorder(backend.events())
        defer { recorder.stop() }
        try await recorder.waitForTaps(1)
        library.swap(Self.card, on: "R1")
        let taps = try await recorder.waitForTaps(2)
        #expect(taps.map(\.uidHex) == ["0A1B2C3D", "04010203040506"])
    }

    @Test func reportsReadersThatComeAndGo() async throws {
        let recorder = EventRecorder(backend.events())
        defer { recorder.stop() }
        try await recorder.waitFor("the service") { $0.contains(where: \.isServiceAvailable) }
        library.addReader("ACS ACR122U 00 00")
        try await recorder.waitFor("the reader plugged in") { $0.contains { $0.isReaderAdded("ACS ACR122U 00 00") } }
        library.place(Self.badge, on: "ACS ACR122U 00 00")
        try await recorder.waitForTaps(1)
        library.removeReader("ACS ACR122U 00 00")
        try await recorder.waitFor("the reader unplugged") { $0.contains { $0.isReaderRemoved("ACS ACR122U 00 00") } }
        #expect(recorder.events.map(\.summary) == [
            "serviceAvailable", "readerAdded(ACS ACR122U 00 00)",
            "tap(ACS ACR122U 00 00, mifare_classic_1k, 1 commands, complete)", "readerRemoved(ACS ACR122U 00 00)",
        ])
    }

    @Test func waitsForTheServiceAndRecoversAfterItStops() async throws {
        library.setServiceUp(false)
        library.addReader("R1")
        let recorder = EventRecorder(backend.events(on: .named("R1")))
        defer { recorder.stop() }
        try await recorder.waitFor("the outage") { $0.contains(where: \.isServiceUnavailable) }
        library.setServiceUp(true)
        try await recorder.waitFor("the reader") { $0.contains { $0.isReaderAdded("R1") } }
        library.setServiceUp(false)
        try await recorder.waitFor("the second outage") { $0.filter(\.isServiceUnavailable).count == 2 }
        library.setServiceUp(true)
        library.place(Self.badge, on: "R1")
        try await recorder.waitForTaps(1)
        #expect(recorder.events.map(\.summary) == [
            "serviceUnavailable(serviceUnavailable)", "serviceAvailable", "readerAdded(R1)",
            "readerRemoved(R1)", "serviceUnavailable(serviceUnavailable)", "serviceAvailable", "readerAdded(R1)",
            "tap(R1, mifare_classic_1k, 1 commands, complete)",
        ])
    }

    @Test func reportsATagGoneBeforeTheConnectAsIncomplete() throws {
        let session = TagSession(reader: "R1", atr: SimulatedCard.storageCardATR(name: 0x0003), logger: Logger(label: "t"))
        let tap = session.interrupted(by: TagReaderError(.tagRemoved, "gone", function: "SCardConnect", result: PCSCResult.noSmartcard),
                                      arrival: .now)
        #expect(!tap.isComplete)
        #expect(tap.bytesRead.isEmpty)
        #expect(tap.interruption?.description == "gone (SCardConnect returned SCARD_E_NO_SMARTCARD)")
    }
}
