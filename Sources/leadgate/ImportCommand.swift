import ArgumentParser
import Foundation
import Gateway
import LeadStore

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import card files and folders (.vcf, .txt, .ndef) as leads.",
        discussion: """
            Folders are read recursively. Each file may hold any number of vCards (2.1, 3.0, \
            4.0), a MECARD or BIZCARD, or a binary NDEF message; - reads standard input.

            Running the same import again adds nothing. The same person twice at one event \
            becomes one lead with both captures. Inputs that cannot become a lead (a torn \
            card, random bytes) are kept in the quarantine with the reason: see \
            `leadgate quarantine list`. Exit 65 when anything was rejected; the rest is \
            imported all the same.

            Example:
              leadgate import ~/Scans/rsa --event "RSA 2026" --rep alice
            """
    )

    @Argument(help: "Files and folders to import; - for standard input.")
    var paths: [String]

    @OptionGroup var capture: CaptureOptions
    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup(title: "Profile links") var links: ProfileLinkOptions

    @Flag(help: "Print the summary as JSON.")
    var json = false

    @Option(help: ArgumentHelp("Leads per commit. A crash (power cut, kill) loses at most this many, and running the same import again adds them.", valueName: "n"))
    var commitEvery = ImportJob.defaultCommitEvery

    @Option(help: .hidden)
    var workers: Int?

    func validate() throws {
        guard commitEvery >= 1 else { throw ValidationError("--commit-every must be 1 or more") }
    }

    func run() throws {
        try reportingFailures {
            let (inputs, skipped) = try expandInputs()
            let store = try storeOptions.open()
            let capture = capture.matchingStoredEvent(in: store).options
            store.actor = capture.rep
            let job = ImportJob(builder: capture.builder, store: store, logger: Log.logger("leadgate.import"),
                                workers: workers ?? ProcessInfo.processInfo.activeProcessorCount, commitEvery: commitEvery)
            let meter = ProgressMeter(total: inputs.count, enabled: !json || Terminal.stderrIsTerminal)
            let started = Date()
            let summary: ImportSummary
            do {
                summary = try job.run(inputs, standardInput: { [UInt8](FileHandle.standardInput.readDataToEndOfFile()) },
                                      progress: meter.update)
            } catch {
                meter.finish()
                throw CommandFailure.storeFailure(error, path: storeOptions.path)
            }
            meter.finish()
            for warning in summary.warnings {
                let at = warning.byteOffset.map { " at byte \($0)" } ?? ""
                Terminal.writeError("leadgate: warning: \(warning.origin)\(at): \(warning.reason) (imported; its bytes are in the quarantine)\n")
            }
            print(summary, skipped: skipped)
            do {
                _ = try links.resolveImported(store: store, event: capture.event, since: started, normalizer: capture.normalizer)
            } catch {
                throw CommandFailure.storeFailure(error, path: storeOptions.path)
            }
            if !summary.rejected.isEmpty {
                throw CommandFailure.dataError("\(summary.rejected.count) input(s) rejected and kept in the quarantine (leadgate quarantine list)")
            }
        }
    }

    /// The inputs and the files skipped; symbolic links not followed, and folders that
    /// hold nothing to read, are said on stderr (never a silent "0 file(s)").
    func expandInputs() throws(CommandFailure) -> ([ImportJob.Input], [String]) {
        let expansion: ImportJob.Expansion
        do { expansion = try ImportJob.expansion(of: paths) } catch { throw CommandFailure.dataError(error.description) }
        for note in expansion.notes { Terminal.printWarning(note) }
        if expansion.inputs.isEmpty {
            let why = expansion.skipped.isEmpty
                ? "" : " (\(expansion.skipped.count) file(s) of other kinds skipped: name them explicitly to read them)"
            Terminal.printWarning("\(paths.joined(separator: ", ")): no .vcf, .vcard, .txt, .ndef or .bin file found\(why)")
        }
        return (expansion.inputs, expansion.skipped)
    }

    func print(_ summary: ImportSummary, skipped: [String]) {
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            var object = (try? JSONSerialization.jsonObject(with: encoder.encode(summary))) as? [String: Any] ?? [:]
            object["skipped_files"] = skipped
            object["store"] = storeOptions.path
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
            Terminal.write(String(decoding: data, as: UTF8.self) + "\n")
            return
        }
        var text = """
            imported \(summary.imported) new lead(s) from \(summary.files) file(s) into \(storeOptions.path)
              merged as duplicates: \(summary.merged)
              already imported:     \(summary.alreadyImported)
              rejected:             \(summary.rejected.count)\n
            """
        for rejection in summary.rejected {
            let at = rejection.byteOffset.map { " at byte \($0)" } ?? ""
            text += "  rejected \(rejection.origin)\(at): \(rejection.reason)\n"
        }
        if !skipped.isEmpty {
            text += "  skipped \(skipped.count) file(s) that are not .vcf, .vcard, .txt, .ndef or .bin (name them explicitly to read them)\n"
        }
        Terminal.write(text)
    }
}

/// Progress on stderr: a bar redrawn in place on a terminal, a line every few seconds otherwise.
final class ProgressMeter {
    let total: Int
    let enabled: Bool
    let isTerminal = Terminal.stderrIsTerminal
    var lastDraw = Date.distantPast
    var drewBar = false

    init(total: Int, enabled: Bool) {
        self.total = total
        self.enabled = enabled && total > 1
    }

    func update(_ progress: ImportJob.Progress) {
        guard enabled else { return }
        let now = Date()
        let interval: TimeInterval = isTerminal ? 0.1 : 5
        guard now.timeIntervalSince(lastDraw) >= interval || progress.filesDone == total else { return }
        lastDraw = now
        let s = progress.summary
        let counts = "\(progress.filesDone)/\(total) files  \(s.imported) new  \(s.merged) merged  \(s.rejected.count) rejected"
        if isTerminal {
            let width = 30
            let filled = total == 0 ? width : width * progress.filesDone / total
            let bar = String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled)
            Terminal.writeError("\r\u{1B}[K[\(bar)] \(counts)")
            drewBar = true
        } else {
            Terminal.writeError("import: \(counts)\n")
        }
    }

    func finish() {
        if drewBar { Terminal.writeError("\r\u{1B}[K") }
    }
}
