import Foundation
import TagReaders

extension DoctorCommand {
    /// libnfc's devices: the ones its scan finds (and `--reader nfc:...`), whether each
    /// opens, and if not, the likely reason: permissions on the serial port, or pcscd holding
    /// the reader. A machine with no libnfc device is fine: PC/SC readers need none.
    func checkLibNFC(pcscReaders: [String]) async -> [Finding] {
        var connstrings = (try? await LibNFCBackend.discover()) ?? []
        if let wanted = ReaderChoice.libNFCConnstring(reader), !wanted.isEmpty, !connstrings.contains(wanted) {
            connstrings.insert(wanted, at: 0)
        }
        guard !connstrings.isEmpty else {
            return [Finding(isProblem: false, message: "libnfc finds no device (normal with PC/SC readers; a PN532 on a serial port is not scanned: name it with --reader nfc:pn532_uart:/dev/ttyUSB0, LIBNFC_DEVICE or /etc/nfc/libnfc.conf)")]
        }
        var findings: [Finding] = []
        for connstring in connstrings {
            let name = "nfc:" + connstring
            if let port = Self.serialPort(of: connstring) {
                if !FileManager.default.fileExists(atPath: port) {
                    findings.append(Finding(isProblem: true, message: "\(name): the serial port \(port) does not exist",
                                            fix: "plug the reader in (ls /dev/ttyUSB* /dev/ttyACM* /dev/ttyAMA*) and name the port it gets"))
                    continue
                }
                if access(port, R_OK | W_OK) != 0 {
                    findings.append(Finding(isProblem: true, message: "\(name): the serial port \(port) is not readable and writable by this user",
                                            fix: "sudo usermod -aG dialout $USER, then log in again"))
                    continue
                }
            }
            switch await LibNFCBackend.probe(connstring) {
            case .success(let device):
                findings.append(Finding(isProblem: false, message: "\(name): libnfc opens it (\(device))"))
            case .failure(let error):
                let isUSB = connstring.contains("_usb") || connstring.hasPrefix("usb")
                let fix = isUSB && !pcscReaders.isEmpty
                    ? "pcscd holds it (it lists \(pcscReaders.joined(separator: ", "))): read it through PC/SC (leadgate read with no --reader), or stop pcscd: sudo systemctl stop pcscd.socket pcscd"
                    : isUSB ? "unload the kernel's NFC drivers (above) and check the USB permissions (above), then plug the reader in again"
                    : "check that nothing else uses the port (lsof \(Self.serialPort(of: connstring) ?? "the port")) and that the board is a PN532 set to HSU (UART) mode"
                findings.append(Finding(isProblem: true, message: "\(name): \(error)", fix: fix))
            }
        }
        return findings
    }

    /// The device path of a serial connection string (`pn532_uart:/dev/ttyUSB0:115200`).
    static func serialPort(of connstring: String) -> String? {
        let parts = connstring.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 2, ["pn532_uart", "acr122s", "arygon"].contains(parts[0]) else { return nil }
        return String(parts[1])
    }
}
