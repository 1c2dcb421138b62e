import Foundation
import Testing

/// The reader commands without pcscd: simulated taps, and doctor's checks on a made-up system.
@Suite struct ReadersCommandTests {
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("leadgate-read-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func readPlaysSimulatedTagFilesAsTaps() async throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jane Doe\r\nEMAIL:jane@acme.example\r\nEND:VCARD\r\n".utf8)
            .write(to: dir.appendingPathComponent("1-jane.ntag216.04A1B2C3D4E5F6.vcf"))
        try Data("0A1B2C3D\n".utf8).write(to: dir.appendingPathComponent("2-badge.uid"))

        let result = try await VirtualReaderFixture.leadgate(["read", "--simulate", dir.path, "--count", "2", "--json"])

        #expect(result.status == 0, "\(result.stderr)")
        let lines = try ReadCommandTests.objects(result.stdout)
        #expect(lines.map { $0["tag_type"] as? String } == ["ntag216", "mifare_classic_1k"])
        #expect(lines.map { $0["tag_uid"] as? String } == ["04A1B2C3D4E5F6", "0A1B2C3D"])
        #expect(lines.map { $0["format"] as? String } == ["ndef", "uid"])
        #expect(((lines.first?["contacts"] as? [[String: Any]])?.first?["full_name"] as? String) == "Jane Doe")
    }

    @Test func readRejectsACountBelowOne() async throws {
        let result = try await VirtualReaderFixture.leadgate(["read", "--count", "0"])
        #expect(result.status == 64)
    }

    @Test func doctorNamesTheCommandThatUnloadsThePN533Modules() async throws {
        let root = try Self.folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let manager = FileManager.default
        try manager.createDirectory(at: root.appendingPathComponent("proc"), withIntermediateDirectories: true)
        try Data("pn533_usb 28672 0 - Live 0x0\npn533 45056 1 pn533_usb, Live 0x0\nnfc 135168 1 pn533, Live 0x0\n".utf8)
            .write(to: root.appendingPathComponent("proc/modules"))
        let device = root.appendingPathComponent("sys/bus/usb/devices/1-2")
        try manager.createDirectory(at: device, withIntermediateDirectories: true)
        for (file, value) in [("idVendor", "072f"), ("idProduct", "2200"), ("busnum", "1"), ("devnum", "7")] {
            try Data("\(value)\n".utf8).write(to: device.appendingPathComponent(file))
        }
        try manager.createDirectory(at: root.appendingPathComponent("dev/bus/usb/001"), withIntermediateDirectories: true)
        _ = manager.createFile(atPath: root.appendingPathComponent("dev/bus/usb/001/007").path, contents: nil)

        let result = try await VirtualReaderFixture.leadgate(["doctor", "--root", root.path])

        #expect(result.status == 69)
        #expect(result.stdout.contains("problem  kernel modules pn533_usb, pn533, nfc loaded"))
        #expect(result.stdout.contains("fix: sudo modprobe -r pn533_usb pn533 nfc"))
        #expect(result.stdout.contains("fix: sudo install -m 0644 udev/blacklist-leadgate-pn533.conf /etc/modprobe.d/"))
        #expect(result.stdout.contains("fix: sudo install -m 0644 udev/70-leadgate-nfc.rules /etc/udev/rules.d/"))
        #expect(result.stdout.contains("ACS ACR122U (072f:2200) at /dev/bus/usb/001/007"))
        #expect(result.stdout.contains("pcscd is not installed"))
    }
}
