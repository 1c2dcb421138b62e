import Foundation

/// Hardware/pn532_emulator.py on a pseudo-terminal of its own, playing a script of tags, for
/// the real libnfc pn532_uart driver to talk to: `connstring` is what `nfc_open` or
/// `leadgate read --reader nfc:...` takes. Stop it with ``stop()``.
public final class PN532Emulator: Sendable {
    /// One step of the emulator's script: a tag on the reader, an empty field, an unplug.
    public struct Step: Sendable {
        fileprivate var fields: [String: JSONValue]

        /// A tag lying on the reader for `hold` seconds, then `gap` seconds of empty field.
        /// `removeAfter` commands answered, the tag is gone (pulled away mid-read).
        public static func tag(_ kind: String, uid: String, ndef: [UInt8] = [], hold: Double = 1, gap: Double = 0.5,
                               removeAfter: Int? = nil, mle: Int? = nil, v1: Bool = false) -> Step {
            var fields: [String: JSONValue] = [
                "kind": .string(kind), "uid": .string(uid), "hold": .number(hold), "gap": .number(gap),
                "ndef": .string(ndef.map { String(format: "%02X", $0) }.joined()),
            ]
            if let removeAfter { fields["remove_after"] = .number(Double(removeAfter)) }
            if let mle { fields["mle"] = .number(Double(mle)) }
            if v1 { fields["v1"] = .bool(true) }
            return Step(fields: fields)
        }

        public static func wait(_ seconds: Double) -> Step { Step(fields: ["wait": .number(seconds)]) }

        /// The pseudo-terminal closed for `seconds` (the reader pulled out), then a new one.
        public static func unplug(_ seconds: Double) -> Step { Step(fields: ["unplug": .number(seconds)]) }
    }

    fileprivate enum JSONValue: Sendable {
        case string(String), number(Double), bool(Bool)

        var json: String {
            switch self {
            case .string(let text): "\"\(text)\""
            case .number(let value): "\(value)"
            case .bool(let value): value ? "true" : "false"
            }
        }
    }

    public let directory: URL
    /// The symlink to the pseudo-terminal, kept across unplugs.
    public let link: String
    public let logPath: String
    private let process: ChildProcess.Running

    /// `pn532_uart:` and the link.
    public var connstring: String { "pn532_uart:" + link }
    /// The reader's name in leadgate's taps and events.
    public var readerName: String { "nfc:" + connstring }

    /// Starts the emulator and waits until its pseudo-terminal is there. The script starts
    /// with the first InListPassiveTarget, when a client polls.
    public init(_ steps: [Step], repeat rounds: Int = 1) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("leadgate-pn532-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        link = directory.appendingPathComponent("ttyPN532").path
        logPath = directory.appendingPathComponent("commands.log").path
        let script = directory.appendingPathComponent("script.json")
        let body = steps.map { step in
            "{" + step.fields.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value.json)" }.joined(separator: ", ") + "}"
        }.joined(separator: ",\n")
        try Data("{\"steps\": [\n\(body)\n]}\n".utf8).write(to: script)
        let program = ChildProcess.packageRoot.appendingPathComponent("Hardware/pn532_emulator.py").path
        process = try ChildProcess.spawn("/usr/bin/python3", [program, "--script", script.path, "--link", link, "--log", logPath,
                                                              "--repeat", String(rounds)],
                                         stderr: directory.appendingPathComponent("stderr").path)
        let link = self.link
        try await waitUntil(seconds: 30) { FileManager.default.fileExists(atPath: link) }
    }

    /// Stops the emulator (its link goes) and removes its files.
    public func stop() async {
        await stopKeepingLog()
        removeFiles()
    }

    /// Stops the emulator but keeps its log for ``exchanges(withTag:)``; ``removeFiles()`` after.
    public func stopKeepingLog() async {
        process.kill(SIGTERM)
        _ = await process.exit.value
    }

    public func removeFiles() {
        try? FileManager.default.removeItem(at: directory)
    }

    /// The log's lines: each frame the emulator received, and its events (tag_placed, unplugged...).
    public func log() -> [[String: Any]] {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    /// The data bytes (hex, target number first) of every exchange with the `ordinal`th tag
    /// placed: InDataExchange and InCommunicateThru frames while it lay on the reader.
    public func exchanges(withTag ordinal: Int) -> [String] {
        log().filter { ($0["cmd"] as? String).map { ["InDataExchange", "InCommunicateThru"].contains($0) } ?? false }
            .filter { $0["tag"] as? Int == ordinal }
            .compactMap { $0["data"] as? String }
    }

    /// How many times an event (`tag_placed`, `unplugged`, `plugged`...) was logged.
    public func count(event: String) -> Int {
        log().filter { $0["event"] as? String == event }.count
    }
}
