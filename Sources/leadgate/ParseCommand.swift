import ArgumentParser
import ContactFormats
import Foundation
import Gateway
import Leads
import NDEF

struct ParseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract: "Decode one payload (a tag dump, an NDEF message, a vCard...) and print it as JSON.",
        discussion: """
            Prints one JSON object: the NDEF records found (chunks reassembled) and one contact \
            per card, normalized as a lead's contact (E.164 phones, checked emails).

            Examples:
              leadgate parse jane.vcf
              leadgate parse --format type2 ntag215.bin
              echo 'MECARD:N:Doe,Jane;EMAIL:jane@acme.example;;' | leadgate parse
              leadgate parse --hex - <<< 'D1 01 0D 55 04 61 63 6D 65 2E 65 78 61 6D 70 6C 65'

            Bad input exits 65 with one error line naming the file and byte offset; whatever \
            could be read is still printed.
            """
    )

    @Argument(help: "The file to read, or - for standard input.")
    var path: String = "-"

    @Option(help: "How to read the input: \(PayloadFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: PayloadFormat = .auto

    @Flag(help: "Read the input as hex text (spaces, colons and 0x prefixes allowed).")
    var hex = false

    @Option(help: "Region for phone numbers written without a country code (ISO 3166, e.g. DE). Default: from the locale, else US.")
    var region: String?

    @Flag(help: "Print JSON (the only output format of parse; accepted for symmetry with other commands).")
    var json = false

    @Flag(help: "Indent the JSON. Default: indented on a terminal, one line otherwise.")
    var pretty = false

    mutating func run() throws {
        do {
            try execute()
        } catch let failure as CommandFailure {
            throw failure.report()
        }
    }

    func execute() throws {
        let name = path == "-" ? "stdin" : path
        let normalizer = ContactNormalizer(region: region ?? PhoneNumberNormalizer.defaultRegion(environment: ProcessInfo.processInfo.environment))
        if path != "-", !hex, [.auto, .vcard, .text].contains(format), (InputFile.size(path) ?? .max) <= PayloadDecoder.maximumPayload,
           let pieces = LargeVCardFile.pieces(path) {
            return try executeInPieces(pieces, name: name, normalizer: normalizer)
        }
        let bytes = try InputFile.read(path, hex: hex, limit: PayloadDecoder.maximumPayload)
        let payload: DecodedPayload
        do {
            payload = try PayloadDecoder.decode(bytes, as: format)
        } catch {
            throw CommandFailure.dataError("\(name): \(error)")
        }
        ParseOutput.write(payload, normalizer: normalizer, pretty: pretty || Terminal.stdoutIsTerminal)
        try report(payload.issues, name: name)
    }

    /// A big file of vCards, a piece at a time (`LargeVCardFile`): the output is the same
    /// as the whole file's, but what is held at once is a piece's cards, not the file's
    /// (100,000 cards in a 40 MB file took 260 MB whole).
    func executeInPieces(_ pieces: [Range<Int>], name: String, normalizer: ContactNormalizer) throws {
        var output = ParseOutput.Stream(pretty: pretty || Terminal.stdoutIsTerminal)
        var issues: [PayloadIssue] = []
        for range in pieces {
            let bytes: [UInt8]
            do { bytes = try LargeVCardFile.read(path, range) } catch { throw CommandFailure.dataError(error.description) }
            let payload: DecodedPayload
            do { payload = try PayloadDecoder.decode(bytes, as: .vcard) } catch {
                var issue = error
                issue.offset = issue.offset.map { $0 + range.lowerBound }
                throw CommandFailure.dataError("\(name): \(issue)")
            }
            output.contacts(payload, normalizer: normalizer)
            issues += payload.issues.map { issue in
                var issue = issue
                issue.offset = issue.offset.map { $0 + range.lowerBound }
                return issue
            }
        }
        output.finish(format: "vcard", records: [], issues: issues)
        try report(issues, name: name)
    }

    /// Warnings on stderr, then the first error (exit 65).
    func report(_ issues: [PayloadIssue], name: String) throws {
        // What was cut to keep a card in bounds is a warning: the card was read.
        for warning in issues where warning.isTruncation {
            Terminal.printWarning("\(name): \(warning) (the input's bytes keep all of it)")
        }
        let errors = issues.filter { !$0.isTruncation }
        if let first = errors.first {
            let more = errors.count > 1 ? " (and \(errors.count - 1) more)" : ""
            throw CommandFailure.dataError("\(name): \(first)\(more)")
        }
    }
}

extension PayloadFormat: ExpressibleByArgument {}

/// The JSON `leadgate parse` prints, as DESIGN.md lays it out.
enum ParseOutput {
    struct Record: Encodable {
        var tnf: UInt8
        var type: String
        var id: String
        var payloadSize: Int
        var uri: String?
        var text: String?
        var lang: String?
        var title: String?

        enum CodingKeys: String, CodingKey {
            case tnf, type, id, uri, text, lang, title
            case payloadSize = "payload_size"
        }

        /// The record as JSONEncoder wrote it: keys sorted, absent values left out.
        func write(to w: inout JSONWriter) {
            w.punctuation(0x7B)
            w.key("id", first: true); w.string(id)
            if let lang { w.key("lang"); w.string(lang) }
            w.key("payload_size"); w.int(payloadSize)
            if let text { w.key("text"); w.string(text) }
            w.key("tnf"); w.int(Int(tnf))
            if let title { w.key("title"); w.string(title) }
            w.key("type"); w.string(type)
            if let uri { w.key("uri"); w.string(uri) }
            w.punctuation(0x7D)
        }

        init(_ record: NDEFRecord) {
            tnf = record.tnf.rawValue
            type = record.typeName
            id = String(decoding: record.id, as: UTF8.self)
            payloadSize = record.payload.count
            if record.tnf == .wellKnown {
                if let u = try? record.uri {
                    uri = u
                } else if let t = try? record.text {
                    text = t.text
                    lang = t.language
                } else if let poster = try? record.smartPoster {
                    uri = poster.uri
                    title = poster.titles.first?.text
                }
            }
        }
    }

    /// Contacts normalized and written between flushes of the output.
    static let contactsPerWrite = 1_000

    /// Writes `payload` as JSON and a line end to standard output: keys sorted at the top
    /// level and in records, contacts as in a lead. Written by the leads' own fast writer
    /// (through JSONEncoder, 100,000 cards took three times as long to print as to parse),
    /// each contact normalized just before it is written and the output flushed every
    /// `contactsPerWrite`, so a large file's output is never held whole.
    static func write(_ payload: DecodedPayload, normalizer: ContactNormalizer, pretty: Bool) {
        var output = Stream(pretty: pretty)
        output.contacts(payload, normalizer: normalizer)
        output.finish(format: payload.format, records: payload.records, issues: payload.issues)
    }

    /// The output written as it goes: the contacts of one payload or of several (the
    /// pieces of a big file), then the rest.
    struct Stream: ~Copyable {
        var w = JSONWriter()
        var indent: JSONIndent?
        var written = 0

        init(pretty: Bool) {
            indent = pretty ? JSONIndent() : nil
            w.punctuation(0x7B)
            w.key("contacts", first: true)
            w.punctuation(0x5B)
        }

        mutating func contacts(_ payload: DecodedPayload, normalizer: ContactNormalizer) {
            for index in payload.contacts.indices {
                if written > 0 { w.punctuation(0x2C) }
                w.write(normalizer.normalize(payload.contacts[index].card))
                written += 1
                if written % contactsPerWrite == 0 {
                    flush(&w, &indent)
                }
            }
        }

        mutating func finish(format: String, records: [NDEFRecord], issues: [PayloadIssue]) {
            w.punctuation(0x5D)
            w.key("format")
            w.string(format)
            w.key("records")
            w.punctuation(0x5B)
            for (index, record) in records.enumerated() {
                if index > 0 { w.punctuation(0x2C) }
                Record(record).write(to: &w)
            }
            w.punctuation(0x5D)
            w.key("warnings")
            w.strings(issues.map(\.description))
            w.punctuation(0x7D)
            w.punctuation(0x0A)
            flush(&w, &indent)
        }
    }

    /// Writes out what `w` holds, indented if asked, and empties it.
    static func flush(_ w: inout JSONWriter, _ indent: inout JSONIndent?) {
        w.withBytes { json in
            if indent != nil { indent!.indented(json).withUnsafeBufferPointer { Terminal.writeOut($0) } } else { Terminal.writeOut(json) }
        }
        w.removeAll()
    }
}
