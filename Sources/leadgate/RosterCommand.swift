import ArgumentParser
import Foundation
import Gateway
import Leads
import LeadStore

struct RosterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roster",
        abstract: "The organizer's attendee list: badges and codes become people.",
        discussion: """
            Import the attendee export of an event (Eventbrite, pretix, Cvent or any CSV with \
            a header line). A badge that holds only its UID, or a tag that carries a \
            registration code (https://example.com/badge?code=XK42, or just XK42), then \
            becomes a lead with the attendee's name, email and company; the lead's \
            source.matched says which key found them (uid, code or email).

            Leads captured before the roster was there are enriched when it is imported, \
            each as a change that the forwarder delivers to the shared store.

            Examples:
              leadgate roster import attendees.csv --event "RSA 2026"
              leadgate roster import export.csv --event "RSA 2026" --map "Reg ID=code" --map "NFC=uid"
              leadgate roster list
              leadgate roster show --event "RSA 2026" --limit 20
              leadgate roster purge --event "RSA 2026"
            """,
        subcommands: [RosterImport.self, RosterList.self, RosterShow.self, RosterPurge.self]
    )
}

struct RosterImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Load an event's attendee list from a CSV export (replacing the event's roster).",
        discussion: """
            Recognised headers: Eventbrite (First Name, Last Name, Email, Company, Job Title, \
            Barcode #, Attendee #), pretix (Order code, Attendee name, E-mail, Company, \
            Secret), Cvent-style (First Name, Last Name, Email Address, Company Name, Title, \
            Confirmation Number) and generic ones (name, email, company, title, phone, uid, \
            code). Columns , or ; separated, UTF-8 with or without a byte order mark.

            Keys that find an attendee: the badge UID (hex in any case, with or without \
            colons), every code column (barcode, registration, ticket secret) and the email. \
            The import prints which column it took as what, and asks nothing; name any other \
            column with --map COLUMN=FIELD, where FIELD is uid, code, email, name, \
            first_name, last_name, company, title, phone or ignore.

            Rows that cannot be used (no key, a UID that is not hex, an email that is not \
            one, more fields than the header) are named by line on stderr and the rest is \
            stored; the exit status is then 65.
            """
    )

    @Argument(help: "The attendee export (CSV).") var file: String
    @Option(help: "The event the roster is for, as booth and import name it.") var event: String
    @Option(help: ArgumentHelp("Take a column as a field: \"Reg ID=code\". Repeatable.", valueName: "column=field"))
    var map: [String] = []
    @Flag(help: "Add to the event's roster instead of replacing it.") var append = false
    @Option(help: "Region for the roster's phone numbers without a country code (ISO 3166). Default: from the locale, else US.")
    var region: String?
    @Flag(help: "Print the result as JSON.") var json = false
    @Flag(help: ArgumentHelp("Print the time of each step on stderr (for Benchmarks/roster-bench.sh).", visibility: .hidden))
    var timings = false
    @OptionGroup var storeOptions: StoreOptions

    static let maximumFileSize = 512 << 20

    func validate() throws {
        guard !event.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--event must not be empty") }
        for value in map {
            if case .failure(let error) = RosterFile.parseMapping(value) { throw ValidationError(error.description) }
        }
        if let region, !PhoneNumberNormalizer.isSupported(region: region.uppercased()) {
            throw ValidationError("--region \(region): not a region libphonenumber knows (use an ISO 3166 code such as US, DE, GB)")
        }
    }

    func run() throws {
        try reportingFailures {
            let clock = ContinuousClock()
            let start = clock.now
            let bytes = try InputFile.read(file, hex: false, limit: Self.maximumFileSize)
            let overrides = map.compactMap { try? RosterFile.parseMapping($0).get() }
            // The file is read on a thread of its own, handing attendees over in batches that
            // the store takes as they come: reading and storing 100,000 rows overlap (0.7 s
            // and 1.6 s one after the other).
            let handoff = RosterHandoff()
            let reader = Thread {
                let began = clock.now
                let result = Result { () throws(ImportError) in
                    try RosterFile.read(csv: bytes, overrides: overrides, header: { handoff.columns($0) }, batch: { handoff.put($0) })
                }
                handoff.finish(result, took: clock.now - began)
            }
            reader.stackSize = 8 << 20
            reader.start()
            guard let columns = handoff.waitForColumns() else {
                if case .failure(let error) = handoff.waitForEnd().result { throw CommandFailure.dataError("\(file): \(error)") }
                throw CommandFailure.dataError("\(file): no header line")
            }
            let store = try storeOptions.open()
            let stored: (stored: Int, replaced: Int)
            let enriched: [Lead]
            let region = region?.uppercased() ?? PhoneNumberNormalizer.defaultRegion(environment: ProcessInfo.processInfo.environment)
            let resolver = RosterResolver(store: store, event: event, normalizer: ContactNormalizer(region: region))
            let storedAt: ContinuousClock.Instant
            do {
                // As a bulk load: alone on the store, the rows go to the file once instead of
                // to the WAL and again at a checkpoint.
                stored = try store.bulkLoad { () throws(StoreError) in
                    try store.storeRoster(event: event, file: URL(fileURLWithPath: file).lastPathComponent, shape: columns.shape,
                                          append: append, batches: { handoff.take() })
                }
                storedAt = clock.now
                enriched = try resolver.enrichUnresolved()
            } catch {
                handoff.cancel()
                throw CommandFailure.storeFailure(error, path: storeOptions.path)
            }
            let end = handoff.waitForEnd()
            let roster: RosterFile
            switch end.result {
            case .success(let read): roster = read
            case .failure(let error): throw CommandFailure.dataError("\(file): \(error)")
            }
            if timings {
                Terminal.writeError(String(format: "roster timings: parse_s=%.4f store_s=%.4f enrich_s=%.4f total_s=%.4f\n",
                                           end.took.seconds, (storedAt - start).seconds,
                                           (clock.now - storedAt).seconds, (clock.now - start).seconds))
            }
            report(roster, stored: stored, enriched: enriched.count)
            for rejected in roster.rejected.prefix(Self.rejectLinesShown) {
                Terminal.printError("\(file) line \(rejected.line): \(rejected.reason)")
            }
            if roster.rejected.count > Self.rejectLinesShown {
                Terminal.printError("\(file): \(roster.rejected.count - Self.rejectLinesShown) more row(s) rejected")
            }
            if !roster.rejected.isEmpty {
                throw CommandFailure.dataError("\(file): \(roster.rejected.count) row(s) rejected, \(stored.stored) attendee(s) stored")
            }
        }
    }

    static let rejectLinesShown = 50

    func report(_ roster: RosterFile, stored: (stored: Int, replaced: Int), enriched: Int) {
        if json {
            let object: [String: Any] = [
                "event": event, "file": file, "shape": roster.shape,
                "columns": roster.columns.map { ["column": $0.header, "field": $0.field.rawValue] },
                "stored": stored.stored, "replaced": stored.replaced, "rejected": roster.rejected.count,
                "rejected_lines": roster.rejected.map(\.line), "enriched": enriched, "store": storeOptions.path,
            ]
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
            Terminal.write(String(decoding: data, as: UTF8.self) + "\n")
            return
        }
        let shapes = ["eventbrite": "an Eventbrite export", "pretix": "a pretix export", "cvent": "a Cvent-style export",
                      "generic": "a generic attendee list", "mapped": "an attendee list with --map"]
        var out = "\(file): read as \(shapes[roster.shape] ?? roster.shape)\n"
        let width = min(32, roster.columns.map(\.header.count).max() ?? 0)
        for column in roster.columns {
            let name = column.header.padding(toLength: max(width, column.header.count), withPad: " ", startingAt: 0)
            out += "  \(name)  \(column.field == .ignore ? "(ignored)" : "-> " + column.field.rawValue)\n"
        }
        out += "stored \(stored.stored) attendee(s) for \(event)"
        out += stored.replaced > 0 ? " (replacing \(stored.replaced))" : ""
        out += roster.rejected.isEmpty ? "\n" : "; \(roster.rejected.count) row(s) rejected\n"
        out += "enriched \(enriched) lead(s) already captured at \(event)\n"
        Terminal.write(out)
    }
}

struct RosterList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "The events with a roster, and how many attendees each has.")

    @Flag(help: "Print one JSON object per event.") var json = false
    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        try reportingFailures {
            let store = try storeOptions.open()
            let rosters: [RosterSummary]
            do { rosters = try store.rosters() } catch { throw CommandFailure.storeFailure(error, path: storeOptions.path) }
            if json {
                var out = ""
                for r in rosters {
                    let object: [String: Any] = ["event": r.event, "file": r.file, "shape": r.shape,
                                                 "imported_at": Timestamp.format(r.importedAt), "attendees": r.attendees]
                    let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
                    out += String(decoding: data, as: UTF8.self) + "\n"
                }
                Terminal.write(out)
                return
            }
            guard !rosters.isEmpty else {
                Terminal.write("no rosters (leadgate roster import FILE.csv --event E)\n")
                return
            }
            var out = ""
            for r in rosters {
                out += "\(r.event)  \(r.attendees) attendee(s)  from \(r.file) (\(r.shape))  imported \(Timestamp.format(r.importedAt))\n"
            }
            Terminal.write(out)
        }
    }
}

struct RosterShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "An event's attendees and the keys that find them.")

    @Option(help: "The event.") var event: String
    @Option(help: "Show at most this many.") var limit: Int?
    @Flag(help: "Print one JSON object per attendee.") var json = false
    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        try reportingFailures {
            let store = try storeOptions.open()
            let entries: [RosterEntry]
            do { entries = try store.rosterEntries(event: event, limit: limit) } catch {
                throw CommandFailure.storeFailure(error, path: storeOptions.path)
            }
            guard !entries.isEmpty || json else {
                throw CommandFailure.dataError("no roster for \(event) (leadgate roster list shows the events that have one)")
            }
            var out = ""
            for e in entries {
                if json {
                    let object: [String: Any] = [
                        "line": e.line, "full_name": e.fullName ?? NSNull(), "given_name": e.givenName ?? NSNull(),
                        "family_name": e.familyName ?? NSNull(), "organization": e.organization ?? NSNull(),
                        "title": e.title ?? NSNull(), "email": e.email ?? NSNull(), "phone": e.phone ?? NSNull(),
                        "keys": e.keys.map { ["kind": $0.kind.rawValue, "value": $0.value] },
                    ]
                    let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
                    out += String(decoding: data, as: UTF8.self) + "\n"
                } else {
                    let who = [e.fullName, e.organization].compactMap { $0 }.joined(separator: ", ")
                    out += "line \(e.line)  \(who.isEmpty ? "-" : who)  \(e.keys.map { "\($0.kind.rawValue):\($0.value)" }.joined(separator: " "))\n"
                }
            }
            Terminal.write(out)
        }
    }
}

struct RosterPurge: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract: "Delete an event's roster (personal data) from the local store.",
        discussion: "Leads keep what they already took from it."
    )

    @Option(help: "The event.") var event: String
    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        try reportingFailures {
            let store = try storeOptions.open()
            let removed: Int
            do { removed = try store.purgeRoster(event: event) } catch { throw CommandFailure.storeFailure(error, path: storeOptions.path) }
            Terminal.write("removed \(removed) attendee(s) of \(event)\n")
        }
    }
}

/// Attendees handed from the thread reading a roster file to the one storing them: the
/// file's columns first, then batches (at most `capacity` waiting, so memory stays bounded),
/// then the end of the read. `@unchecked Sendable`: all state is under `condition`'s lock.
final class RosterHandoff: @unchecked Sendable {
    private let condition = NSCondition()
    private var header: RosterFile?
    private var batches: [[RosterEntry]] = []
    private var ended: (result: Result<RosterFile, ImportError>, took: Duration)?
    private var cancelled = false
    private let capacity: Int

    init(capacity: Int = 8) { self.capacity = capacity }

    func columns(_ roster: RosterFile) {
        condition.lock()
        header = roster
        condition.broadcast()
        condition.unlock()
    }

    /// Waits while `capacity` batches wait already (unless the store gave up).
    func put(_ batch: [RosterEntry]) {
        condition.lock()
        while batches.count >= capacity && !cancelled { condition.wait() }
        if !cancelled { batches.append(batch) }
        condition.broadcast()
        condition.unlock()
    }

    func finish(_ result: Result<RosterFile, ImportError>, took: Duration) {
        condition.lock()
        ended = (result, took)
        condition.broadcast()
        condition.unlock()
    }

    /// The file's columns, or nil if the read ended without them (an empty file, no key column).
    func waitForColumns() -> RosterFile? {
        condition.lock()
        defer { condition.unlock() }
        while header == nil && ended == nil { condition.wait() }
        return header
    }

    /// The next batch, or nil once the read has ended and every batch was taken.
    func take() -> [RosterEntry]? {
        condition.lock()
        defer { condition.unlock() }
        while batches.isEmpty && ended == nil { condition.wait() }
        guard !batches.isEmpty else { return nil }
        condition.broadcast()
        return batches.removeFirst()
    }

    /// The store failed: the reader's batches are dropped and it is not held up.
    func cancel() {
        condition.lock()
        cancelled = true
        batches = []
        condition.broadcast()
        condition.unlock()
    }

    func waitForEnd() -> (result: Result<RosterFile, ImportError>, took: Duration) {
        condition.lock()
        defer { condition.unlock() }
        while ended == nil { condition.wait() }
        return ended!
    }
}
