import ArgumentParser
import Foundation
import TagReaders

struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check pcscd, libnfc, the readers, kernel modules, udev rules and permissions.",
        discussion: """
            Prints one line per check; each problem comes with the command that fixes it. \
            Exits 0 when everything is in order, 69 when something needs fixing.
            """
    )

    @Option(help: ArgumentHelp("Look for /proc, /sys, /etc, /usr and /dev under this folder (for tests).", visibility: .hidden))
    var root = "/"

    @Option(help: "Also check this libnfc device, as read --reader takes it (nfc:pn532_uart:/dev/ttyUSB0).")
    var reader: String?

    /// USB readers leadgate knows: vendor and product IDs, and what they are.
    static let knownReaders: [(vendor: String, product: String, name: String, pn53x: Bool)] = [
        ("072f", "2200", "ACS ACR122U", true),
        ("072f", "90cc", "ACS ACR122U / Touchatag", true),
        ("072f", "223b", "ACS ACR1252U", false),
        ("072f", "2219", "ACS ACR1251U", false),
        ("04cc", "2533", "NXP PN533", true),
        ("054c", "02e1", "Sony RC-S360 / PN533", true),
        ("04e6", "5591", "SCM SCL3711", true),
        ("04e6", "5593", "Identiv SCL3711", true),
    ]

    /// The kernel's NFC drivers, which claim PN53x readers before pcscd or libnfc can.
    static let stealingModules = ["pn533_usb", "pn533", "nfc"]

    struct Finding {
        var isProblem: Bool
        var message: String
        var fix: String?
    }

    func run() async throws {
        var findings: [Finding] = []
        findings += checkPCSCD()
        findings += await checkService()
        findings += await checkLibNFC(pcscReaders: (try? await PCSCBackend(logger: Log.logger("leadgate.pcsc")).readers().map(\.name)) ?? [])
        findings += checkModules()
        findings += checkUdevRules()
        findings += checkUSBDevices()
        findings += checkGroup()

        for finding in findings {
            Terminal.write("\(finding.isProblem ? "problem" : "ok     ")  \(finding.message)\n")
            if let fix = finding.fix { Terminal.write("         fix: \(fix)\n") }
        }
        let problems = findings.filter(\.isProblem).count
        if problems > 0 {
            Terminal.write("\(problems) problem\(problems == 1 ? "" : "s") found\n")
            throw ExitCode(CommandFailure.Status.unavailable.rawValue)
        }
        Terminal.write("all checks passed\n")
    }

    private func path(_ absolute: String) -> String {
        root == "/" ? absolute : (root as NSString).appendingPathComponent(absolute)
    }

    private func exists(_ absolute: String) -> Bool {
        FileManager.default.fileExists(atPath: path(absolute))
    }

    private func checkPCSCD() -> [Finding] {
        var findings: [Finding] = []
        if ["/usr/sbin/pcscd", "/usr/bin/pcscd", "/usr/local/sbin/pcscd"].contains(where: exists) {
            findings.append(Finding(isProblem: false, message: "pcscd is installed"))
        } else {
            findings.append(Finding(isProblem: true, message: "pcscd is not installed",
                                    fix: "sudo apt-get install pcscd libccid"))
        }
        let ccid = ["/usr/lib/pcsc/drivers/ifd-ccid.bundle", "/usr/local/lib/pcsc/drivers/ifd-ccid.bundle"]
        if ccid.contains(where: exists) {
            findings.append(Finding(isProblem: false, message: "the CCID driver (libccid) for USB readers is installed"))
        } else {
            findings.append(Finding(isProblem: true, message: "the CCID driver that USB readers such as the ACR122U need is missing",
                                    fix: "sudo apt-get install libccid"))
        }
        return findings
    }

    private func checkService() async -> [Finding] {
        let startFix = exists("/run/systemd/system") ? "sudo systemctl enable --now pcscd.socket" : "sudo pcscd"
        do {
            let readers = try await PCSCBackend(logger: Log.logger("leadgate.pcsc")).readers()
            var findings = [Finding(isProblem: false, message: "pcscd answers")]
            if readers.isEmpty {
                findings.append(Finding(isProblem: true, message: "pcscd sees no reader",
                                        fix: "plug the reader in; lsusb should list it, and the checks below say why pcscd may not claim it"))
            }
            for reader in readers {
                let tag = reader.isTagPresent ? "tag present (\(AnswerToReset(reader.atr).tagType))" : "no tag"
                findings.append(Finding(isProblem: false, message: "reader \(reader.name): \(tag)"))
            }
            return findings
        } catch where error.code == .serviceUnavailable {
            return [Finding(isProblem: true, message: "pcscd is not running (\(error.failedCall ?? error.description))", fix: startFix)]
        } catch where error.code == .accessDenied {
            return [Finding(isProblem: true, message: "pcscd refuses this user (polkit) (\(error))",
                            fix: "run as a user polkit allows (org.debian.pcsc-lite.access_pcsc), or add a polkit rule for the plugdev group")]
        } catch {
            return [Finding(isProblem: true, message: "pcscd: \(error)", fix: "sudo systemctl restart pcscd")]
        }
    }

    private func checkModules() -> [Finding] {
        var findings: [Finding] = []
        let modules = (try? String(contentsOfFile: path("/proc/modules"), encoding: .utf8)) ?? ""
        let loaded = Set(modules.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) })
        let stealing = Self.stealingModules.filter(loaded.contains)
        if stealing.isEmpty {
            findings.append(Finding(isProblem: false, message: "no kernel NFC driver (nfc, pn533, pn533_usb) is loaded"))
        } else {
            findings.append(Finding(isProblem: true,
                                    message: "kernel module\(stealing.count == 1 ? "" : "s") \(stealing.joined(separator: ", ")) loaded: they claim PN53x readers (ACR122U, SCL3711) before pcscd and libnfc",
                                    fix: "sudo modprobe -r \(stealing.joined(separator: " "))"))
        }
        let blacklisted = Self.modprobeFiles(root: path("/etc/modprobe.d")).contains { text in
            text.split(separator: "\n").contains { $0.trimmingCharacters(in: .whitespaces) == "blacklist pn533_usb" }
        }
        if blacklisted {
            findings.append(Finding(isProblem: false, message: "pn533_usb is blacklisted in /etc/modprobe.d"))
        } else {
            findings.append(Finding(isProblem: true, message: "nfc, pn533 and pn533_usb are not blacklisted, so they load again when a reader is plugged in",
                                    fix: "sudo install -m 0644 udev/blacklist-leadgate-pn533.conf /etc/modprobe.d/"))
        }
        return findings
    }

    private static func modprobeFiles(root: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return names.filter { $0.hasSuffix(".conf") }.compactMap {
            try? String(contentsOfFile: (root as NSString).appendingPathComponent($0), encoding: .utf8)
        }
    }

    private func checkUdevRules() -> [Finding] {
        let places = ["/etc/udev/rules.d", "/lib/udev/rules.d", "/usr/lib/udev/rules.d"]
        if places.contains(where: { exists("\($0)/70-leadgate-nfc.rules") }) {
            return [Finding(isProblem: false, message: "udev rules 70-leadgate-nfc.rules are installed")]
        }
        return [Finding(isProblem: true, message: "udev rules giving the plugdev group access to NFC readers are not installed",
                        fix: "sudo install -m 0644 udev/70-leadgate-nfc.rules /etc/udev/rules.d/ && sudo udevadm control --reload && sudo udevadm trigger")]
    }

    private func checkUSBDevices() -> [Finding] {
        let devices = path("/sys/bus/usb/devices")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: devices)) ?? []
        var findings: [Finding] = []
        for name in names.sorted() {
            let base = (devices as NSString).appendingPathComponent(name)
            let read = { (file: String) in
                ((try? String(contentsOfFile: (base as NSString).appendingPathComponent(file), encoding: .utf8)) ?? "")
                    .trimmingCharacters(in: .whitespacesAndNewlines)
            }
            let (vendor, product) = (read("idVendor").lowercased(), read("idProduct").lowercased())
            guard let known = Self.knownReaders.first(where: { $0.vendor == vendor && $0.product == product }) else { continue }
            let node = String(format: "/dev/bus/usb/%03d/%03d", Int(read("busnum")) ?? 0, Int(read("devnum")) ?? 0)
            if access(path(node), R_OK | W_OK) == 0 {
                findings.append(Finding(isProblem: false, message: "\(known.name) (\(vendor):\(product)) at \(node) is readable and writable"))
            } else {
                findings.append(Finding(isProblem: true, message: "\(known.name) (\(vendor):\(product)) at \(node) is not accessible to this user",
                                        fix: "install the udev rules (above) and add yourself to plugdev: sudo usermod -aG plugdev $USER, then log in again"))
            }
        }
        if findings.isEmpty {
            findings.append(Finding(isProblem: false, message: "no known USB NFC reader is plugged in (readers that pcscd lists above still work)"))
        }
        return findings
    }

    private func checkGroup() -> [Finding] {
        guard getuid() != 0 else { return [Finding(isProblem: false, message: "running as root: USB permissions do not apply")] }
        var groups = [gid_t](repeating: 0, count: 256)
        let count = getgroups(Int32(groups.count), &groups)
        let member = groups.prefix(Int(max(count, 0))).contains { gid in
            guard let group = getgrgid(gid) else { return false }
            return String(cString: group.pointee.gr_name) == "plugdev"
        }
        if member { return [Finding(isProblem: false, message: "this user is in the plugdev group")] }
        return [Finding(isProblem: true, message: "this user is not in the plugdev group, which the udev rules give reader access to",
                        fix: "sudo usermod -aG plugdev $USER, then log in again")]
    }
}
