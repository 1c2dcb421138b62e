import ArgumentParser
import ContactFormats
import Foundation
import Gateway
import Leads

/// Speed measurements the issues set targets for. Timings are medians of several runs;
/// compare them only with a reference measured in the same run (see Benchmarks/).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure parsing speed (see Benchmarks/ for the scripts that compare with references).",
        subcommands: [BenchParse.self, BenchDecode.self, BenchRoster.self]
    )
}

/// What every timed bench takes: how many runs, and the phone numbers' default region.
struct BenchTiming: ParsableArguments {
    @Option(help: "Timed runs; the median is reported.")
    var runs = 5

    @Option(help: "Region for phone numbers without a country code.")
    var region = "US"
}

struct BenchParse: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract: "Parse and normalize every vCard in FILE on one thread; print the median time."
    )

    @Argument(help: "A file of vCards (Benchmarks/make_cards.py writes one).")
    var file: String

    @OptionGroup var timing: BenchTiming

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    @Flag(name: .customLong("parse-only"), help: "Parse only; skip normalization (to profile the parser alone).")
    var skipNormalize = false

    func run() throws {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw CommandFailure.dataError("\(file): cannot be read").report()
        }
        let bytes = [UInt8](data)
        var parseTimes: [Double] = []
        var total: [Double] = []
        var cards = 0, phones = 0, withE164 = 0
        for _ in 0..<max(1, timing.runs) {
            // Each run starts cold: the shared E.164 cache would otherwise hand later runs the
            // numbers converted by earlier ones, timing look-ups rather than 100,000 cards.
            let normalizer = ContactNormalizer(phoneNumbers: .withPrivateCache(region: timing.region))
            let start = ContinuousClock.now
            let result = try VCardParser().parse(bytes)
            let parsed = ContinuousClock.now
            phones = 0; withE164 = 0
            // By index: `for entry in` would copy (retain and release) every card first.
            for index in result.cards.indices where !skipNormalize {
                let contact = normalizer.normalize(result.cards[index].card)
                phones += contact.phones.count
                withE164 += contact.phones.lazy.filter { $0.e164 != nil }.count
            }
            let end = ContinuousClock.now
            cards = result.cards.count
            parseTimes.append((parsed - start).seconds)
            total.append((end - start).seconds)
        }
        let medianTotal = total.sorted()[total.count / 2]
        let medianParse = parseTimes.sorted()[parseTimes.count / 2]
        if json {
            let object: [String: Any] = [
                "cards": cards, "bytes": bytes.count, "runs": total.count,
                "median_seconds": medianTotal, "median_parse_seconds": medianParse,
                "cards_per_second": Double(cards) / medianTotal, "phones": phones, "phones_with_e164": withE164,
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            Terminal.write(String(decoding: data, as: UTF8.self) + "\n")
        } else {
            Terminal.write("""
                leadgate cards=\(cards) median_s=\(String(format: "%.4f", medianTotal)) \
                parse_only_s=\(String(format: "%.4f", medianParse)) \
                cards_per_s=\(Int(Double(cards) / medianTotal)) phones=\(phones) e164=\(withE164)\n
                """)
        }
    }
}

struct BenchDecode: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Run an import's decode stage on PATH on one thread, storing nothing; print the median time.",
        discussion: """
            Reads, parses and normalizes every card file under PATH and prepares each lead's \
            JSON and row values, as an import's decode workers do, but stores nothing: the \
            difference from `leadgate import` is the store's share. Profile it with perf.
            """
    )

    @Argument(help: "A card file or a folder of them (Benchmarks/make_cards.py writes one).")
    var path: String

    @OptionGroup var timing: BenchTiming

    func run() throws {
        let inputs: [ImportJob.Input]
        do { inputs = try ImportJob.expand([path]).inputs } catch { throw CommandFailure.usage(error.description).report() }
        var times: [Double] = []
        var made = (captures: 0, rejects: 0)
        for _ in 0..<max(1, timing.runs) {
            // A cold E.164 cache each run, as a new import process has.
            let builder = CaptureBuilder(event: "Bench", rep: "bench", policy: LeadPolicy(),
                                         normalizer: ContactNormalizer(phoneNumbers: .withPrivateCache(region: timing.region)))
            let start = ContinuousClock.now
            made = ImportJob.decodeOnly(inputs, builder: builder)
            times.append((ContinuousClock.now - start).seconds)
        }
        let median = times.sorted()[times.count / 2]
        Terminal.write("""
            leadgate decode files=\(inputs.count) captures=\(made.captures) rejects=\(made.rejects) \
            median_s=\(String(format: "%.4f", median)) runs=\(times.map { String(format: "%.3f", $0) })\n
            """)
    }
}

extension Duration {
    var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) / 1e18
    }
}
