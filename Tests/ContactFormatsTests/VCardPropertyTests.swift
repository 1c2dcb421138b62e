import Testing
@testable import ContactFormats

/// Names, parameters and values of content lines.
@Suite struct VCardPropertyTests {
    @Test func readsEveryContactPropertyOfAVersion3Card() throws {
        let card = try Fixture.card("""
            BEGIN:VCARD
            VERSION:3.0
            N:Doe;Jane;Quinn;Dr.;PhD
            FN:Dr. Jane Q. Doe
            NICKNAME:JD
            ORG:Acme Corp;Research;Lab 3
            TITLE:CTO
            ROLE:Decision maker
            EMAIL;TYPE=INTERNET,WORK:jane@acme.example
            TEL;TYPE=CELL:+1 555 0100
            URL:https://acme.example/jane
            ADR;TYPE=WORK:;Suite 5;1 Main St;Springfield;IL;62701;USA
            NOTE:first note
            NOTE:second note
            BDAY:1980-04-01
            END:VCARD
            """)
        #expect(card.format == .vcard)
        #expect(card.version == "3.0")
        #expect(card.formattedName == "Dr. Jane Q. Doe")
        #expect(card.name == StructuredName(family: ["Doe"], given: ["Jane"], additional: ["Quinn"], prefixes: ["Dr."], suffixes: ["PhD"]))
        #expect(card.nickname == "JD")
        #expect(card.organization == ["Acme Corp", "Research", "Lab 3"])
        #expect(card.title == "CTO")
        #expect(card.role == "Decision maker")
        #expect(card.emails == [TypedValue("jane@acme.example", types: ["internet", "work"])])
        #expect(card.phones == [TypedValue("+1 555 0100", types: ["cell"])])
        #expect(card.urls == ["https://acme.example/jane"])
        #expect(card.addresses == [PostalAddress(components: ["", "Suite 5", "1 Main St", "Springfield", "IL", "62701", "USA"], types: ["work"])])
        #expect(card.addresses.first?.formatted == "Suite 5, 1 Main St, Springfield, IL, 62701, USA")
        #expect(card.note == "first note\nsecond note")
        #expect(card.birthday == "1980-04-01")
        #expect(card.isEmpty == false)
    }

    @Test func unescapesBackslashSequencesAndKeepsUnknownOnes() throws {
        let card = try Fixture.card(#"""
            BEGIN:VCARD
            VERSION:3.0
            FN:Doe\, Jane
            NOTE:a\\b\;c\,d\ne\Nf\:g \x C:\path\to end\
            ORG:Acme\; Sons\, Inc.;R\&D
            END:VCARD
            """#)
        #expect(card.formattedName == "Doe, Jane")
        #expect(card.note == "a\\b;c,d\ne\nf:g \\x C:\\path\\to end\\")
        #expect(card.organization == ["Acme; Sons, Inc.", "R\\&D"])
    }

    @Test func splitsStructuredValuesOnlyAtUnescapedSemicolons() throws {
        let card = try Fixture.card(#"""
            BEGIN:VCARD
            VERSION:3.0
            N:Doe\;Smith;Jane
            ADR:;;1 Main St\; Unit 4;Springfield;;;
            END:VCARD
            """#)
        #expect(card.name?.family == ["Doe;Smith"])
        #expect(card.name?.given == ["Jane"])
        #expect(card.addresses.first?.components == ["", "", "1 Main St; Unit 4", "Springfield", "", "", ""])
    }

    @Test func readsGroupedPropertiesAndGroupedCardDelimiters() throws {
        let result = try Fixture.parse("""
            home.begin:vcard
            home.version:3.0
            home.fn:Jane Doe
            item1.EMAIL;type=INTERNET:jane@acme.example
            item1.X-ABLabel:_$!<Work>!$_
            item2.TEL:+1 555 0100
            item2.X-ABLabel:assistant
            home.end:vcard
            """)
        #expect(result.issues.isEmpty)
        let card = try #require(result.cards.first?.card)
        #expect(result.cards.count == 1)
        #expect(card.formattedName == "Jane Doe")
        #expect(card.emails == [TypedValue("jane@acme.example", types: ["internet"])])
        #expect(card.phones.map(\.value) == ["+1 555 0100"])
    }

    @Test func readsTypeListsInEveryForm() throws {
        let card = try Fixture.card("""
            BEGIN:VCARD
            VERSION:3.0
            TEL;TYPE=work,voice:+1 555 0101
            TEL;TYPE="cell,pref":+1 555 0102
            TEL;TYPE=home;TYPE=fax:+1 555 0103
            TEL;type=CELL;PREF=1:+1 555 0104
            EMAIL;TYPE=INTERNET;TYPE="work":jane@acme.example
            END:VCARD
            """)
        #expect(card.phones == [
            TypedValue("+1 555 0101", types: ["work", "voice"]),
            TypedValue("+1 555 0102", types: ["cell", "pref"]),
            TypedValue("+1 555 0103", types: ["home", "fax"]),
            TypedValue("+1 555 0104", types: ["cell", "pref"]),
        ])
        #expect(card.emails == [TypedValue("jane@acme.example", types: ["internet", "work"])])
    }

    @Test func readsVersion21BareParameters() throws {
        let card = try Fixture.card("""
            BEGIN:VCARD
            VERSION:2.1
            TEL;CELL;PREF:+49 171 1234567
            TEL;WORK;VOICE;ENCODING=8BIT:+49 30 1234567
            EMAIL;INTERNET;HOME:jane@example.de
            ADR;DOM;WORK:;;Unter den Linden 1;Berlin;;10117;Germany
            END:VCARD
            """)
        #expect(card.phones == [
            TypedValue("+49 171 1234567", types: ["cell", "pref"]),
            TypedValue("+49 30 1234567", types: ["work", "voice"]),
        ])
        #expect(card.emails == [TypedValue("jane@example.de", types: ["internet", "home"])])
        #expect(card.addresses.first?.types == ["dom", "work"])
    }

    @Test func takesTheNumberOutOfATelURI() throws {
        let card = try Fixture.card("""
            BEGIN:VCARD
            VERSION:4.0
            FN:Jane Doe
            TEL;VALUE=uri;TYPE="voice,cell";PREF=1:tel:+1-555-555-0100
            TEL;VALUE=URI:TEL:+44 20 7946 0958
            TEL;VALUE=uri:tel:
            END:VCARD
            """)
        #expect(card.phones == [
            TypedValue("+1-555-555-0100", types: ["voice", "cell", "pref"]),
            TypedValue("+44 20 7946 0958"),
        ], "a tel: URI with no number is no phone")
    }

    @Test func readsQuotedParameterValuesHoldingSemicolonsAndColons() throws {
        let card = try Fixture.card("""
            BEGIN:VCARD
            VERSION:4.0
            FN:Jane Doe
            EMAIL;LABEL="Sales; EMEA: North";TYPE=work:sales@acme.example
            ADR;LABEL="1 Main St.; Springfield: IL";TYPE=home:;;1 Main St;Springfield;IL;62701;USA
            END:VCARD
            """)
        #expect(card.emails == [TypedValue("sales@acme.example", types: ["work"])])
        #expect(card.addresses.first?.components[2] == "1 Main St")
        #expect(card.addresses.first?.types == ["home"])
    }

    @Test func readsLowerCaseKeywords() throws {
        let card = try Fixture.card("""
            begin:vcard
            version:3.0
            fn:Jane Doe
            n:Doe;Jane
            email;type=work:jane@acme.example
            tel;type=cell:+1 555 0100
            Org:Acme
            end:vcard
            """)
        #expect(card.formattedName == "Jane Doe")
        #expect(card.emails == [TypedValue("jane@acme.example", types: ["work"])])
        #expect(card.phones == [TypedValue("+1 555 0100", types: ["cell"])])
        #expect(card.organization == ["Acme"])
    }

    @Test func ignoresUnknownProperties() throws {
        let card = try Fixture.card("""
            BEGIN:VCARD
            VERSION:3.0
            PRODID:-//Apple Inc.//iPhone OS 17.0//EN
            X-SOCIALPROFILE;type=linkedin:https://linkedin.com/in/jane
            IMPP;X-SERVICE-TYPE=Skype:skype:jane.doe
            CATEGORIES:lead,rsa
            X-EMAIL:other@example.com
            EMAILS:other@example.com
            FN:Jane Doe
            UID:urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1
            REV:2026-01-01T00:00:00Z
            END:VCARD
            """)
        #expect(card == ContactCard(format: .vcard, version: "3.0", formattedName: "Jane Doe"))
    }

    @Test func derivesTheDisplayNameFromNWhenFNIsAbsentOrBlank() throws {
        let absent = try Fixture.card("BEGIN:VCARD\nVERSION:3.0\nN:Doe;Jane;Quinn;Dr.;PhD\nEND:VCARD\n")
        #expect(absent.formattedName == nil)
        #expect(absent.displayName == "Dr. Jane Quinn Doe PhD")

        let blank = try Fixture.card("BEGIN:VCARD\nVERSION:3.0\nFN: \nN:Doe;Jane;;;\nEND:VCARD\n")
        #expect(blank.displayName == "Jane Doe")

        let nicknameOnly = try Fixture.card("BEGIN:VCARD\nVERSION:3.0\nN:;;;;\nNICKNAME:JD\nEND:VCARD\n")
        #expect(nicknameOnly.displayName == "JD")

        let nothing = try Fixture.card("BEGIN:VCARD\nVERSION:3.0\nEND:VCARD\n")
        #expect(nothing.displayName == nil)
        #expect(nothing.isEmpty)
    }

    @Test func readsCommaListsInNOfVersion3() throws {
        let card = try Fixture.card("""
            BEGIN:VCARD
            VERSION:3.0
            N:Stevenson;John,Philip;Paul;Dr.;Jr.,M.D.,A.C.P.
            END:VCARD
            """)
        #expect(card.name == StructuredName(family: ["Stevenson"], given: ["John", "Philip"], additional: ["Paul"],
                                            prefixes: ["Dr."], suffixes: ["Jr.", "M.D.", "A.C.P."]))
        #expect(card.displayName == "Dr. John Philip Paul Stevenson Jr. M.D. A.C.P.")
    }

    @Test(arguments: ["VERSION:2.1\nN:Doe;Jane,Mary;;;Jr.,PhD", "N:Doe;Jane,Mary;;;Jr.,PhD\nVERSION:2.1"])
    func keepsCommasInNOfVersion21(lines: String) throws {
        // 2.1 has no comma lists; VERSION may even come after N.
        let card = try Fixture.card("BEGIN:VCARD\n\(lines)\nEND:VCARD\n")
        #expect(card.name == StructuredName(family: ["Doe"], given: ["Jane,Mary"], suffixes: ["Jr.,PhD"]))
    }

    @Test func keepsTheFirstOfSingleValuedPropertiesAndEveryOneOfListProperties() throws {
        let card = try Fixture.card("""
            BEGIN:VCARD
            VERSION:3.0
            FN:Jane Doe
            FN:J. Doe
            TITLE:CTO
            TITLE:Founder
            EMAIL:jane@acme.example
            EMAIL:
            EMAIL:jd@home.example
            URL:https://acme.example
            URL:https://jane.example
            END:VCARD
            """)
        #expect(card.formattedName == "Jane Doe")
        #expect(card.title == "CTO")
        #expect(card.emails.map(\.value) == ["jane@acme.example", "jd@home.example"])
        #expect(card.urls == ["https://acme.example", "https://jane.example"])
    }

    @Test func recordsALineWithoutAColonAsMalformed() throws {
        let result = try Fixture.parse("BEGIN:VCARD\nVERSION:3.0\nFN:Jane\nthis line has no colon\nEND:VCARD\n")
        #expect(result.cards.map(\.card.formattedName) == ["Jane"])
        #expect(result.issues == [ContactFormatError(.malformedLine, offset: 35)])
    }

    /// The parser reuses headers it has parsed (a few are repeated on every card); more
    /// distinct headers than it keeps, each seen again later, must still read right.
    @Test func readsRepeatedAndManyDistinctParameterListsAlike() throws {
        let kinds = (0..<40).map { "x-kind\($0)" }
        var text = ""
        for round in 0..<3 {
            text += "BEGIN:VCARD\nVERSION:3.0\nFN:Card \(round)\n"
            for (i, kind) in kinds.enumerated() {
                text += "TEL;TYPE=CELL,\(kind.uppercased()):+1 555 01\(i)\n"
                text += "EMAIL;TYPE=\(kind);ENCODING=QUOTED-PRINTABLE:j=61ne\(i)@acme.example\n"
            }
            text += "TEL;TYPE=CELL:+1 555 0999\nitem1.TEL;TYPE=CELL:+1 555 0998\nEND:VCARD\n"
        }
        let result = try Fixture.parse(text)
        #expect(result.cards.count == 3)
        for entry in result.cards {
            let card = entry.card
            #expect(card.phones.count == kinds.count + 2)
            #expect(card.emails.count == kinds.count)
            for (i, kind) in kinds.enumerated() {
                #expect(card.phones[i] == TypedValue("+1 555 01\(i)", types: ["cell", kind]))
                #expect(card.emails[i] == TypedValue("jane\(i)@acme.example", types: [kind]))
            }
            #expect(card.phones.suffix(2) == [TypedValue("+1 555 0999", types: ["cell"]), TypedValue("+1 555 0998", types: ["cell"])])
        }
    }
}
