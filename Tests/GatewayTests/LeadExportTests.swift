import ContactFormats
import Foundation
import Gateway
import Leads
import Testing
import TestSupport

@Suite struct LeadExportTests {
    static func lead(name: String? = "Jane Doe", given: String? = "Jane", family: String? = "Doe", org: String? = "Acme, Inc.",
                     title: String? = "CTO", emails: [String] = ["jane@acme.example"],
                     phones: [NormalizedContact.Phone] = [.init(number: "+1 (415) 555-0134", e164: "+14155550134", types: ["cell"])],
                     note: String? = "wants a \"pilot\", call Tuesday", owner: String = "alice", tags: [String] = []) -> Lead {
        let contact = NormalizedContact(fullName: name, givenName: given, familyName: family, organization: org, title: title,
                                        emails: emails, phones: phones, urls: ["https://acme.example/jane"],
                                        addresses: ["1 Main St, Springfield"])
        let at = Date(timeIntervalSince1970: 1_795_000_000)
        return Lead(id: LeadID.make(at: at), event: "RSA 2026", rep: "alice", capturedAt: at,
                    source: LeadSource(channel: .import, format: "vcard", file: "x.vcf"), contact: contact, note: note,
                    status: .hot, owner: owner, tags: tags, nextAction: NextAction(action: "call", due: at.addingTimeInterval(86_400)),
                    raw: RawPayload(mediaType: "text/vcard", bytes: []))
    }

    static func parseCSV(_ text: String) -> [[String]] { CSVRows.parse(text) }

    @Test func csvHasTheColumnsACRMImportExpects() throws {
        let lead = Self.lead()
        let csv = LeadExport.csv([lead])
        #expect(csv.hasSuffix("\r\n"))
        let rows = Self.parseCSV(csv)
        #expect(rows.count == 2)
        let header = rows[0]
        for column in ["First Name", "Last Name", "Company", "Title", "Email", "Phone", "Lead Source", "Description", "Lead Owner", "Lead Status"] {
            #expect(header.contains(column), "missing \(column)")
        }
        let row = Dictionary(uniqueKeysWithValues: zip(header, rows[1]))
        #expect(row["First Name"] == "Jane")
        #expect(row["Last Name"] == "Doe")
        #expect(row["Company"] == "Acme, Inc.")
        #expect(row["Title"] == "CTO")
        #expect(row["Email"] == "jane@acme.example")
        #expect(row["Lead Source"] == "RSA 2026")
        #expect(row["Description"] == "wants a \"pilot\", call Tuesday")
        #expect(row["Lead Owner"] == "alice")
        #expect(row["Lead Status"] == "hot")
        #expect(row["Lead ID"] == lead.id)
        #expect(rows[1].count == header.count)
    }

    @Test func csvNeutralizesCellsThatASpreadsheetWouldRun() throws {
        let lead = Self.lead(name: nil, given: "=HYPERLINK(\"http://evil.example\",\"x\")", family: "+SUM(1,2)", org: "-2+3",
                             title: "@cmd", emails: ["\tjane@acme.example"], phones: [], note: "=1+1\nsecond line", owner: "\r@x")
        let rows = Self.parseCSV(LeadExport.csv([lead]))
        let row = Dictionary(uniqueKeysWithValues: zip(rows[0], rows[1]))
        #expect(row["First Name"] == "'=HYPERLINK(\"http://evil.example\",\"x\")")
        #expect(row["Last Name"] == "'+SUM(1,2)")
        #expect(row["Company"] == "'-2+3")
        #expect(row["Title"] == "'@cmd")
        #expect(row["Email"] == "'\tjane@acme.example")
        #expect(row["Description"] == "'=1+1\nsecond line")
        #expect(row["Lead Owner"] == "'\r@x")
        // No cell of the file starts with a formula character.
        for cell in rows.flatMap({ $0 }) {
            #expect(!(cell.first.map { "=+-@".contains($0) } ?? false), "\(cell) is not neutralized")
        }
    }

    @Test func csvSplitsAFullNameWhenThereIsNoStructuredOne() throws {
        let rows = Self.parseCSV(LeadExport.csv([Self.lead(name: "Jean Luc Picard", given: nil, family: nil)]))
        let row = Dictionary(uniqueKeysWithValues: zip(rows[0], rows[1]))
        #expect(row["First Name"] == "Jean Luc")
        #expect(row["Last Name"] == "Picard")
    }

    @Test func vCardExportReadsBackWithLeadgatesOwnParser() throws {
        let long = "Spricht über Preise; will einen Pilot, 50 Plätze — " + String(repeating: "ünd ", count: 40)
        let leads = [
            Self.lead(tags: ["pilot", "q4"]),
            Self.lead(name: "Zoë Ünal", given: "Zoë", family: "Ünal", org: "Soylent; AG", title: "VP, Sales",
                      emails: ["zoe@soylent.example", "z@home.example"],
                      phones: [.init(number: "030 1234567", e164: nil, types: ["work"])], note: long, tags: []),
        ]
        let text = LeadExport.vcards(leads)
        for line in text.components(separatedBy: "\r\n") { #expect(line.utf8.count <= 75, "line too long: \(line)") }
        let parsed = try VCardParser().parse(Array(text.utf8))
        #expect(parsed.issues.isEmpty)
        #expect(parsed.cards.count == 2)
        let jane = parsed.cards[0].card, zoe = parsed.cards[1].card
        #expect(jane.version == "4.0")
        #expect(jane.formattedName == "Jane Doe")
        #expect(jane.name?.given == ["Jane"])
        #expect(jane.name?.family == ["Doe"])
        #expect(jane.organization.first == "Acme, Inc.")
        #expect(jane.title == "CTO")
        #expect(jane.emails.map(\.value) == ["jane@acme.example"])
        #expect(jane.phones.first?.value.hasSuffix("+14155550134") == true)
        #expect(jane.urls == ["https://acme.example/jane"])
        #expect(jane.note?.contains("wants a \"pilot\", call Tuesday") == true)
        #expect(jane.note?.contains("Status: hot") == true)
        #expect(zoe.formattedName == "Zoë Ünal")
        #expect(zoe.organization.first == "Soylent; AG")
        #expect(zoe.title == "VP, Sales")
        #expect(zoe.emails.map(\.value) == ["zoe@soylent.example", "z@home.example"])
        #expect(zoe.phones.map(\.value) == ["030 1234567"])
        #expect(zoe.note?.contains(long) == true)
        // And it normalizes back to the same contact details.
        let normalized = ContactNormalizer(region: "US").normalize(jane)
        #expect(normalized.phones.first?.e164 == "+14155550134")
        #expect(normalized.emails == ["jane@acme.example"])
    }
}

@Suite struct NoteGrammarTests {
    // Wednesday 2026-11-18 11:06:40 UTC.
    static let now = Date(timeIntervalSince1970: 1_795_000_000)
    static let grammar = NoteGrammar(now: now, timeZone: TimeZone(identifier: "UTC")!)

    static func utc(_ text: String) -> Date { Timestamp.parse(text)! }

    @Test func plainTextIsTheNote() {
        let parsed = Self.grammar.parse("  wants a 50-seat   pilot ")
        #expect(parsed.note == "wants a 50-seat pilot")
        #expect(parsed.status == nil && parsed.owner == nil && parsed.tags.isEmpty && parsed.nextAction == nil && parsed.due == nil)
        #expect(Self.grammar.parse("   ").note == nil)
    }

    @Test func hashWordsSetTheStatusOrTag() {
        let parsed = Self.grammar.parse("#hot wants a pilot #Pilot #budget, #pilot")
        #expect(parsed.status == .hot)
        #expect(parsed.tags == ["pilot", "budget"])
        #expect(parsed.note == "wants a pilot")
        #expect(Self.grammar.parse("#cold").status == .cold)
        #expect(Self.grammar.parse("#WARM!").status == .warm)
        #expect(Self.grammar.parse("room #4").tags == ["4"])
    }

    @Test func atNameSetsTheOwnerButAnEmailStaysInTheNote() {
        let parsed = Self.grammar.parse("hand over to @bob. jane@acme.example")
        #expect(parsed.owner == "bob")
        #expect(parsed.note == "hand over to jane@acme.example")
        #expect(Self.grammar.parse("@ alone").owner == nil)
    }

    @Test func nextTakesAnActionAndAWeekday() {
        let parsed = Self.grammar.parse("liked the demo next: call friday")
        #expect(parsed.note == "liked the demo")
        #expect(parsed.nextAction == "call")
        #expect(parsed.due == Self.utc("2026-11-20T09:00:00Z"))
    }

    @Test func nextTakesAnActionAndADate() {
        let parsed = Self.grammar.parse("next: demo 2026-12-01")
        #expect(parsed.nextAction == "demo")
        #expect(parsed.due == Self.utc("2026-12-01T09:00:00Z"))
        let withTime = Self.grammar.parse("NEXT:send pricing tomorrow 14:00 #warm")
        #expect(withTime.nextAction == "send pricing")
        #expect(withTime.due == Self.utc("2026-11-19T14:00:00Z"))
        #expect(withTime.status == .warm)
    }

    @Test func nextWithoutATimeKeepsTheDueTime() {
        let parsed = Self.grammar.parse("next: send the deck")
        #expect(parsed.nextAction == "send the deck")
        #expect(parsed.due == nil)
        let onlyTime = Self.grammar.parse("next: +2d")
        #expect(onlyTime.nextAction == "follow up")
        #expect(onlyTime.due == Self.now.addingTimeInterval(2 * 86_400))
    }

    @Test func theWholeGrammarTogether() {
        let parsed = Self.grammar.parse("wants a 50-seat pilot #hot #pilot @bob next: call tuesday 10am")
        #expect(parsed.note == "wants a 50-seat pilot")
        #expect(parsed.status == .hot)
        #expect(parsed.tags == ["pilot"])
        #expect(parsed.owner == "bob")
        #expect(parsed.nextAction == "call")
        #expect(parsed.due == Self.utc("2026-11-24T10:00:00Z"))
        let change = LeadChangeView(parsed)
        #expect(change == "hot bob call pilot")
    }

    /// What `leadgate note` hands the store, flattened for comparison.
    func LeadChangeView(_ p: ParsedNote) -> String {
        [p.status?.rawValue, p.owner, p.nextAction, p.tags.joined(separator: ",")].compactMap { $0 }.joined(separator: " ")
    }
}

@Suite struct DueDateTests {
    static let due = DueDate(now: NoteGrammarTests.now, timeZone: TimeZone(identifier: "UTC")!)
    static func utc(_ text: String) -> Date { Timestamp.parse(text)! }

    @Test func readsDaysAndTimes() {
        let cases: [(String, String)] = [
            ("friday", "2026-11-20T09:00:00Z"),
            ("Fri", "2026-11-20T09:00:00Z"),
            ("wednesday", "2026-11-25T09:00:00Z"),  // today is Wednesday: a week away
            ("next monday", "2026-11-23T09:00:00Z"),
            ("today 17:30", "2026-11-18T17:30:00Z"),
            ("eod", "2026-11-18T17:00:00Z"),
            ("tomorrow", "2026-11-19T09:00:00Z"),
            ("tomorrow 2pm", "2026-11-19T14:00:00Z"),
            ("tomorrow 12am", "2026-11-19T00:00:00Z"),
            ("2026-12-01", "2026-12-01T09:00:00Z"),
            ("2026-12-01T15:30", "2026-12-01T15:30:00Z"),
            ("2026-12-01 15:30", "2026-12-01T15:30:00Z"),
            ("2026-12-01T15:30:00Z", "2026-12-01T15:30:00Z"),
            ("2026-12-01T15:30:00+01:00", "2026-12-01T14:30:00Z"),
        ]
        for (text, expected) in cases {
            #expect(Self.due.parse(text) == Self.utc(expected), "\(text)")
        }
    }

    @Test func readsRelativeTimes() {
        #expect(Self.due.parse("+2d") == NoteGrammarTests.now.addingTimeInterval(2 * 86_400))
        #expect(Self.due.parse("in 3 hours") == NoteGrammarTests.now.addingTimeInterval(3 * 3600))
        #expect(Self.due.parse("90m") == NoteGrammarTests.now.addingTimeInterval(90 * 60))
        #expect(Self.due.parse("in 1 week") == NoteGrammarTests.now.addingTimeInterval(7 * 86_400))
    }

    @Test func refusesWhatIsNoTime() {
        for text in ["", "someday", "call", "2", "25:00", "2026-13-01", "2026-02-30", "2026-00-10", "+0d", "in 2 parsecs"] {
            #expect(Self.due.parse(text) == nil, "\(text) read as \(String(describing: Self.due.parse(text)))")
        }
    }
}
