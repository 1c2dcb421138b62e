import ArgumentParser
import ContactFormats
import Foundation
import Gateway
import Leads
import LeadStore

struct QuarantineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quarantine",
        abstract: "Inputs that could not become leads, kept with their bytes and the reason.",
        discussion: """
            Nothing read is thrown away: a torn tag, a malformed vCard or random bytes land \
            here. Fix the parser or the file, then retry.

              leadgate quarantine list
              leadgate quarantine show 0192f3c4
              leadgate quarantine show 0192f3c4 --raw > input.bin
              leadgate quarantine retry 0192f3c4
              leadgate quarantine dismiss 0192f3c4     nothing in it worth keeping
              leadgate quarantine dismiss --resolved   delete the entries already dealt with

            An entry is resolved when a retry makes a lead of it, when the same file later \
            imports cleanly or the same tag is read cleanly, or when it is dismissed; `list` \
            shows only open entries (--all shows them all).
            """,
        subcommands: [List.self, Show.self, Retry.self, Dismiss.self],
        defaultSubcommand: List.self
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List quarantined inputs.")
        @Flag(help: "Include entries already retried into leads.") var all = false
        @Flag(help: "One JSON object per line.") var json = false
        @OptionGroup var storeOptions: StoreOptions

        func run() throws {
            try reportingFailures {
                let store = try storeOptions.openExisting()
                let entries: [QuarantineEntry]
                do { entries = try store.quarantined(includeResolved: all) } catch { throw CommandFailure.storeFailure(error, path: storeOptions.path) }
                if json {
                    Terminal.write(entries.map { entryJSON($0, withRaw: false) + "\n" }.joined())
                    return
                }
                guard !entries.isEmpty else { Terminal.write("quarantine is empty\n"); return }
                let short = (try? store.shortIDs(entries.map(\.id), table: .quarantine)) ?? [:]
                var out = ""
                for e in entries {
                    let at = e.byteOffset.map { " at byte \($0)" } ?? ""
                    let state = e.resolvedAt == nil ? "" : e.leadID.map { " [retried -> \($0.prefix(8))]" } ?? " [resolved]"
                    out += "\(short[e.id] ?? e.id)  \(e.origin)\(at): \(e.reason) (\(e.size) bytes)\(state)\n"
                }
                out += "\(entries.count) entr\(entries.count == 1 ? "y" : "ies")\n"
                Terminal.write(out)
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one entry, its reason and its bytes.")
        @Argument(help: "The entry's id, or the first 4+ characters of it.") var id: String
        @Flag(help: "Write only the raw bytes to standard output.") var raw = false
        @Flag(help: "Print as JSON, bytes in base64.") var json = false
        @OptionGroup var storeOptions: StoreOptions

        func run() throws {
            try reportingFailures {
                let store = try storeOptions.openExisting()
                let entry: QuarantineEntry
                do { entry = try store.quarantined(id) } catch { throw CommandFailure.storeFailure(error, path: storeOptions.path) }
                if raw { entry.raw.withUnsafeBufferPointer { Terminal.writeOut($0) }; return }
                if json { Terminal.write(entryJSON(entry, withRaw: true) + "\n"); return }
                var out = """
                    id:        \(entry.id)
                    received:  \(Timestamp.format(entry.receivedAt))
                    from:      \(entry.origin)\(entry.byteOffset.map { " (byte \($0))" } ?? "")
                    reason:    \(entry.reason)
                    event/rep: \(entry.event ?? "-") / \(entry.rep ?? "-")
                    bytes:     \(entry.size)\n
                    """
                out += HexDump.render(Array(entry.raw.prefix(512)))
                if entry.size > 512 { out += "... (\(entry.size - 512) more bytes; --raw writes them all)\n" }
                Terminal.write(out)
            }
        }
    }

    struct Retry: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read a quarantined input again and import what it now yields.")
        @Argument(help: "The entry's id, or the first 4+ characters of it.") var id: String
        @Option(help: "How to read it (default: auto): \(PayloadFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
        var format: PayloadFormat = .auto
        @Option(help: "Event for the lead (default: the one the input came in with).") var event: String?
        @Option(help: "Rep for the lead (default: the one the input came in with).") var rep: String?
        @Option(help: "Region for phone numbers without a country code.") var region: String?
        @OptionGroup var storeOptions: StoreOptions

        func run() throws {
            try reportingFailures {
                let store = try storeOptions.openExisting()
                let entry: QuarantineEntry
                do { entry = try store.quarantined(id) } catch { throw CommandFailure.storeFailure(error, path: storeOptions.path) }
                guard let given = event ?? entry.event, let rep = rep ?? entry.rep else {
                    throw CommandFailure.usage("the entry has no event or rep: give --event and --rep")
                }
                let (event, notice) = EventSpelling.resolve(given, in: store)
                if let notice { Terminal.printWarning(notice) }
                let normalizer = ContactNormalizer(region: region ?? PhoneNumberNormalizer.defaultRegion(environment: ProcessInfo.processInfo.environment))
                let builder = CaptureBuilder(event: event, rep: rep, policy: LeadPolicy(), normalizer: normalizer)
                let payload: DecodedPayload
                do { payload = try PayloadDecoder.decode(entry.raw, as: format) } catch {
                    throw CommandFailure.dataError("\(entry.id.prefix(8)): still cannot be read: \(error)")
                }
                let result = builder.candidates(from: payload, whole: entry.raw, origin: entry.origin, channel: .import, file: entry.origin)
                if let reject = result.rejects.first {
                    throw CommandFailure.dataError("\(entry.id.prefix(8)): still rejected: \(reject.reason)")
                }
                do {
                    let outcomes = try store.capture(result.candidates)
                    try store.resolveQuarantine(entry.id, leadID: outcomes.first?.leadID)
                    Terminal.write("retried \(entry.id.prefix(8)): \(outcomes.count) lead(s): \(outcomes.map { String($0.leadID.prefix(8)) }.joined(separator: ", "))\n")
                } catch { throw CommandFailure.storeFailure(error, path: storeOptions.path) }
            }
        }
    }
}

extension QuarantineCommand {
    struct Dismiss: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mark entries dealt with, or delete the ones already resolved.",
            discussion: """
                With ids: each entry is marked resolved and leaves `list` (`list --all` still \
                shows it, bytes and all). With --resolved: every resolved entry is deleted \
                with its bytes (retried into a lead, imported again cleanly, or dismissed).
                """)
        @Argument(help: "Entry ids, or the first 4+ characters of each.") var ids: [String] = []
        @Flag(help: "Delete every entry already resolved.") var resolved = false
        @OptionGroup var storeOptions: StoreOptions

        func validate() throws {
            guard ids.isEmpty != !resolved else { throw ValidationError("give entry ids or --resolved (not both)") }
        }

        func run() throws {
            try reportingFailures {
                let store = try storeOptions.openExisting()
                do {
                    if resolved {
                        let count = try store.deleteResolvedQuarantine()
                        Terminal.write("deleted \(count) resolved entr\(count == 1 ? "y" : "ies")\n")
                        return
                    }
                    for id in ids {
                        let entry = try store.dismissQuarantine(id)
                        Terminal.write("dismissed \(entry.id.prefix(8)): \(entry.origin): \(entry.reason)\n")
                    }
                } catch { throw CommandFailure.storeFailure(error, path: storeOptions.path) }
            }
        }
    }
}

func entryJSON(_ e: QuarantineEntry, withRaw: Bool) -> String {
    var object: [String: Any] = [
        "id": e.id, "received_at": Timestamp.format(e.receivedAt), "origin": e.origin, "reason": e.reason,
        "size": e.size, "event": e.event ?? NSNull(), "rep": e.rep ?? NSNull(),
        "byte_offset": e.byteOffset ?? NSNull(), "resolved_at": e.resolvedAt.map(Timestamp.format) ?? NSNull(),
        "lead_id": e.leadID ?? NSNull(), "media_type": e.mediaType ?? NSNull(),
    ]
    if withRaw { object["raw_base64"] = Data(e.raw).base64EncodedString() }
    let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
    return String(decoding: data, as: UTF8.self)
}

/// `hexdump -C` style lines for showing bytes on a terminal.
enum HexDump {
    static func render(_ bytes: [UInt8]) -> String {
        var out = ""
        for start in stride(from: 0, to: bytes.count, by: 16) {
            let row = bytes[start..<min(start + 16, bytes.count)]
            let hex = row.map { String(format: "%02x", $0) }.joined(separator: " ")
            let text = String(row.map { $0 >= 0x20 && $0 < 0x7F ? Character(UnicodeScalar($0)) : "." })
            out += String(format: "%08x  ", start) + hex.padding(toLength: 48, withPad: " ", startingAt: 0) + "  |\(text)|\n"
        }
        return out
    }
}
