import Foundation
import Leads

/// An organizer's attendee export read as a roster: which column is which, the attendees,
/// and the rows that could not be used (by line). Pure: the caller reads the file and
/// stores the result.
public struct RosterFile: Sendable {
    /// What a column holds.
    public enum Field: String, Sendable, Hashable, CaseIterable {
        case uid, code, email, name
        case givenName = "first_name"
        case familyName = "last_name"
        case company, title, phone, ignore
    }

    /// One column and what it was taken as.
    public struct Column: Sendable, Hashable {
        public var header: String
        public var field: Field
    }

    public struct Rejected: Sendable, Hashable {
        public var line: Int
        public var reason: String
    }

    /// `eventbrite`, `pretix`, `cvent` or `generic`: the export the headers look like.
    public var shape: String
    public var columns: [Column]
    public var entries: [RosterEntry] = []
    public var rejected: [Rejected] = []

    /// Headers of the known exports (lower-cased, spaces collapsed) and what they hold.
    /// Columns not listed are ignored unless `--map` names them.
    static let knownHeaders: [String: Field] = [
        // Eventbrite attendee report
        "first name": .givenName, "last name": .familyName, "email": .email, "company": .company,
        "job title": .title, "barcode #": .code, "attendee #": .code, "cell phone": .phone, "work phone": .phone,
        "home phone": .phone,
        // pretix order/attendee export
        "order code": .code, "attendee name": .name, "e-mail": .email, "attendee e-mail": .email,
        "attendee email": .email, "secret": .code, "ticket secret": .code, "attendee name: given name": .givenName,
        "attendee name: family name": .familyName, "position": .title, "phone number": .phone,
        // Cvent-style registration report
        "email address": .email, "company name": .company, "title": .title, "confirmation number": .code,
        "registration code": .code, "badge id": .code, "mobile phone": .phone, "registration id": .code,
        // generic
        "uid": .uid, "badge uid": .uid, "nfc uid": .uid, "tag uid": .uid, "chip uid": .uid, "chip id": .uid,
        "rfid": .uid, "rfid uid": .uid, "nfc id": .uid, "code": .code, "barcode": .code, "ticket code": .code,
        "ticket id": .code, "badge code": .code, "attendee id": .code, "reference": .code, "name": .name,
        "full name": .name, "given name": .givenName, "first": .givenName, "firstname": .givenName,
        "family name": .familyName, "surname": .familyName, "last": .familyName, "lastname": .familyName,
        "mail": .email, "organization": .company, "organisation": .company, "org": .company, "role": .title,
        "phone": .phone, "mobile": .phone, "cell": .phone, "telephone": .phone,
    ]

    static func normalizedHeader(_ header: String) -> String {
        header.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }

    /// The shape the headers say, for the report.
    static func shape(of headers: Set<String>) -> String {
        if !headers.isDisjoint(with: ["barcode #", "attendee #", "order #"]) { return "eventbrite" }
        if !headers.isDisjoint(with: ["order code", "secret", "attendee name"]) { return "pretix" }
        if !headers.isDisjoint(with: ["confirmation number", "email address", "company name"]) { return "cvent" }
        return "generic"
    }

    /// A `--map COLUMN=FIELD` value, or a message saying what is wrong with it.
    public static func parseMapping(_ text: String) -> Result<(column: String, field: Field), ImportError> {
        guard let equals = text.lastIndex(of: "=") else {
            return .failure(ImportError("--map \(text): use COLUMN=FIELD, e.g. \"Reg ID=code\""))
        }
        let column = String(text[..<equals]).trimmedCell(), name = String(text[text.index(after: equals)...]).trimmedCell()
        let aliases: [String: Field] = ["given_name": .givenName, "family_name": .familyName, "organization": .company,
                                        "full_name": .name, "barcode": .code]
        guard let field = Field(rawValue: name.lowercased()) ?? aliases[name.lowercased()] else {
            return .failure(ImportError("--map \(text): \(name) is not a field; use one of \(Field.allCases.map(\.rawValue).joined(separator: ", "))"))
        }
        guard !column.isEmpty else { return .failure(ImportError("--map \(text): the column name is empty")) }
        return .success((column, field))
    }

    /// Reads `bytes` (a CSV file with a header line). `overrides` maps column headers (any
    /// case) to fields ahead of the known headers. Throws only when no row can be used at
    /// all: no header, no key column, a column `--map` names that the file lacks.
    public init(csv bytes: [UInt8], overrides: [(column: String, field: Field)] = []) throws(ImportError) {
        var entries: [RosterEntry] = []
        self = try Self.read(csv: bytes, overrides: overrides, batchSize: .max) { entries += $0 }
        self.entries = entries
    }

    /// Reads `bytes` as `init(csv:overrides:)` does, but hands the attendees to `batch` as
    /// they are read, `batchSize` at a time (the last batch may be smaller), instead of
    /// keeping them: `leadgate roster import` stores one batch while the next is read.
    /// `header` is called once the columns are known, before any batch. Returns the file's
    /// shape, columns and rejected rows, with no entries.
    public static func read(csv bytes: [UInt8], overrides: [(column: String, field: Field)] = [], batchSize: Int = 5_000,
                            header: (RosterFile) -> Void = { _ in }, batch: ([RosterEntry]) -> Void) throws(ImportError) -> RosterFile {
        var roster: RosterFile?
        var failure: ImportError?
        var fields: [Field] = []
        var pending: [RosterEntry] = []
        var rejected: [Rejected] = []
        let (_, unterminated) = CSVReader.forEachRow(bytes) { row in
            guard roster != nil else {
                do throws(ImportError) {
                    let (made, columnFields) = try Self.columns(row, overrides: overrides)
                    fields = columnFields
                    roster = made
                    header(made)
                } catch {
                    failure = error
                    return false
                }
                return true
            }
            switch Self.entry(row, fields: fields) {
            case .success(let entry):
                pending.append(entry)
                if pending.count >= batchSize {
                    batch(pending)
                    pending.removeAll(keepingCapacity: true)
                }
            case .failure(let reason):
                rejected.append(Rejected(line: row.line, reason: reason.description))
            }
            return true
        }
        if let failure { throw failure }
        guard var roster else { throw ImportError("the file is empty: expected a header line and one row per attendee") }
        if !pending.isEmpty { batch(pending) }
        roster.rejected = rejected
        if let line = unterminated {
            roster.rejected.append(Rejected(line: line, reason: "a quoted field opened here is never closed; the rest of the file is skipped"))
        }
        return roster
    }

    /// The roster's columns from the header row: what each holds, and the export they say.
    private init(shape: String, columns: [Column]) {
        self.shape = shape
        self.columns = columns
    }

    static func columns(_ header: CSVReader.Row, overrides: [(column: String, field: Field)]) throws(ImportError) -> (RosterFile, [Field]) {
        let normalized = header.fields.map(Self.normalizedHeader)
        var fields = normalized.map { Self.knownHeaders[$0] ?? .ignore }
        for override in overrides {
            let wanted = Self.normalizedHeader(override.column)
            guard let index = normalized.firstIndex(of: wanted) else {
                throw ImportError("--map \(override.column)=\(override.field.rawValue): no column \"\(override.column)\" (columns: \(header.fields.joined(separator: ", ")))")
            }
            fields[index] = override.field
        }
        let shape = overrides.isEmpty ? Self.shape(of: Set(normalized)) : "mapped"
        let columns = zip(header.fields, fields).map { Column(header: $0, field: $1) }
        guard fields.contains(where: { $0 == .uid || $0 == .code || $0 == .email }) else {
            throw ImportError("no column holds a badge UID, a code or an email (columns: \(header.fields.joined(separator: ", "))); name one with --map COLUMN=uid, =code or =email")
        }
        return (RosterFile(shape: shape, columns: columns), fields)
    }

    static func entry(_ row: CSVReader.Row, fields: [Field]) -> Result<RosterEntry, ImportError> {
        guard row.fields.count <= fields.count else {
            return .failure(ImportError("\(row.fields.count) fields, the header has \(fields.count) (an unquoted delimiter?)"))
        }
        var entry = RosterEntry(line: row.line)
        var keys: [RosterKey] = []
        for (index, raw) in row.fields.enumerated() {
            let value = raw.trimmedCell()
            guard !value.isEmpty else { continue }
            switch fields[index] {
            case .ignore: continue
            case .uid:
                guard let key = RosterKey.uid(value) else {
                    return .failure(ImportError("badge UID \"\(value.prefix(40))\" is not 4 to 10 bytes of hex"))
                }
                keys.append(key)
            case .code:
                guard let key = RosterKey.code(value) else { return .failure(ImportError("code longer than 128 characters")) }
                keys.append(key)
            case .email:
                guard let key = RosterKey.email(value) else {
                    return .failure(ImportError("\"\(value.prefix(60))\" is not an email address"))
                }
                if entry.email == nil {
                    entry.email = value
                    keys.append(key)
                }
            case .name: entry.fullName = entry.fullName ?? value
            case .givenName: entry.givenName = entry.givenName ?? value
            case .familyName: entry.familyName = entry.familyName ?? value
            case .company: entry.organization = entry.organization ?? value
            case .title: entry.title = entry.title ?? value
            case .phone: entry.phone = entry.phone ?? value
            }
        }
        guard !keys.isEmpty else { return .failure(ImportError("no badge UID, code or email")) }
        if entry.fullName == nil, entry.givenName != nil || entry.familyName != nil {
            entry.fullName = [entry.givenName, entry.familyName].compactMap { $0 }.joined(separator: " ")
        }
        entry.keys = keys
        return .success(entry)
    }
}

extension String {
    /// Trimmed of spaces, tabs and line breaks; most cells have none, and are returned as they are.
    func trimmedCell() -> String {
        guard let first = utf8.first, let last = utf8.last else { return self }
        if first > 0x20 && last > 0x20 && first != 0xC2 && last != 0xA0 { return self }
        return trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
