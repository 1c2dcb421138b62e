import Foundation
import LeadStore
import Leads
import Logging
import TestSupport

/// Stores full of made-up leads, in temporary folders.
enum LeadFixtures {
    static let event = "RSA 2026"
    static let start = Date(timeIntervalSince1970: 1_795_342_500)  // 2026-11-22T10:15:00Z

    /// One folder for every store of this test process, removed when the process exits.
    static let folder = ProcessFolder.make("leadgate-fwd")

    /// A store in a new folder of its own.
    static func store() throws -> LeadStore {
        let path = folder.appendingPathComponent(UUID().uuidString).appendingPathComponent("leads.sqlite").path
        return try LeadStore(path: path, logger: Logger(label: "test.store"))
    }

    /// Lead `index`: a different person (email, phone, raw bytes) for every index.
    static func candidate(_ index: Int, note: String? = nil, rep: String = "alice") -> LeadCandidate {
        let email = "person\(index)@acme.example"
        let vcard = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person \(index)\r\nORG:Acme Corp\r\nEMAIL:\(email)\r\n"
            + (note.map { "NOTE:\($0)\r\n" } ?? "") + "END:VCARD\r\n"
        let contact = NormalizedContact(fullName: "Person \(index)", givenName: "Person", familyName: "\(index)",
                                        organization: "Acme Corp", title: "CTO", emails: [email],
                                        phones: [.init(number: "+1 555 \(1_000_000 + index)", e164: "+1555\(1_000_000 + index)", types: ["cell"])],
                                        note: note)
        return LeadCandidate.make(contact: contact, raw: RawPayload(mediaType: "text/vcard", bytes: Array(vcard.utf8)),
                                  source: LeadSource(channel: .tap, reader: "ACS ACR122U 00 00", tagUID: nil, tagType: "ntag215", format: "vcard"),
                                  event: event, rep: rep, policy: LeadPolicy(), capturedAt: start.addingTimeInterval(Double(index)))
    }

    /// Captures leads `range` in one transaction; returns their ids in order.
    @discardableResult
    static func capture(_ range: Range<Int>, into store: LeadStore) throws -> [String] {
        try store.capture(range.map { candidate($0) }).map(\.leadID)
    }
}
