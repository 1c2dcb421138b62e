import Foundation
import NDEF

/// NDEF messages the tests put on tags, and files holding them.
enum Fixtures {
    static let janeVCard = """
        BEGIN:VCARD\r
        VERSION:3.0\r
        N:Doe;Jane;;;\r
        FN:Jane Doe\r
        ORG:Acme Corp\r
        TITLE:CTO\r
        EMAIL;TYPE=work:jane@acme.example\r
        TEL;TYPE=cell:+1 555 0100\r
        URL:https://acme.example/jane\r
        END:VCARD\r

        """

    /// One text/vcard record: 200-odd bytes, more than an NTAG213 page run but within an NTAG215.
    static let janeMessage = NDEFMessage(records: [.media("text/vcard", payload: Array(janeVCard.utf8))]).encoded()

    /// A vCard with a long note: over 496 bytes, so it needs an NTAG216 and a 3-byte TLV length.
    static let longMessage: [UInt8] = {
        let note = String(repeating: "Met at booth 12, wants a 50-seat pilot. ", count: 14)
        let card = janeVCard.replacingOccurrences(of: "END:VCARD", with: "NOTE:\(note)\r\nEND:VCARD")
        return NDEFMessage(records: [.media("text/vcard", payload: Array(card.utf8))]).encoded()
    }()

    static let profileLinkMessage = NDEFMessage(records: [.uri("https://popl.co/jane")]).encoded()

    /// One folder for this test process, removed when it exits; the folders of test processes
    /// that were killed before they could remove theirs go when the next one makes its own.
    static let directory: URL = {
        let temporary = FileManager.default.temporaryDirectory
        for name in (try? FileManager.default.contentsOfDirectory(atPath: temporary.path)) ?? []
        where name.hasPrefix("leadgate-tagreaders-") {
            if let pid = pid_t(name.dropFirst("leadgate-tagreaders-".count)), kill(pid, 0) != 0, errno == ESRCH {
                try? FileManager.default.removeItem(at: temporary.appendingPathComponent(name))
            }
        }
        let url = temporary.appendingPathComponent("leadgate-tagreaders-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: Fixtures.directory) }
        return url
    }()

    /// Writes bytes to a file in a temporary folder and returns its path.
    static func file(_ name: String, _ bytes: [UInt8]) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }
}
