import NDEF
import TagReaders

/// The taps `leadgate demo` plays: one of each kind a booth sees, with the note a rep might
/// type after each. Made-up people at made-up companies (`.example` domains).
public enum DemoSamples {
    public struct Sample: Sendable {
        public var tag: SimulatedTag
        /// What the rep types after the tap ("" skips the note).
        public var note: String
        /// What the sample shows, for the demo's own narration.
        public var kind: String
    }

    public static let all: [Sample] = [
        Sample(tag: SimulatedTag(uid: [0x04, 0xA1, 0xB2, 0xC3, 0xD4, 0xE5, 0xF6], type: .ntag215,
                                 ndefMessage: NDEFMessage(records: [.media("text/vcard", payload: Array(janeVCard.utf8))]).encoded(),
                                 name: "jane.ntag215"),
               note: "wants a 50-seat pilot #hot next: call friday", kind: "NFC business card with a vCard (NTAG215)"),
        Sample(tag: SimulatedTag(uid: [0x04, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66], type: .ntag213,
                                 ndefMessage: NDEFMessage(records: [.uri("https://popl.example/ada-lovelace")]).encoded(),
                                 name: "ada-profile.ntag213"),
               note: "met at the coffee bar, asked about the API #warm #api", kind: "digital business card with a profile link"),
        Sample(tag: SimulatedTag(uid: [0x08, 0x12, 0x34, 0x56], type: .type4,
                                 ndefMessage: NDEFMessage(records: [.media("text/vcard", payload: Array(kenjiVCard.utf8))]).encoded(),
                                 name: "kenji-phone.type4"),
               note: "APAC reseller @bob next: send pricing tomorrow", kind: "phone sharing a vCard (Type 4 card emulation)"),
        Sample(tag: SimulatedTag(uid: [0x5A, 0x3C, 0x11, 0x9E], type: .mifareClassic1K, ndefMessage: nil, name: "badge.mifare_classic_1k"),
               note: "badge only; wants a demo #cold next: demo 2026-12-01", kind: "event badge with only a UID (MIFARE Classic 1K)"),
        Sample(tag: SimulatedTag(uid: [0x04, 0x77, 0x88, 0x99, 0xAA, 0xBB, 0xCC], type: .ntag216,
                                 ndefMessage: NDEFMessage(records: [.text("MECARD:N:Okafor,Chidi;ORG:Globex;TEL:+44 20 7946 0123;EMAIL:chidi@globex.example;;")]).encoded(),
                                 name: "chidi.ntag216"),
               note: "", kind: "QR-style MECARD in a Text record (NTAG216); the rep skips the note"),
        Sample(tag: SimulatedTag(uid: [0x04, 0xA1, 0xB2, 0xC3, 0xD4, 0xE5, 0xF6], type: .ntag215,
                                 ndefMessage: NDEFMessage(records: [.media("text/vcard", payload: Array(janeVCard.utf8))]).encoded(),
                                 name: "jane-again.ntag215"),
               note: "came back with her security lead #sso", kind: "the same card tapped again: merged, not duplicated"),
        Sample(tag: SimulatedTag(uid: [0x04, 0xDE, 0xAD, 0xBE, 0xEF, 0x00, 0x01], type: .ntag213,
                                 ndefMessage: [0xD1, 0x01, 0x40, 0x55, 0x04, 0x61, 0x63, 0x6D, 0x65],
                                 name: "torn.ntag213"),
               note: "card was damaged; typed her name: Maria Silva, Initech", kind: "a tag holding garbage: a lead from its UID, bytes quarantined"),
    ]

    static let janeVCard = """
        BEGIN:VCARD\r
        VERSION:3.0\r
        N:Doe;Jane;;;\r
        FN:Jane Doe\r
        ORG:Acme Corp;Platform\r
        TITLE:CTO\r
        EMAIL;TYPE=INTERNET,WORK:jane.doe@acme.example\r
        TEL;TYPE=CELL:+1 (415) 555-0100\r
        URL:https://acme.example/jane\r
        END:VCARD\r

        """

    static let kenjiVCard = """
        BEGIN:VCARD\r
        VERSION:4.0\r
        FN:Kenji Tanaka\r
        N:Tanaka;Kenji;;;\r
        ORG:Soylent AG\r
        TITLE:Head of Procurement\r
        EMAIL;TYPE=work:kenji.tanaka@soylent.example\r
        TEL;VALUE=uri;TYPE="cell":tel:+81-3-5555-0199\r
        END:VCARD\r

        """
}
