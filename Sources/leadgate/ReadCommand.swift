import ArgumentParser
import ContactFormats
import Foundation
import Leads
import Logging
import Synchronization
import TagReaders

struct ReadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Wait for taps on a reader and print each one.",
        discussion: """
            Prints one line per tap: with --json a JSON object (reader, tag_uid, tag_type, format, \
            records, contacts), else a readable summary. A tag left on the reader counts once.

            If pcscd is not running, read says so and keeps trying until it starts (or until \
            --timeout). A tag pulled away mid-read exits 65 naming the reader and the bytes read: \
            tap again and hold the tag still.

            Examples:
              leadgate read --json
              leadgate read --reader ACR122U --count 5 --timeout 60
              leadgate read --reader nfc:pn532_uart:/dev/ttyUSB0 --json
            """
    )

    @Option(help: "Read only this reader: its exact name, or part of it (any case); nfc:CONNSTRING a libnfc device (nfc:pn532_uart:/dev/ttyUSB0), nfc alone libnfc's default one. Default: every reader.")
    var reader: String?

    @Option(help: "Exit after this many taps.")
    var count = 1

    @Option(help: "Give up after this many seconds (exit 69). Default: wait for ever.")
    var timeout: Double?

    @Flag(help: "Print each tap as one line of JSON.")
    var json = false

    @Option(help: "Region for phone numbers written without a country code (ISO 3166, e.g. DE). Default: from the locale, else US.")
    var region: String?

    @Option(name: .customLong("simulate"), parsing: .singleValue,
            help: ArgumentHelp("Play taps from these tag files or folders instead of a reader (.ndef, .vcf, .url, .txt, .uid).", visibility: .hidden))
    var simulatedFiles: [String] = []

    @Flag(help: ArgumentHelp("Add the tap's command count and timings to the JSON (for Benchmarks/tap-bench.sh).", visibility: .hidden))
    var timings = false

    func validate() throws {
        guard count >= 1 else { throw ValidationError("--count must be at least 1") }
        if let timeout, !(timeout > 0) { throw ValidationError("--timeout must be a positive number of seconds") }
    }

    func run() async throws {
        do {
            try await execute()
        } catch let failure as CommandFailure {
            throw failure.report()
        }
    }

    private enum Outcome: Sendable {
        case done
        case incomplete(reader: String, bytes: Int, error: TagReaderError)
        case timedOut
        case streamEnded
    }

    /// What the wait has seen, for the message when it times out.
    private struct Progress {
        var isServiceDown = false
        var readers: Set<String> = []
        var taps = 0
        var contentIssue: String?
    }

    /// Shared by the task reading the stream and the one that reports the outcome.
    private final class SharedProgress: Sendable {
        let state = Mutex(Progress())

        func withLock<Result>(_ body: (inout Progress) -> Result) -> Result {
            state.withLock { body(&$0) }
        }
    }

    func execute() async throws {
        var logger = Log.logger("leadgate.pcsc")
        // read says in its own words when pcscd is away; the backend's warnings would repeat it.
        if ProcessInfo.processInfo.environment["LEADGATE_LOG_LEVEL"] == nil { logger.logLevel = .error }
        let selection: ReaderSelection = reader.map { .named($0) } ?? .all
        let normalizer = ContactNormalizer(region: region ?? PhoneNumberNormalizer.defaultRegion(environment: ProcessInfo.processInfo.environment))

        let stream: AsyncStream<TagEvent>
        var player: Task<Void, Never>?
        if simulatedFiles.isEmpty {
            let choice = ReaderChoice(reader, logger: logger)
            stream = choice.reader.events(on: choice.selection)
            ReaderShutdownOnSignal.install(hangUp: true)
        } else {
            let tags: [SimulatedTag]
            do { tags = try SimulatedTag.load(simulatedFiles.map { URL(fileURLWithPath: $0) }) } catch {
                throw CommandFailure.dataError("\(error)")
            }
            let backend = SimulatedBackend(logger: logger)
            stream = backend.events(on: selection)
            player = Task {
                try? await backend.play(tags, interval: .milliseconds(20))
                backend.finish()
            }
        }
        defer { player?.cancel() }

        let progress = SharedProgress()
        let (count, json, timings, reader) = (self.count, self.json, self.timings, self.reader)
        let outcome = try await withThrowingTaskGroup(of: Outcome.self) { group in
            group.addTask {
                for await event in stream {
                    if let outcome = Self.handle(event, progress: progress, count: count, json: json, timings: timings,
                                                 reader: reader, normalizer: normalizer) {
                        return outcome
                    }
                }
                return .streamEnded
            }
            if let timeout {
                group.addTask {
                    try await Task.sleep(for: .milliseconds(Int64(timeout * 1000)))
                    return .timedOut
                }
            }
            let first = try await group.next() ?? .streamEnded
            group.cancelAll()
            return first
        }

        if simulatedFiles.isEmpty {
            // Out of libpcsclite before exit: its exit-time destructor frees the contexts under
            // a monitor thread still waiting in SCardGetStatusChange (SIGSEGV, exit 139).
            // And the libnfc devices closed, so the next program can open them.
            await ReaderChoice.shutDown()
            if let signal = ReaderShutdownOnSignal.signal { throw ExitCode(128 + signal) }
        }

        let seen = progress.withLock { $0 }
        switch outcome {
        case .done:
            if let issue = seen.contentIssue { throw CommandFailure.dataError(issue) }
        case .incomplete(let reader, let bytes, let error) where error.code == .tagRemoved:
            throw CommandFailure.dataError("\(reader): incomplete read, the tag left after \(bytes) bytes were read (\(error)); tap again and hold it still")
        case .incomplete(let reader, let bytes, let error):
            throw CommandFailure.dataError("\(reader): incomplete read after \(bytes) bytes: \(error)")
        case .timedOut:
            let seconds = timeout.map { String(format: "%g", $0) } ?? "?"
            if seen.isServiceDown {
                throw CommandFailure.unavailable("pcscd is not running and did not come back within \(seconds) s (start it with: sudo systemctl start pcscd; leadgate doctor checks the rest)")
            }
            if seen.readers.isEmpty {
                let which = self.reader.map { "reader matching \"\($0)\"" } ?? "reader"
                throw CommandFailure.unavailable("no \(which) within \(seconds) s (plug one in; leadgate readers lists them)")
            }
            throw CommandFailure.unavailable("\(seen.taps) of \(count) taps within \(seconds) s on \(seen.readers.sorted().joined(separator: ", "))")
        case .streamEnded:
            throw CommandFailure.unavailable("the tag source ended after \(seen.taps) of \(count) taps")
        }
    }

    /// Reacts to one event; returns an outcome when the command is done.
    private static func handle(_ event: TagEvent, progress: SharedProgress, count: Int, json: Bool,
                               timings: Bool, reader: String?, normalizer: ContactNormalizer) -> Outcome? {
        switch event {
        case .serviceUnavailable(let error):
            let announce = progress.withLock { progress in
                defer { progress.isServiceDown = true }
                return !progress.isServiceDown
            }
            if announce, error.function?.hasPrefix("nfc_") == true {
                Terminal.printWarning("\(error); retrying every 2 s")
            } else if announce {
                Terminal.printWarning("pcscd is not running (\(error.failedCall ?? error.description)); waiting for it to start, retrying")
            }
        case .serviceAvailable:
            let wasDown = progress.withLock { progress in
                defer { progress.isServiceDown = false }
                return progress.isServiceDown
            }
            if wasDown { Terminal.printWarning(ReaderChoice.libNFCConnstring(reader) != nil ? "the libnfc reader is back" : "pcscd is back") }
        case .readerAdded(let name):
            progress.withLock { _ = $0.readers.insert(name) }
        case .readerRemoved(let name):
            progress.withLock { _ = $0.readers.remove(name) }
            // With --reader nfc:..., the backend's own unavailable event says it already.
            if reader == nil, name.hasPrefix("nfc:") {
                Terminal.printWarning("\(name): the reader went away; trying to open it again every 2 s")
            }
        case .tagRemoved:
            break
        case .tap(let tap):
            if tap.interruption?.code == .serviceUnavailable {
                // pcscd went away mid-read: not the tag's fault. The backend reconnects and
                // reads the tag again if it is still there.
                Terminal.printWarning("\(tap.reader): pcscd went away during a read; waiting for it to come back")
                return nil
            }
            let line = TapLine(tap, normalizer: normalizer, includeTimings: timings)
            Terminal.write((json ? line.json() : line.summary) + "\n")
            if let interruption = tap.interruption {
                return .incomplete(reader: tap.reader, bytes: tap.bytesRead.count, error: interruption)
            }
            let done = progress.withLock { progress in
                progress.taps += 1
                if progress.contentIssue == nil, let issue = tap.issues.first {
                    progress.contentIssue = "\(tap.reader): tag \(tap.uidHex): \(issue)"
                }
                return progress.taps >= count
            }
            if done { return .done }
        }
        return nil
    }
}

/// One tap as `leadgate read` prints it.
struct TapLine: Encodable {
    struct Incomplete: Encodable {
        var reason: String
        var bytesRead: Int

        enum CodingKeys: String, CodingKey {
            case reason
            case bytesRead = "bytes_read"
        }
    }

    /// Microseconds from the arrival of the tag, for the benchmark.
    struct Timings: Encodable {
        var totalUs: Int64
        var readerIOUs: Int64
        var ownUs: Int64
        var decodingUs: Int64
        /// From arrival to the normalized contact, reader I/O left out.
        var toContactUs: Int64

        enum CodingKeys: String, CodingKey {
            case totalUs = "total_us", readerIOUs = "reader_io_us", ownUs = "own_us"
            case decodingUs = "decoding_us", toContactUs = "to_contact_us"
        }
    }

    var reader: String
    var tagUID: String
    var tagType: String
    var format: String
    var records: [ParseOutput.Record]
    var contacts: [NormalizedContact]
    var warnings: [String]
    var incomplete: Incomplete?
    var commands: Int?
    var timings: Timings?

    enum CodingKeys: String, CodingKey {
        case reader, format, records, contacts, warnings, incomplete, commands, timings
        case tagUID = "tag_uid", tagType = "tag_type"
    }

    init(_ tap: Tap, normalizer: ContactNormalizer, includeTimings: Bool) {
        reader = tap.reader
        tagUID = tap.uidHex
        tagType = tap.tagType.rawValue
        format = tap.format
        records = tap.content?.records.map(ParseOutput.Record.init) ?? []
        contacts = tap.content?.contacts.map { normalizer.normalize($0.card) } ?? []
        warnings = tap.issues
        if let interruption = tap.interruption {
            incomplete = Incomplete(reason: interruption.description, bytesRead: tap.bytesRead.count)
        }
        if includeTimings {
            let microseconds = { (duration: Duration) -> Int64 in
                duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000
            }
            commands = tap.commandCount
            timings = Timings(totalUs: microseconds(tap.timings.total), readerIOUs: microseconds(tap.timings.readerIO),
                              ownUs: microseconds(tap.timings.own), decodingUs: microseconds(tap.timings.decoding),
                              toContactUs: microseconds(.now - tap.timings.arrival - tap.timings.readerIO))
        }
    }

    func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// `READER  TYPE  UID  what the tag holds`.
    var summary: String {
        var parts = [reader, tagType, tagUID.isEmpty ? "-" : tagUID]
        if let incomplete {
            parts.append("incomplete: \(incomplete.bytesRead) bytes read")
        } else if contacts.isEmpty {
            parts.append(format == "uid" ? "UID only" : "\(records.count) record(s), no contact")
        } else {
            parts.append(contacts.map(Self.describe).joined(separator: "; "))
        }
        return parts.joined(separator: "  ")
    }

    private static func describe(_ contact: NormalizedContact) -> String {
        var words: [String] = []
        if let name = contact.fullName { words.append(name) }
        if let organization = contact.organization { words.append("(\(organization))") }
        if let email = contact.emails.first { words.append("<\(email)>") }
        if let phone = contact.phones.first { words.append(phone.number) }
        if words.isEmpty, let url = contact.urls.first { words.append(url) }
        return words.isEmpty ? "contact with no name" : words.joined(separator: " ")
    }
}
