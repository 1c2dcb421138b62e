import ArgumentParser
import Foundation
import TagReaders

struct ReadersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "readers",
        abstract: "List the PC/SC readers (and whether a tag is on each) and the libnfc devices.",
        discussion: """
            Exits 69 when pcscd is not running or refuses this user; `leadgate doctor` says how \
            to fix it. No reader attached is not an error: the list is empty. libnfc devices \
            are the ones libnfc's own scan finds (libnfc.conf, LIBNFC_DEVICE, USB), named \
            nfc:CONNSTRING as read --reader takes them; their tag state is not polled.
            """
    )

    @Flag(help: "Print a JSON array: name, tag_present, atr (hex) and tag_type for each reader.")
    var json = false

    struct Entry: Encodable {
        var name: String
        var tagPresent: Bool
        var atr: String?
        var tagType: String?

        enum CodingKeys: String, CodingKey {
            case name, atr
            case tagPresent = "tag_present", tagType = "tag_type"
        }
    }

    func run() async throws {
        var readers: [ReaderStatus] = []
        var pcscFailure: TagReaderError?
        do {
            readers = try await PCSCBackend(logger: Log.logger("leadgate.pcsc")).readers()
        } catch {
            pcscFailure = error
        }
        let libNFCReaders = (try? await LibNFCBackend.discover())?.map { ReaderStatus(name: "nfc:" + $0, isTagPresent: false) } ?? []
        if let pcscFailure, libNFCReaders.isEmpty { throw Self.failure(pcscFailure).report() }
        readers += libNFCReaders
        let entries = readers.map { reader in
            Entry(name: reader.name, tagPresent: reader.isTagPresent,
                  atr: reader.isTagPresent ? reader.atr.map { String(format: "%02X", $0) }.joined() : nil,
                  tagType: reader.isTagPresent ? AnswerToReset(reader.atr).tagType.rawValue : nil)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            Terminal.write(String(decoding: try encoder.encode(entries), as: UTF8.self) + "\n")
        } else {
            printTable(entries)
        }
        // The libnfc devices are listed, but pcscd's absence still needs fixing.
        if let pcscFailure { throw Self.failure(pcscFailure).report() }
    }

    private func printTable(_ entries: [Entry]) {
        if entries.isEmpty {
            Terminal.write("no readers (plug one in; leadgate doctor checks drivers and permissions)\n")
        }
        let width = entries.map(\.name.count).max() ?? 0
        for entry in entries {
            let padding = String(repeating: " ", count: width - entry.name.count)
            let state = entry.name.hasPrefix("nfc:") ? "libnfc device" : entry.tagPresent ? "tag present (\(entry.tagType ?? "unknown"), ATR \(entry.atr ?? ""))" : "no tag"
            Terminal.write("\(entry.name)\(padding)  \(state)\n")
        }
    }

    /// The command-line failure for a PC/SC error: pcscd away or refusing us is exit 69.
    static func failure(_ error: TagReaderError) -> CommandFailure {
        switch error.code {
        case .serviceUnavailable:
            return .unavailable("pcscd is not running (\(error.failedCall ?? error.description)); start it with: sudo systemctl start pcscd (leadgate doctor checks the rest)")
        case .accessDenied:
            return .unavailable("pcscd refuses this user (\(error)); see leadgate doctor")
        default:
            return .unavailable("\(error)")
        }
    }
}
