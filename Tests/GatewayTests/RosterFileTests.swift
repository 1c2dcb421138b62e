import Foundation
import Gateway
import Leads
import LeadStore
import NDEF
import Testing

/// Attendee exports read as rosters: the CSV itself, the three shapes and a generic one,
/// `--map`, rows that cannot be used, and the keys a tap offers.
@Suite struct RosterFileTests {
    static let eventbrite = """
        Order #,Order Date,First Name,Last Name,Email,Company,Job Title,Ticket Type,Barcode #,Attendee #\r
        1001,2026-10-01,Jane,Doe,jane@acme.example,Acme Corp,CTO,Full,100200300401,5001\r
        1002,2026-10-02,Bob,Stone,BOB@Globex.example,"Globex, Inc.",VP Sales,Full,100200300402,5002\r

        """
    static let pretix = "\u{FEFF}Order code;Attendee name;E-mail;Company;Secret;Position\n"
        + "XK42A;Ann Lee;ann@initech.example;Initech;k3y8secret;Engineer\n"
        + "XK42B;\"Lee; Jr., Tom\";tom@initech.example;Initech;\"multi\nline\";CEO\n"
    static let cvent = """
        Confirmation Number,First Name,Last Name,Email Address,Company Name,Title,Mobile Phone,Registration Type
        CV-0001,Zoë,Ünal,zoe@soylent.example,Soylent AG,Buyer,+49 30 1234567,Attendee

        """
    static let generic = """
        name,email,company,badge uid,phone
        Carol King,carol@umbrella.example,Umbrella,04:a1:b2:c3:d4:e5:f6,+1 415 555 0100
        Dan Brown,,Umbrella,0A0B0C0D,

        """

    @Test func readsQuotedFieldsEmbeddedLineBreaksAndTheByteOrderMark() {
        let table = CSVReader.read(Array(Self.pretix.utf8))
        #expect(table.delimiter == UInt8(ascii: ";"))
        #expect(table.rows.count == 3)
        #expect(table.rows[0].fields.first == "Order code")
        #expect(table.rows[2].fields[1] == "Lee; Jr., Tom")
        #expect(table.rows[2].fields[4] == "multi\nline")
        #expect(table.rows.map(\.line) == [1, 2, 3])
        #expect(table.unterminatedQuoteLine == nil)
    }

    @Test func countsLinesAcrossQuotedLineBreaksAndSkipsBlankLines() {
        let table = CSVReader.read(Array("a,b\r\n\"x\r\ny\",\"say \"\"hi\"\"\"\r\n\r\n3,4".utf8))
        #expect(table.rows.map(\.fields) == [["a", "b"], ["x\r\ny", "say \"hi\""], ["3", "4"]])
        #expect(table.rows.map(\.line) == [1, 2, 5])
    }

    @Test func reportsAQuoteThatIsNeverClosed() {
        let table = CSVReader.read(Array("a,b\n1,2\n\"open,3\n4,5\n".utf8))
        #expect(table.rows.map(\.fields) == [["a", "b"], ["1", "2"]])
        #expect(table.unterminatedQuoteLine == 3)
    }

    @Test func recognisesAnEventbriteAttendeeReport() throws {
        let roster = try RosterFile(csv: Array(Self.eventbrite.utf8))
        #expect(roster.shape == "eventbrite")
        #expect(roster.rejected.isEmpty)
        let fields = Dictionary(uniqueKeysWithValues: roster.columns.map { ($0.header, $0.field) })
        #expect(fields["First Name"] == .givenName && fields["Last Name"] == .familyName && fields["Email"] == .email)
        #expect(fields["Barcode #"] == .code && fields["Attendee #"] == .code && fields["Order #"] == .ignore)
        let bob = roster.entries[1]
        #expect(bob.line == 3)
        #expect(bob.fullName == "Bob Stone" && bob.organization == "Globex, Inc." && bob.title == "VP Sales")
        #expect(bob.keys == [RosterKey(.email, "bob@globex.example"), RosterKey(.code, "100200300402"), RosterKey(.code, "5002")])
    }

    @Test func recognisesAPretixExportWithSemicolons() throws {
        let roster = try RosterFile(csv: Array(Self.pretix.utf8))
        #expect(roster.shape == "pretix")
        #expect(roster.entries.count == 2)
        #expect(roster.entries[0].fullName == "Ann Lee" && roster.entries[0].title == "Engineer")
        #expect(roster.entries[0].keys.contains(RosterKey(.code, "K3Y8SECRET")))
        #expect(roster.entries[0].keys.contains(RosterKey(.code, "XK42A")))
    }

    @Test func recognisesACventStyleReport() throws {
        let roster = try RosterFile(csv: Array(Self.cvent.utf8))
        #expect(roster.shape == "cvent")
        let zoe = try #require(roster.entries.first)
        #expect(zoe.fullName == "Zoë Ünal" && zoe.organization == "Soylent AG" && zoe.phone == "+49 30 1234567")
        #expect(zoe.keys == [RosterKey(.code, "CV-0001"), RosterKey(.email, "zoe@soylent.example")])
        let contact = zoe.contact(ContactNormalizer(region: "US"))
        #expect(contact.phones.first?.e164 == "+49301234567")
        #expect(contact.givenName == "Zoë" && contact.familyName == "Ünal")
    }

    @Test func readsAGenericListWithBadgeUIDsInAnySpelling() throws {
        let roster = try RosterFile(csv: Array(Self.generic.utf8))
        #expect(roster.shape == "generic")
        #expect(roster.entries.map { $0.keys.first { $0.kind == .uid } } == [RosterKey(.uid, "04A1B2C3D4E5F6"), RosterKey(.uid, "0A0B0C0D")])
    }

    @Test func mapsOtherColumnsWithMap() throws {
        let csv = "Teilnehmer,Firma,Reg ID,Chip\nJane Doe,Acme,R-1,04a1b2c3\n"
        #expect(throws: ImportError.self) { try RosterFile(csv: Array(csv.utf8)) }
        let overrides = try ["Teilnehmer=name", "firma=company", "Reg ID=code", "Chip=uid"].map { try RosterFile.parseMapping($0).get() }
        let roster = try RosterFile(csv: Array(csv.utf8), overrides: overrides)
        #expect(roster.shape == "mapped")
        #expect(roster.entries.first?.fullName == "Jane Doe")
        #expect(roster.entries.first?.keys == [RosterKey(.code, "R-1"), RosterKey(.uid, "04A1B2C3")])
        #expect(throws: ImportError.self) { try RosterFile(csv: Array(csv.utf8), overrides: [("Nope", .code)]) }
        if case .success = RosterFile.parseMapping("Reg ID=zipcode") { Issue.record("zipcode is no field") }
    }

    @Test func rejectsBadRowsByLineAndKeepsTheGoodOnes() throws {
        let csv = """
            name,email,uid,code
            Good One,good@acme.example,04A1B2C3,
            No Key,,,
            Bad UID,bad@acme.example,zz:11,
            Bad Mail,not-an-email,,C1
            Too Many,x@acme.example,,C2,extra
            "Good, Two",,,C3

            """
        let roster = try RosterFile(csv: Array(csv.utf8))
        #expect(roster.entries.map(\.line) == [2, 7])
        #expect(roster.rejected.map(\.line) == [3, 4, 5, 6])
        #expect(roster.rejected[0].reason == "no badge UID, code or email")
        #expect(roster.rejected[1].reason.contains("not 4 to 10 bytes of hex"))
        #expect(roster.rejected[2].reason.contains("is not an email address"))
        #expect(roster.rejected[3].reason.contains("5 fields, the header has 4"))
    }

    /// `roster import` reads the file in batches while the store takes them: the batches
    /// hold what reading it whole gives, the columns come first, rejects are kept by line.
    @Test func readingInBatchesGivesWhatReadingWholeGives() throws {
        var csv = "name,email,uid,code\r\n"
        for n in 0..<150 {
            csv += n % 37 == 5 ? "No Key \(n),,,\r\n" : "Person \(n),p\(n)@acme.example,04A1B2\(String(format: "%02X", n)),C-\(n)\r\n"
        }
        let whole = try RosterFile(csv: Array(csv.utf8))
        var batches: [[RosterEntry]] = []
        var sawColumns = false
        let read = try RosterFile.read(csv: Array(csv.utf8), batchSize: 64, header: { columns in
            #expect(batches.isEmpty)
            #expect(columns.columns.map(\.field) == [.name, .email, .uid, .code])
            sawColumns = true
        }, batch: { batches.append($0) })
        #expect(sawColumns)
        #expect(batches.map(\.count) == [64, 64, whole.entries.count - 128])
        #expect(batches.flatMap { $0 } == whole.entries)
        #expect(read.entries.isEmpty && read.rejected == whole.rejected && read.shape == whole.shape)
        #expect(read.rejected.map(\.line) == [7, 44, 81, 118])

        // Stored in those batches (64-row inserts and the rest): every attendee and key back.
        let w = try Workspace()
        var pending = batches
        let stored = try w.store.storeRoster(event: "RSA 2026", file: "p.csv", shape: read.shape, batches: {
            pending.isEmpty ? nil : pending.removeFirst()
        })
        #expect(stored.stored == whole.entries.count)
        let back = try w.store.rosterEntries(event: "RSA 2026")
        #expect(back.map(\.fullName) == whole.entries.map(\.fullName))
        #expect(back.map { Set($0.keys) } == whole.entries.map { Set($0.keys) })
        let last = try #require(whole.entries.last)
        for key in last.keys {
            #expect(try w.store.rosterAttendee(event: "RSA 2026", keys: [key])?.entry.fullName == last.fullName)
        }
        // Appended after: ids go on from the last one.
        try w.store.storeRoster(event: "RSA 2026", file: "q.csv", shape: "generic",
                                entries: [RosterEntry(line: 2, fullName: "Late Comer", keys: [RosterKey(.code, "LATE")])], append: true)
        #expect(try w.store.rosterEntries(event: "RSA 2026").last?.fullName == "Late Comer")
        #expect(try w.store.rosterAttendee(event: "RSA 2026", keys: [RosterKey(.code, "LATE")])?.entry.fullName == "Late Comer")
    }

    @Test func findsCodesInURLAndTextRecordsAndTheUIDFirst() {
        let message = NDEFMessage(records: [.uri("https://example.com/badge?utm_source=nfc&code=xk42"), .text("  R-77 ")])
        let keys = RosterResolver.keys(tagUIDs: ["04:a1:b2:c3"], raws: [RawPayload(mediaType: "application/vnd.nfc.ndef", bytes: message.encoded())],
                                       contact: NormalizedContact(emails: ["Jane@Acme.example"]))
        #expect(keys.first == RosterKey(.uid, "04A1B2C3"))
        #expect(keys[1] == RosterKey(.code, "XK42"))
        #expect(keys.contains(RosterKey(.code, "R-77")))
        #expect(keys.contains(RosterKey(.code, "BADGE")))
        #expect(keys.last == RosterKey(.email, "jane@acme.example"))
    }

    @Test func looksUpEachKeyKindAndEnrichesAnUnresolvedLeadAsAChangeEvent() throws {
        let w = try Workspace()
        let roster = try RosterFile(csv: Array(Self.generic.utf8))
        try w.store.storeRoster(event: "RSA 2026", file: "g.csv", shape: roster.shape, entries: roster.entries)
        let found = try #require(try w.store.rosterAttendee(event: "RSA 2026", keys: [RosterKey(.code, "NONE"), RosterKey(.uid, "0A0B0C0D")]))
        #expect(found.entry.fullName == "Dan Brown" && found.key.kind == .uid)
        #expect(try w.store.rosterAttendee(event: "Other", keys: [RosterKey(.uid, "0A0B0C0D")]) == nil)

        let source = LeadSource(channel: .tap, reader: "r", tagUID: "04A1B2C3D4E5F6", tagType: "ntag215", format: "uid")
        let candidate = LeadCandidate.make(contact: NormalizedContact(), raw: RawPayload(mediaType: "application/octet-stream", bytes: [4, 0xA1]),
                                           source: source, event: "RSA 2026", rep: "alice", policy: LeadPolicy())
        let lead = try #require(try w.store.capture(candidate).lead)
        let enriched = try RosterResolver(store: w.store, event: "RSA 2026", normalizer: ContactNormalizer(region: "US")).enrichUnresolved()
        #expect(enriched.map(\.id) == [lead.id])
        let stored = try w.store.lead(lead.id)
        #expect(stored.contact.fullName == "Carol King" && stored.contact.emails == ["carol@umbrella.example"])
        #expect(stored.contact.phones.first?.e164 == "+14155550100")
        #expect(stored.source.matched == RosterMatch(key: "uid", value: "04A1B2C3D4E5F6"))
        #expect(stored.raw == lead.raw)
        let events = try w.store.events(forLead: lead.id)
        #expect(events.map(\.kind) == ["created", "enriched"])
        #expect(events[1].data.contains("\"via\":\"roster\"") && events[1].data.contains("full_name"))
        // Resolved now: a second pass changes nothing.
        #expect(try RosterResolver(store: w.store, event: "RSA 2026", normalizer: ContactNormalizer(region: "US")).enrichUnresolved().isEmpty)
        #expect(try w.store.purgeRoster(event: "RSA 2026") == 2)
        #expect(try w.store.rosters().isEmpty)
    }
}
