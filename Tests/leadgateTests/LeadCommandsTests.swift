import ContactFormats
import Foundation
import Testing

/// `leadgate leads`, `note`, `set` and `quarantine` on a store an import filled.
@Suite struct LeadCommandsTests {
    static let cards = CardText.vCard("Jane Doe", email: "jane@acme.example",
                                      extra: ["N:Doe;Jane;;;", "ORG:=HYPERLINK(\"http://evil.example\")", "TITLE:CTO", "TEL;TYPE=CELL:+1 415 555 0134"])
        + CardText.vCard("Bob Stone", email: "bob@globex.example", extra: ["ORG:Globex\\, Inc."])
        + CardText.vCard("Ann Lee", email: "ann@initech.example", extra: ["NOTE:met at the bar"])

    /// A store with Jane, Bob and Ann, in that order; their full ids.
    static func store() throws -> (CLIWorkspace, [String]) {
        let w = try CLIWorkspace()
        try w.write("cards.vcf", cards)
        let result = try w.leadgate(["import", w.input.path, "--event", "RSA 2026", "--rep", "alice"])
        #expect(result.status == 0, "\(result.stderr)")
        let ids = try w.sql("SELECT id FROM leads ORDER BY rowid")
        #expect(try w.sql("SELECT json_extract(json, '$.contact.full_name') FROM leads ORDER BY rowid") == ["Jane Doe", "Bob Stone", "Ann Lee"])
        return (w, ids)
    }

    static func jsonLines(_ result: LeadgateBinary.Result) throws -> [[String: Any]] {
        try result.stdoutText.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    @Test func listsLeadsAsATableWithShortIDs() throws {
        let (w, ids) = try Self.store()
        let result = try w.leadgate(["leads"])
        #expect(result.status == 0)
        let lines = result.stdoutText.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("ID") == true)
        #expect(lines.first?.contains("NAME") == true && lines.first?.contains("STATUS") == true && lines.first?.contains("DUE") == true)
        #expect(lines.last == "3 lead(s)")
        #expect(lines.count == 5)
        let shortIDs = lines.dropFirst().dropLast().map { String($0.prefix { $0 != " " }) }
        for (short, id) in zip(shortIDs, ids) {
            #expect(short.count >= 8 && short.count < 36)
            #expect(id.hasPrefix(short))
        }
        #expect(lines[1].contains("Jane Doe") && lines[1].contains("new") && lines[1].contains("alice") && lines[1].contains("follow up"))
    }

    @Test func exportsJSONOneLeadPerLine() throws {
        let (w, ids) = try Self.store()
        let leads = try Self.jsonLines(try w.leadgate(["leads", "--format", "json"]))
        #expect(leads.map { $0["id"] as? String } == ids)
        for key in ["id", "event", "rep", "captured_at", "source", "contact", "note", "status", "owner", "tags", "next_action", "consent", "raw"] {
            #expect(leads[0][key] != nil, "missing \(key)")
        }
        #expect(leads[0]["event"] as? String == "RSA 2026")
        let contact = try #require(leads[0]["contact"] as? [String: Any])
        #expect(contact["emails"] as? [String] == ["jane@acme.example"])
        #expect((contact["phones"] as? [[String: Any]])?.first?["e164"] as? String == "+14155550134")
        #expect((leads[0]["source"] as? [String: Any])?["file"] as? String == w.input.appendingPathComponent("cards.vcf").path)
        #expect(try Self.jsonLines(try w.leadgate(["leads", "--json", "--event", "nope"])).isEmpty)
    }

    @Test func exportsCSVForACRMWithFormulasNeutralized() throws {
        let (w, _) = try Self.store()
        let result = try w.leadgate(["leads", "--format", "csv"])
        #expect(result.status == 0)
        let text = result.stdoutText
        #expect(text.hasPrefix("First Name,Last Name,Company,Title,Email,Phone,Lead Source,Description,Lead Owner,Lead Status"))
        #expect(text.contains("\r\n"))
        let jane = try #require(text.components(separatedBy: "\r\n").first { $0.hasPrefix("Jane,Doe,") })
        #expect(jane.hasPrefix("Jane,Doe,\"'=HYPERLINK(\"\"http://evil.example\"\")\",CTO,jane@acme.example,"))
        #expect(jane.contains(",RSA 2026,"))
        #expect(text.contains("Bob,Stone,\"Globex, Inc.\","))
    }

    @Test func exportsVCardsThatReadBack() throws {
        let (w, _) = try Self.store()
        let result = try w.leadgate(["leads", "--format", "vcf"])
        #expect(result.status == 0)
        let parsed = try VCardParser().parse(Array(result.stdout))
        #expect(parsed.issues.isEmpty)
        #expect(parsed.cards.map(\.card.formattedName) == ["Jane Doe", "Bob Stone", "Ann Lee"])
        #expect(parsed.cards.allSatisfy { $0.card.version == "4.0" })
        #expect(parsed.cards[1].card.organization.first == "Globex, Inc.")
    }

    @Test func notesAndChangesByAbbreviatedID() throws {
        let (w, ids) = try Self.store()
        let table = try w.leadgate(["leads"]).stdoutText.split(separator: "\n")
        let janeShort = String(table[1].prefix { $0 != " " })
        let noted = try w.leadgate(["note", janeShort, "wants a 50-seat pilot #hot #pilot @bob next: call 2030-01-15", "--json"])
        #expect(noted.status == 0, "\(noted.stderr)")
        let lead = try noted.json()
        #expect(lead["id"] as? String == ids[0])
        #expect(lead["note"] as? String == "wants a 50-seat pilot")
        #expect(lead["status"] as? String == "hot")
        #expect(lead["owner"] as? String == "bob")
        #expect(lead["tags"] as? [String] == ["pilot"])
        #expect((lead["next_action"] as? [String: Any])?["action"] as? String == "call")
        #expect(((lead["next_action"] as? [String: Any])?["due"] as? String)?.hasPrefix("2030-01-1") == true)
        #expect(try w.sql("SELECT kind FROM lead_events WHERE lead_id = '\(ids[0])' ORDER BY seq")
                == ["created", "note_added", "status_changed", "owner_changed", "next_action_changed", "tags_changed"])
        #expect(try w.count("SELECT count(*) FROM outbox WHERE lead_id = '\(ids[0])' AND state = 'queued'") == 6)

        let set = try w.leadgate(["set", String(ids[1].prefix(18)), "--status", "cold", "--owner", "carol", "--next", "send pricing", "--due", "2020-01-01T10:00", "--allow-past", "--json"])
        #expect(set.status == 0, "\(set.stderr)")
        let bob = try set.json()
        #expect(bob["status"] as? String == "cold")
        #expect(bob["owner"] as? String == "carol")
        #expect((bob["next_action"] as? [String: Any])?["action"] as? String == "send pricing")

        let hot = try Self.jsonLines(try w.leadgate(["leads", "--status", "hot", "--format", "json"]))
        #expect(hot.map { $0["id"] as? String } == [ids[0]])
        let overdue = try Self.jsonLines(try w.leadgate(["leads", "--overdue", "--format", "json"]))
        #expect(overdue.map { $0["id"] as? String } == [ids[1]])
        let table2 = try w.leadgate(["leads", "--overdue"]).stdoutText
        #expect(table2.contains("1 lead(s), 1 overdue (!)"))
        #expect(try Self.jsonLines(try w.leadgate(["leads", "--rep", "alice", "--owner", "carol", "--json"])).count == 1)
    }

    @Test func anAmbiguousOrUnknownIDIsBadInput() throws {
        let (w, ids) = try Self.store()
        // UUIDv7s made within days share their first characters.
        let ambiguous = try w.leadgate(["note", String(ids[0].prefix(4)), "x"])
        #expect(ambiguous.status == 65)
        #expect(ambiguous.stderr.contains("more than one lead"))
        let unknown = try w.leadgate(["set", "ffffffff", "--status", "hot"])
        #expect(unknown.status == 65)
        #expect(unknown.stderr.hasPrefix("leadgate: error: no lead ffffffff"))
        #expect(try w.leadgate(["set", ids[0]]).status == 64)
        #expect(try w.leadgate(["set", ids[0], "--next", "call", "--due", "someday"]).status == 64)
        #expect(try w.leadgate(["set", ids[0], "--status", "lukewarm"]).status == 64)
        #expect(try w.count("SELECT count(*) FROM lead_events") == 3)
    }

    @Test func quarantineListsShowsAndRetries() throws {
        let w = try CLIWorkspace()
        let torn = try w.write("torn.vcf", CardText.torn)
        // A vCard saved with the wrong extension: read as NDEF it fails, read as what it is it works.
        let misnamed = try w.write("misnamed.ndef", CardText.vCard("Mia Named", email: "mia@acme.example"))
        let imported = try w.leadgate(["import", w.input.path, "--event", "E", "--rep", "r"])
        #expect(imported.status == 65)
        #expect(try w.count("SELECT count(*) FROM leads") == 0)

        let list = try w.leadgate(["quarantine", "list"])
        #expect(list.status == 0)
        let lines = list.stdoutText.split(separator: "\n").map(String.init)
        #expect(lines.last == "2 entries")
        let tornLine = try #require(lines.first { $0.contains(torn) })
        #expect(tornLine.contains("torn") && tornLine.contains("(\(CardText.torn.utf8.count) bytes)"))
        let tornID = String(tornLine.prefix { $0 != " " })
        let misnamedID = String(try #require(lines.first { $0.contains(misnamed) }).prefix { $0 != " " })
        #expect(tornID.count >= 8 && misnamedID.count >= 8)

        let show = try w.leadgate(["quarantine", "show", tornID])
        #expect(show.status == 0)
        #expect(show.stdoutText.contains("reason:") && show.stdoutText.contains("torn"))
        #expect(show.stdoutText.contains("|BEGIN:VCARD..VER|"))
        let raw = try w.leadgate(["quarantine", "show", tornID, "--raw"])
        #expect(raw.stdout == Data(CardText.torn.utf8))
        let json = try w.leadgate(["quarantine", "show", tornID, "--json"]).json()
        #expect(json["raw_base64"] as? String == Data(CardText.torn.utf8).base64EncodedString())
        #expect(json["origin"] as? String == torn)

        let stillTorn = try w.leadgate(["quarantine", "retry", tornID])
        #expect(stillTorn.status == 65)
        #expect(stillTorn.stderr.contains("still rejected"))

        let retried = try w.leadgate(["quarantine", "retry", misnamedID])
        #expect(retried.status == 0, "\(retried.stderr)")
        #expect(retried.stdoutText.hasPrefix("retried "))
        #expect(try w.sql("SELECT json_extract(json, '$.contact.emails[0]') || '|' || event FROM leads") == ["mia@acme.example|E"])
        let after = try w.leadgate(["quarantine", "list"]).stdoutText
        #expect(after.contains("1 entry") && !after.contains(misnamed))
        #expect(try w.leadgate(["quarantine", "list", "--all"]).stdoutText.contains("[retried -> "))
        #expect(try w.leadgate(["quarantine", "show", "abcdabcd"]).status == 65)
    }
}
