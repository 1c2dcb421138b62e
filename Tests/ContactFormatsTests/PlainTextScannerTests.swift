import Testing
@testable import ContactFormats

/// Free text yields the emails and phone numbers written in it, and nothing it would have to guess.
@Suite struct PlainTextScannerTests {
    static func scan(_ text: String) throws(ContactFormatError) -> ContactCard {
        try PlainTextScanner.scan(Array(text.utf8)).card
    }

    @Test func findsAnEmailAndAPhoneAndNoName() throws {
        let card = try Self.scan("Jane Doe, CTO at Acme. Call +1 (555) 010-0199 or write to jane.doe@acme.example.")
        #expect(card.format == .text)
        #expect(card.emails == [TypedValue("jane.doe@acme.example")])
        #expect(card.phones == [TypedValue("+1 (555) 010-0199")])
        #expect(card.displayName == nil)
        #expect(card.organization.isEmpty)
    }

    @Test func findsOnlyAnEmail() throws {
        let card = try Self.scan("mailbox: o'neil+leads@sub.acme-corp.example")
        #expect(card.emails.map(\.value) == ["o'neil+leads@sub.acme-corp.example"])
        #expect(card.phones.isEmpty)
    }

    @Test(arguments: ["Tel. 030 1234567", "Mobil: 0171/1234567", "+49 171 1234567", "phone:555.010.0199", "(030) 12 34 56-78",
                      "Tel. 030 1234567 (office)", "call 0171 1234567 today"])
    func findsOnlyAPhone(text: String) throws {
        let card = try Self.scan(text)
        #expect(card.phones.count == 1)
        #expect(card.emails.isEmpty)
    }

    @Test func findsEveryEmailOnceInOrder() throws {
        let card = try Self.scan("a@x.example, b@y.example; a@x.example")
        #expect(card.emails.map(\.value) == ["a@x.example", "b@y.example"])
    }

    @Test func doesNotTakeTheDigitsOfAnEmailForAPhone() throws {
        let card = try Self.scan("4915112345678@sms.example")
        #expect(card.emails.map(\.value) == ["4915112345678@sms.example"])
        #expect(card.phones.isEmpty)
    }

    @Test(arguments: [
        "See you on 2026-11-22!", "Meeting 22.11.2026", "due 11/22/2026", "from 2026.11.22 on", "on 1/2/2026",
        "Talk: 2026-11-22 10:30 in hall B", "Talk 22.11.2026 14:00", "Reference ID4711234567", "Order 12345678XYZ",
        "Room 101", "Hello, world", "user@localhost", "@acme.example", "",
    ])
    func findsNoContactInTextWithoutEmailOrPhone(text: String) {
        #expect(throws: ContactFormatError(.noContactInText)) { try Self.scan(text) }
    }

    @Test func rejectsBinaryInputAtItsFirstNUL() {
        #expect(throws: ContactFormatError(.notText, offset: 5)) {
            try PlainTextScanner.scan(Array("call ".utf8) + [0x00] + Array("555 0100 123".utf8))
        }
    }

    @Test func readsWindows1252Text() throws {
        let card = try PlainTextScanner.scan(Array("Ren".utf8) + [0xE9] + Array(" <rene@example.fr>".utf8)).card
        #expect(card.emails.map(\.value) == ["rene@example.fr"])
    }
}
