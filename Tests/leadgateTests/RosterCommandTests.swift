import Foundation
import NDEF
import Testing
import TestSupport

/// `leadgate roster import|list|show|purge`, late enrichment of leads already captured,
/// `leadgate set --name ...`, and the roster key in the exports, on real stores.
@Suite struct RosterCommandTests {
    static let eventbrite = """
        Order #,First Name,Last Name,Email,Company,Job Title,Barcode #,Attendee #
        1001,Jane,Doe,jane@acme.example,Acme Corp,CTO,XK42,5001
        1002,Bob,Stone,bob@globex.example,"Globex, Inc.",VP Sales,XK43,5002

        """

    /// An NDEF message with one URI record, as a profile-link or code badge holds.
    static func uriTag(_ uri: String) -> [UInt8] { NDEFMessage(records: [.uri(uri)]).encoded() }

    static func leadsJSON(_ w: CLIWorkspace) throws -> [[String: Any]] {
        try LeadCommandsTests.jsonLines(try w.leadgate(["leads", "--json"]))
    }

    @Test func importsAnEventbriteExportAndSaysWhatItTookEachColumnAs() throws {
        let w = try CLIWorkspace()
        let file = try w.write("attendees.csv", Self.eventbrite)

        let result = try w.leadgate(["roster", "import", file, "--event", "RSA 2026"])

        #expect(result.status == 0, "\(result.stderr)")
        let out = result.stdoutText
        #expect(out.contains("read as an Eventbrite export"))
        #expect(out.contains("Barcode #  -> code") || out.contains("Barcode #   -> code"), "\(out)")
        #expect(out.contains("(ignored)"))
        #expect(out.contains("stored 2 attendee(s) for RSA 2026"))
        #expect(out.contains("enriched 0 lead(s)"))
        #expect(result.stderr.isEmpty)
        let attributes = try FileManager.default.attributesOfItem(atPath: w.store)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)

        let list = try LeadCommandsTests.jsonLines(try w.leadgate(["roster", "list", "--json"]))
        #expect(list.count == 1)
        #expect(list[0]["event"] as? String == "RSA 2026" && list[0]["attendees"] as? Int == 2 && list[0]["shape"] as? String == "eventbrite")
        let shown = try w.leadgate(["roster", "show", "--event", "RSA 2026"]).stdoutText
        #expect(shown.contains("line 3  Bob Stone, Globex, Inc.  "), "\(shown)")
        #expect(shown.contains("code:XK43") && shown.contains("email:bob@globex.example"))

        // Imported again: replaced, not doubled.
        let again = try w.leadgate(["roster", "import", file, "--event", "RSA 2026"])
        #expect(again.stdoutText.contains("stored 2 attendee(s) for RSA 2026 (replacing 2)"))
        #expect(try w.count("SELECT count(*) FROM roster") == 2)

        let purge = try w.leadgate(["roster", "purge", "--event", "RSA 2026"])
        #expect(purge.stdoutText == "removed 2 attendee(s) of RSA 2026\n")
        #expect(try w.count("SELECT count(*) FROM roster") == 0 && w.count("SELECT count(*) FROM roster_keys") == 0)
    }

    @Test func reportsBadRowsByLineOnStderrAndKeepsTheGoodOnes() throws {
        let w = try CLIWorkspace()
        let file = try w.write("pretix.csv", "Order code;Attendee name;E-mail;Company;Secret\n"
            + "AB1;Ann Lee;ann@initech.example;Initech;s1\n"
            + ";Nobody;;Initech;\n"
            + "AB3;Mal Formed;not an email;Initech;s3\n"
            + "AB4;Tom Lee;tom@initech.example;Initech;s4\n")

        let result = try w.leadgate(["roster", "import", file, "--event", "RSA 2026"])

        #expect(result.status == 65)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines == [
            "leadgate: error: \(file) line 3: no badge UID, code or email",
            "leadgate: error: \(file) line 4: \"not an email\" is not an email address",
            "leadgate: error: \(file): 2 row(s) rejected, 2 attendee(s) stored",
        ])
        #expect(result.stdoutText.contains("read as a pretix export"))
        #expect(try w.sql("SELECT line FROM roster ORDER BY id") == ["2", "5"])
    }

    @Test func refusesAFileWithNoKeyColumnAndNamesMap() throws {
        let w = try CLIWorkspace()
        let file = try w.write("list.csv", "Teilnehmer,Firma\nJane,Acme\n")

        let result = try w.leadgate(["roster", "import", file, "--event", "E"])
        let mapped = try w.leadgate(["roster", "import", file, "--event", "E", "--map", "Teilnehmer=code", "--map", "Firma=company"])
        let badMap = try w.leadgate(["roster", "import", file, "--event", "E", "--map", "Teilnehmer=zip"])

        #expect(result.status == 65)
        #expect(result.stderr.hasPrefix("leadgate: error: \(file): no column holds a badge UID, a code or an email"))
        #expect(result.stderr.contains("--map"))
        #expect(mapped.status == 0, "\(mapped.stderr)")
        #expect(mapped.stdoutText.contains("Teilnehmer  -> code"))
        #expect(badMap.status == 64)
        #expect(badMap.stderr.contains("zip is not a field"))
    }

    @Test func enrichesLeadsCapturedBeforeTheRosterAsQueuedChangeEvents() throws {
        let w = try CLIWorkspace()
        try w.write("tags/jane.ndef", Self.uriTag("https://example.com/badge?code=xk42"))
        try w.write("tags/stranger.ndef", Self.uriTag("https://example.com/badge?code=NOPE1"))
        let imported = try w.leadgate(["import", w.input.appendingPathComponent("tags").path, "--event", "RSA 2026", "--rep", "alice"])
        #expect(imported.status == 0, "\(imported.stderr)")
        let before = try Self.leadsJSON(w)
        #expect(before.count == 2)
        let rawBefore = before.map { ($0["raw"] as? [String: Any])?["base64"] as? String }

        let file = try w.write("attendees.csv", Self.eventbrite)
        let result = try w.leadgate(["roster", "import", file, "--event", "RSA 2026", "--json"])

        #expect(result.status == 0, "\(result.stderr)")
        #expect(try result.json()["enriched"] as? Int == 1)
        let after = try Self.leadsJSON(w)
        let jane = try #require(after.first { (($0["contact"] as? [String: Any])?["full_name"] as? String) == "Jane Doe" })
        let contact = try #require(jane["contact"] as? [String: Any])
        #expect(contact["emails"] as? [String] == ["jane@acme.example"])
        #expect(contact["organization"] as? String == "Acme Corp" && contact["title"] as? String == "CTO")
        #expect(contact["urls"] as? [String] == ["https://example.com/badge?code=xk42"])
        let matched = try #require((jane["source"] as? [String: Any])?["matched"] as? [String: Any])
        #expect(matched["key"] as? String == "code" && matched["value"] as? String == "XK42")
        #expect(after.map { ($0["raw"] as? [String: Any])?["base64"] as? String } == rawBefore)
        let stranger = try #require(after.first { (($0["contact"] as? [String: Any])?["full_name"] as? String) == nil })
        #expect((stranger["source"] as? [String: Any])?["matched"] == nil)
        #expect(try w.sql("SELECT kind, state FROM lead_events WHERE kind = 'enriched'") == ["enriched|queued"])

        // A roster with the stranger arrives later: only they change.
        let update = try w.write("late.csv", "code,name,email\nNOPE1,Stan Ger,stan@ger.example\n")
        let second = try w.leadgate(["roster", "import", update, "--event", "RSA 2026", "--append"])
        #expect(second.stdoutText.contains("enriched 1 lead(s)"), "\(second.stdoutText)")
        #expect(try w.count("SELECT count(*) FROM lead_events WHERE kind = 'enriched'") == 2)
    }

    @Test func setEditsTheContactAsAChangeEventWithPhonesNormalized() throws {
        let (w, ids) = try LeadCommandsTests.store()

        let result = try w.leadgate(["set", ids[1], "--name", "Robert Stone", "--email", "rob@globex.example",
                                     "--phone", "(415) 555-0199", "--company", "Globex", "--title", "CFO", "--region", "US", "--json"])
        let nothing = try w.leadgate(["set", ids[1]])
        let badEmail = try w.leadgate(["set", ids[1], "--email", "nope"])

        #expect(result.status == 0, "\(result.stderr)")
        let lead = try result.json()
        let contact = try #require(lead["contact"] as? [String: Any])
        #expect(contact["full_name"] as? String == "Robert Stone")
        #expect(contact["given_name"] as? String == "Robert" && contact["family_name"] as? String == "Stone")
        #expect(contact["emails"] as? [String] == ["rob@globex.example", "bob@globex.example"])
        #expect((contact["phones"] as? [[String: Any]])?.first?["e164"] as? String == "+14155550199")
        #expect(contact["organization"] as? String == "Globex" && contact["title"] as? String == "CFO")
        let data = try w.sql("SELECT data FROM lead_events WHERE kind = 'contact_changed' AND lead_id = '\(ids[1])'")
        #expect(data.count == 1)
        #expect(data.first?.contains("\"via\":\"manual\"") == true && data.first?.contains("full_name") == true)
        #expect(nothing.status == 64 && nothing.stderr.contains("--name"))
        #expect(badEmail.status == 64 && badEmail.stderr.contains("--email nope: not an email address"))
    }

    @Test func exportsCarryTheRosterKeyAndTheLink() throws {
        let w = try CLIWorkspace()
        try w.write("tags/jane.ndef", Self.uriTag("https://example.com/badge?code=XK42"))
        _ = try w.leadgate(["import", w.input.appendingPathComponent("tags").path, "--event", "RSA 2026", "--rep", "alice"])
        _ = try w.leadgate(["roster", "import", try w.write("a.csv", Self.eventbrite), "--event", "RSA 2026"])

        let csv = try w.leadgate(["leads", "--format", "csv"]).stdoutText
        let vcf = try w.leadgate(["leads", "--format", "vcf"]).stdoutText

        let rows = csv.split(separator: "\r\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let column = try #require(rows.first?.firstIndex(of: "Roster Key"))
        #expect(rows[1][column] == "code:XK42")
        #expect(vcf.contains("X-LEADGATE-ROSTER-KEY:code:XK42\r\n"))
        #expect(vcf.contains("URL:https://example.com/badge?code=XK42\r\n"))
        #expect(vcf.contains("FN:Jane Doe\r\n"))
    }
}
