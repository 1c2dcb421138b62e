import Foundation
import Leads
@testable import LeadStore
import Logging

/// A store in a fresh temporary folder, removed when the test ends.
final class TemporaryStore {
    let folder: URL
    let path: String
    let store: LeadStore

    static let logger: Logger = {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        return logger
    }()

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("leadstore-\(UUID().uuidString)")
        path = folder.appendingPathComponent("nested/leads.sqlite").path
        store = try LeadStore(path: path, logger: Self.logger)
    }

    /// A second connection to the same file, as another process would open it.
    func reopen() throws -> LeadStore {
        try LeadStore(path: path, logger: Self.logger)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }
}

extension LeadStore {
    /// One value from a query on this store's own connection.
    func scalar(_ sql: String) throws -> String? {
        try withDatabase { (db) throws(StoreError) in
            let statement = try db.statement(sql)
            defer { statement.reset() }
            return try statement.step() ? statement.text(0) : nil
        }
    }

    func count(_ table: String, where condition: String = "1") throws -> Int {
        Int(try scalar("SELECT count(*) FROM \(table) WHERE \(condition)") ?? "0") ?? 0
    }
}

/// Captures built by hand, the way CaptureBuilder makes them from a card.
enum Cards {
    static let capturedAt = Date(timeIntervalSince1970: 1_795_000_000)  // 2026-11-18T11:06:40Z
    static let phones = PhoneNumberNormalizer(region: "US")

    static func contact(name: String? = "Jane Doe", emails: [String] = [], phones: [String] = [],
                        organization: String? = nil, title: String? = nil, urls: [String] = []) -> NormalizedContact {
        NormalizedContact(fullName: name, organization: organization, title: title, emails: emails,
                          phones: phones.map { .init(number: $0, e164: Self.phones.e164($0), types: ["cell"]) }, urls: urls)
    }

    static func vCard(_ contact: NormalizedContact) -> String {
        var lines: [String] = ["BEGIN:VCARD", "VERSION:3.0", "FN:" + (contact.fullName ?? "")]
        for email in contact.emails { lines.append("EMAIL:" + email) }
        for phone in contact.phones { lines.append("TEL:" + phone.number) }
        if let organization = contact.organization { lines.append("ORG:" + organization) }
        lines.append("END:VCARD")
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// A candidate whose raw bytes are `raw` (default: a vCard made from the contact's fields).
    static func candidate(_ contact: NormalizedContact, event: String = "RSA 2026", rep: String = "alice",
                          raw: String? = nil, tagUID: String? = nil, file: String? = nil,
                          policy: LeadPolicy = LeadPolicy(), at: Date = capturedAt) -> LeadCandidate {
        let text = raw ?? vCard(contact)
        let source = LeadSource(channel: tagUID == nil ? .import : .tap, tagUID: tagUID, format: "vcard", file: file)
        return LeadCandidate.make(contact: contact, raw: RawPayload(mediaType: "text/vcard", bytes: Array(text.utf8)),
                                  source: source, event: event, rep: rep, policy: policy, capturedAt: at)
    }
}
