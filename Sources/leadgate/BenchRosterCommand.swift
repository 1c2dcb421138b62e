import ArgumentParser
import Foundation
import Gateway
import Leads
import LeadStore

/// Roster lookup at capture, timed against the capture it rides on.
struct BenchRoster: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roster",
        abstract: "Time roster lookups (as a tap makes them) in STORE's roster of EVENT; print the median per lookup.",
        discussion: """
            Takes --lookups keys from the event's roster (UIDs and codes, a tenth of them \
            unknown), and times the whole lookup a tap makes: the keys from the tag's UID and \
            an NDEF URL record, the indexed lookups, the attendee's contact normalized. As the \
            same-run reference it times UID-only tap captures into a copy of the store (each \
            committed and fsync'd, as booth does).
            """
    )

    @Option(help: "The store holding the roster (leadgate roster import).") var store: String
    @Option(help: "The event.") var event: String
    @Option(help: "Lookups per run.") var lookups = 10_000
    @Option(help: "Captures for the reference.") var captures = 200
    @OptionGroup var timing: BenchTiming

    func run() throws {
        try reportingFailures {
            let leadStore: LeadStore
            do { leadStore = try LeadStore(path: store, logger: Log.logger("leadgate.bench")) } catch {
                throw CommandFailure.storeFailure(error, path: store)
            }
            let entries = try leadStore.rosterEntries(event: event)
            guard !entries.isEmpty else { throw CommandFailure.dataError("no roster for \(event) in \(store)") }
            var generator = SystemRandomNumberGenerator()
            // Each probe is a tap: a UID, or a URL record with a code, or (one in ten) an unknown UID.
            var probes: [(uid: String, raw: RawPayload)] = []
            for index in 0..<lookups {
                let entry = entries[Int.random(in: 0..<entries.count, using: &generator)]
                let empty = RawPayload(mediaType: "application/octet-stream", bytes: [])
                if index % 10 == 9 {
                    probes.append((String(format: "04%012X", UInt64.random(in: 0..<(1 << 48), using: &generator)), empty))
                } else if let code = entry.keys.first(where: { $0.kind == .code }), index % 2 == 0 {
                    let url = "https://example.com/badge?code=\(code.value)"
                    probes.append(("04FFFFFFFFFFFF", RawPayload(mediaType: "application/vnd.nfc.ndef", bytes: Self.uriMessage(url))))
                } else if let uid = entry.keys.first(where: { $0.kind == .uid }) {
                    probes.append((uid.value, empty))
                }
            }
            let resolver = RosterResolver(store: leadStore, event: event, normalizer: ContactNormalizer(region: timing.region))
            var perLookup: [Double] = []
            var found = 0
            for _ in 0..<max(1, timing.runs) {
                found = 0
                let start = ContinuousClock.now
                for probe in probes {
                    if try resolver.match(tagUIDs: [probe.uid], raws: [probe.raw], contact: NormalizedContact()) != nil { found += 1 }
                }
                perLookup.append((ContinuousClock.now - start).seconds / Double(probes.count))
            }
            let captureMedian = try Self.captureMedian(count: captures)
            let lookup = perLookup.sorted()[perLookup.count / 2]
            Terminal.write(String(format: "leadgate roster lookup attendees=%d lookups=%d found=%d median_us=%.2f runs_us=%@ capture_median_us=%.1f ratio=%.4f\n",
                                  entries.count, probes.count, found, lookup * 1e6,
                                  perLookup.map { String(format: "%.2f", $0 * 1e6) }.joined(separator: ","),
                                  captureMedian * 1e6, lookup / captureMedian))
        }
    }

    /// An NDEF message of one URI record (prefix code 0: the URL as written).
    static func uriMessage(_ url: String) -> [UInt8] {
        let payload = [UInt8(0)] + Array(url.utf8)
        return [0xD1, 0x01, UInt8(payload.count), UInt8(ascii: "U")] + payload
    }

    /// The median time of one UID-only tap capture (committed, fsync'd) in a new store.
    static func captureMedian(count: Int) throws -> Double {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("leadgate-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try LeadStore(path: folder.appendingPathComponent("leads.sqlite").path, logger: Log.logger("leadgate.bench"))
        var times: [Double] = []
        for index in 0..<max(1, count) {
            let uid = String(format: "04%012X", index)
            let source = LeadSource(channel: .tap, reader: "bench", tagUID: uid, tagType: "mifare_classic_1k", format: "uid")
            let candidate = LeadCandidate.make(contact: NormalizedContact(), raw: RawPayload(mediaType: "application/octet-stream", bytes: []),
                                               source: source, event: "Bench", rep: "bench", policy: LeadPolicy())
            let start = ContinuousClock.now
            _ = try store.capture(candidate)
            times.append((ContinuousClock.now - start).seconds)
        }
        return times.sorted()[times.count / 2]
    }
}
