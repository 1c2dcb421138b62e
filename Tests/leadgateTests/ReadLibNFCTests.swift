import Foundation
import NDEF
import Testing
import TestSupport

/// `leadgate read --reader nfc:...` and `leadgate readers` with a libnfc reader: the real
/// libnfc pn532_uart driver on Hardware/pn532_emulator.py's pseudo-terminal. No pcscd needed.
@Suite(.serialized)
struct ReadLibNFCTests {
    static let jane = NDEFMessage(records: [.media("text/vcard", payload: Array(ReadCommandTests.janeVCard.utf8))]).encoded()
    static let long: [UInt8] = {
        let note = String(repeating: "Met at booth 12, wants a 50-seat pilot. ", count: 14)
        let card = ReadCommandTests.janeVCard.replacingOccurrences(of: "END:VCARD", with: "NOTE:\(note)\r\nEND:VCARD")
        return NDEFMessage(records: [.media("text/vcard", payload: Array(card.utf8))]).encoded()
    }()

    @Test(arguments: [
        ("type2", "04A1B2C3D4E5F6", "ntag215"), ("type4", "08A1B2C3", "type4"),
    ])
    func printsTheTapOfEachKindWithItsContact(_ kind: String, _ uid: String, _ type: String) async throws {
        let emulator = try await PN532Emulator([.tag(kind, uid: uid, ndef: Self.jane, hold: 2)])
        let result = try await ChildProcess.leadgate(["read", "--json", "--reader", emulator.readerName, "--timeout", "20", "--region", "US"])
        let log = emulator.log()
        await emulator.stop()

        #expect(result.status == 0, "\(result.stderr)")
        let line = try #require(try ReadCommandTests.objects(result.stdout).first)
        #expect(line["reader"] as? String == emulator.readerName)
        #expect(line["tag_uid"] as? String == uid)
        #expect(line["tag_type"] as? String == type)
        #expect(line["format"] as? String == "ndef")
        let contact = try #require((line["contacts"] as? [[String: Any]])?.first)
        #expect(contact["full_name"] as? String == "Jane Doe")
        #expect(contact["emails"] as? [String] == ["jane@acme.example"])
        // The device was closed on the way out: the PN532 told to release the tag and power down.
        let commands = log.compactMap { $0["cmd"] as? String }
        #expect(Array(commands.suffix(3)) == ["InRelease", "RFConfiguration", "PowerDown"])
    }

    @Test func aClassicBadgeIsAUIDOnlyTap() async throws {
        let emulator = try await PN532Emulator([.tag("classic", uid: "0A1B2C3D", hold: 2)])
        let result = try await ChildProcess.leadgate(["read", "--json", "--reader", emulator.readerName, "--timeout", "20"])
        await emulator.stop()

        #expect(result.status == 0, "\(result.stderr)")
        let line = try #require(try ReadCommandTests.objects(result.stdout).first)
        #expect(line["tag_uid"] as? String == "0A1B2C3D")
        #expect(line["tag_type"] as? String == "mifare_classic_1k")
        #expect(line["format"] as? String == "uid")
    }

    @Test func nfcAloneReadsLibNFCsDefaultDevice() async throws {
        let emulator = try await PN532Emulator([.tag("type2", uid: "04A1B2C3D4E5F6", ndef: Self.jane, hold: 2)])
        let result = try await ChildProcess.leadgate(["read", "--json", "--reader", "nfc", "--timeout", "20"],
                                                     environment: ["LIBNFC_DEVICE": emulator.connstring])
        await emulator.stop()

        #expect(result.status == 0, "\(result.stderr)")
        let line = try #require(try ReadCommandTests.objects(result.stdout).first)
        #expect(line["reader"] as? String == emulator.readerName)
        #expect(line["tag_uid"] as? String == "04A1B2C3D4E5F6")
    }

    @Test func aTagPulledAwayMidReadExits65WithTheBytesRead() async throws {
        let emulator = try await PN532Emulator([.tag("type2", uid: "04A1B2C3D4E5F6", ndef: Self.long, hold: 2, removeAfter: 2)])
        let result = try await ChildProcess.leadgate(["read", "--json", "--reader", emulator.readerName, "--timeout", "20"])
        await emulator.stop()

        #expect(result.status == 65, "\(result.stderr)")
        // A READ (16 bytes from page 3) and a FAST_READ of 60 pages answered, then the tag was gone.
        #expect(result.stderr.contains("incomplete read, the tag left after 256 bytes were read"), "\(result.stderr)")
        let line = try #require(try ReadCommandTests.objects(result.stdout).first)
        #expect(line["format"] as? String == "uid")
        #expect((line["incomplete"] as? [String: Any])?["bytes_read"] as? Int == 256)
    }

    @Test func aReaderUnpluggedAndBackIsReportedAndReadsOn() async throws {
        let emulator = try await PN532Emulator([
            .tag("type2", uid: "04A1B2C3D4E5F6", ndef: Self.jane, hold: 1),
            .unplug(1),
            .tag("type2", uid: "04A1B2C3D4E5F7", ndef: Self.jane, hold: 5),
        ])
        let result = try await ChildProcess.leadgate(["read", "--json", "--count", "2", "--reader", emulator.readerName, "--timeout", "30"])
        await emulator.stop()

        #expect(result.status == 0, "\(result.stderr)")
        let lines = try ReadCommandTests.objects(result.stdout)
        #expect(lines.compactMap { $0["tag_uid"] as? String } == ["04A1B2C3D4E5F6", "04A1B2C3D4E5F7"])
        #expect(result.stderr.contains("the libnfc device is unplugged or does not answer"))
        #expect(result.stderr.contains("the libnfc reader is back"))
    }

    @Test(arguments: [SIGINT, SIGHUP])
    func ctrlCOrAHangUpClosesTheDeviceSoTheNextReadCanOpenIt(signal: Int32) async throws {
        let emulator = try await PN532Emulator([.wait(60)])
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("leadgate-ctrlc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let running = try ChildProcess.spawn(ChildProcess.leadgateURL.path, ["read", "--reader", emulator.readerName, "--timeout", "60"],
                                             stderr: directory.appendingPathComponent("stderr").path)
        try await waitUntil(seconds: 30) { emulator.log().contains { $0["cmd"] as? String == "InListPassiveTarget" } }
        running.kill(signal)
        let status = await running.exit.value
        let commands = emulator.log().compactMap { $0["cmd"] as? String }
        // A second program finds the port free (libnfc marks a port it holds as claimed).
        let again = try await ChildProcess.leadgate(["read", "--reader", emulator.readerName, "--timeout", "1"])
        await emulator.stop()

        #expect(status == 128 + signal)
        #expect(Array(commands.suffix(3)) == ["InRelease", "RFConfiguration", "PowerDown"])
        #expect(again.status == 69)
        #expect(!again.stderr.contains("cannot open"), "\(again.stderr)")
    }

    /// A booth stopped by a signal, or by its terminal closing, closes the libnfc device first
    /// (before, it died with the field on and the port marked as held) and puts the terminal back.
    @Test(arguments: ["TERM", "HUP", "closed terminal"])
    func aBoothEndedBySignalClosesTheDevice(ending: String) async throws {
        let emulator = try await PN532Emulator([.wait(60)])
        let store = DemoCommandTests.freshStore()
        defer { DemoCommandTests.remove(store) }
        let pidFile = URL(fileURLWithPath: store).deletingLastPathComponent().appendingPathComponent("booth.pid").path
        let terminal = try TmuxSession("sh -c 'echo $$ > \(pidFile); exec \(LeadgateBinary.url.path) booth --event \"RSA 2026\" --rep alice "
                                       + "--reader \(emulator.readerName) --store \(store)'", environment: ["LEADGATE_LOG_LEVEL": "error"])
        defer { terminal.kill() }
        try await waitUntil(seconds: 30) { emulator.log().contains { $0["cmd"] as? String == "InListPassiveTarget" } }
        let pid = try #require(Int32((try? String(contentsOfFile: pidFile, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""))

        switch ending {
        case "TERM": kill(pid, SIGTERM)
        case "HUP": kill(pid, SIGHUP)
        default: terminal.kill()
        }
        try await waitUntil(seconds: 20) { kill(pid, 0) != 0 }
        let commands = emulator.log().compactMap { $0["cmd"] as? String }
        let again = try await ChildProcess.leadgate(["read", "--reader", emulator.readerName, "--timeout", "1"])
        await emulator.stop()

        #expect(Array(commands.suffix(3)) == ["InRelease", "RFConfiguration", "PowerDown"], "\(commands.suffix(5))")
        #expect(!again.stderr.contains("cannot open"), "\(again.stderr)")
        if ending == "TERM" {
            // Out of the alternate screen, and the status a SIGTERM gives.
            let screen = try await terminal.waitFor("[exit 143]", timeout: .seconds(10))
            #expect(!screen.contains("waiting for taps") || screen.contains("[exit 143]"))
        }
    }

    @Test func withoutReaderTheDeviceLibNFCsScanFindsIsReadAlsoAfterAnUnplug() async throws {
        let emulator = try await PN532Emulator([
            .tag("type2", uid: "04A1B2C3D4E5F6", ndef: Self.jane, hold: 1), .unplug(1),
            .tag("type2", uid: "04A1B2C3D4E5F7", ndef: Self.jane, hold: 5),
        ])
        // No pcscd at that socket: the PC/SC side waits for one, the libnfc side reads.
        let result = try await ChildProcess.leadgate(["read", "--json", "--count", "2", "--timeout", "30"], environment: [
            "LIBNFC_DEVICE": emulator.connstring, "PCSCLITE_CSOCK_NAME": emulator.directory.appendingPathComponent("no-pcscd").path,
        ])
        await emulator.stop()

        #expect(result.status == 0, "\(result.stderr)")
        let line = try #require(try ReadCommandTests.objects(result.stdout).first)
        #expect(line["reader"] as? String == emulator.readerName)
        #expect(try ReadCommandTests.objects(result.stdout).compactMap { $0["tag_uid"] as? String } == ["04A1B2C3D4E5F6", "04A1B2C3D4E5F7"])
        // The unplug is reported, and the device found by the scan is opened again when back.
        #expect(result.stderr.contains("\(emulator.readerName): the reader went away"), "\(result.stderr)")
    }

    @Test func doctorOpensTheLibNFCDeviceAndNamesAPortThatIsNotThere() async throws {
        let emulator = try await PN532Emulator([])
        let found = try await ChildProcess.leadgate(["doctor", "--reader", emulator.readerName])
        await emulator.stop()
        let missing = try await ChildProcess.leadgate(["doctor", "--reader", "nfc:pn532_uart:/dev/ttyLEADGATE9"])

        #expect(found.stdout.contains("ok       \(emulator.readerName): libnfc opens it"), "\(found.stdout)")
        #expect(missing.status == 69)
        #expect(missing.stdout.contains("problem  nfc:pn532_uart:/dev/ttyLEADGATE9: the serial port /dev/ttyLEADGATE9 does not exist"), "\(missing.stdout)")
    }

    @Test func readersListsTheLibNFCDeviceNamed() async throws {
        let emulator = try await PN532Emulator([])
        let result = try await ChildProcess.leadgate(["readers", "--json"], environment: ["LIBNFC_DEVICE": emulator.connstring])
        await emulator.stop()

        #expect([0, 69].contains(result.status), "\(result.stderr)")
        #expect(result.stdout.contains(emulator.readerName) || result.stderr.contains(emulator.readerName), "\(result.stdout) \(result.stderr)")
    }
}
