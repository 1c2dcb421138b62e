import Testing
@testable import ContactFormats

/// ENCODING=BASE64/b values (photos, logos, keys) are never read as text and never spill into
/// the properties after them.
@Suite struct VCardBinaryValueTests {
    static let base64Line = String(repeating: "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=", count: 2)

    @Test func skipsAnUnindentedVersion21PhotoEndedByABlankLine() throws {
        let card = try Fixture.card("""
            BEGIN:VCARD
            VERSION:2.1
            FN:Jane Doe
            PHOTO;ENCODING=BASE64;TYPE=JPEG:/9j/4AAQSkZJRgABAQEASABIAAD
            \(Self.base64Line)
            TELQUFBQUFBQUFBQUFBQUFBQUFB
            NOTE+QUFBQUFBQUFBQUFB/QUFBQUFBQUFBQUFB
            EMAIL

            EMAIL;INTERNET:jane@acme.example
            TEL;CELL:+1 555 0100
            END:VCARD
            """)
        #expect(card.formattedName == "Jane Doe")
        #expect(card.emails == [TypedValue("jane@acme.example", types: ["internet"])])
        #expect(card.phones == [TypedValue("+1 555 0100", types: ["cell"])])
        #expect(card.note == nil)
    }

    @Test func skipsAVersion21PhotoWithoutTheBlankLine() throws {
        let card = try Fixture.card("""
            BEGIN:VCARD
            VERSION:2.1
            PHOTO;BASE64:/9j/4AAQSkZJRgABAQEASABIAAD
            \(Self.base64Line)
            N:Doe;Jane
            END:VCARD
            """)
        #expect(card.displayName == "Jane Doe")
    }

    @Test func skipsAnIndentedPhoto() throws {
        let result = try Fixture.parse("""
            BEGIN:VCARD
            VERSION:3.0
            FN:Jane Doe
            PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQEASABIAAD
              \(Self.base64Line)
              EMAIL:not@an.email
            EMAIL:jane@acme.example
            END:VCARD
            """)
        #expect(result.issues.isEmpty)
        #expect(result.cards.first?.card.emails.map(\.value) == ["jane@acme.example"])
    }

    @Test func keepsBase64EncodedTextPropertiesOutOfTheCard() throws {
        let card = try Fixture.card("""
            BEGIN:VCARD
            VERSION:3.0
            FN:Jane Doe
            NOTE;ENCODING=b:SGVsbG8gd29ybGQ=
            TITLE;ENCODING=BASE64:Q1RP
            EMAIL;ENCODING=B:amFuZUBhY21lLmV4YW1wbGU=
            END:VCARD
            """)
        #expect(card.note == nil)
        #expect(card.title == nil)
        #expect(card.emails.isEmpty)
    }

    @Test func keepsAVersion4DataURIPhotoOutOfTheCard() throws {
        let card = try Fixture.card("""
            BEGIN:VCARD
            VERSION:4.0
            FN:Jane Doe
            PHOTO:data:image/jpeg;base64,/9j/4AAQSkZJRgABAQEASABIAAD
             \(Self.base64Line)
            END:VCARD
            """)
        #expect(card.formattedName == "Jane Doe")
        #expect(card.urls.isEmpty)
    }
}
