import Foundation
import NDEF
import TestSupport

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

    /// One folder for this test process, removed when it exits.
    static let directory = ProcessFolder.make("leadgate-tagreaders")

    /// Writes bytes to a file in a temporary folder and returns its path.
    static func file(_ name: String, _ bytes: [UInt8]) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }
}
