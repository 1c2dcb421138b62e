import Foundation
import Testing
import TestSupport

/// What a new booth team trips over outside the booth screen (issue 19): the demo's own
/// store, a mistyped --store, event names, due times, CRM exports, the quarantine.
@Suite(.serialized) struct StoreUsabilityTests {
    static func json(_ text: String) -> [[String: Any]] {
        text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    @Test func theDemoKeepsItsLeadsInItsOwnStoreAndSaysWhere() async throws {
        let workspace = try CLIWorkspace()
        let dataHome = workspace.folder.appendingPathComponent("data").path
        let realStore = workspace.folder.appendingPathComponent("real/leads.sqlite").path
        let environment = ["XDG_DATA_HOME": dataHome, "LEADGATE_STORE": realStore]
        let demo = try await ChildProcess.leadgate(["demo"], environment: environment)
        #expect(demo.status == 0, "\(demo.stderr)")
        let demoStore = dataHome + "/leadgate/demo.sqlite"
        #expect(demo.stdout.contains("demo store \(demoStore)"))
        #expect(FileManager.default.fileExists(atPath: demoStore))
        // The real store ($LEADGATE_STORE) was never made, so nothing can forward the samples.
        #expect(!FileManager.default.fileExists(atPath: realStore))
        let leads = try await ChildProcess.leadgate(["leads", "--json", "--store", demoStore])
        #expect(Self.json(leads.stdout).count == 6)

        // --store still chooses.
        let chosen = workspace.folder.appendingPathComponent("chosen.sqlite").path
        let again = try await ChildProcess.leadgate(["demo", "--store", chosen], environment: environment)
        #expect(again.status == 0)
        #expect(again.stdout.contains(chosen))
        #expect(FileManager.default.fileExists(atPath: chosen))

        // An empty event is refused, as booth refuses it.
        let empty = try await ChildProcess.leadgate(["demo", "--event", " ", "--store", chosen], environment: environment)
        #expect(empty.status == 64)
        #expect(empty.stderr.contains("--event must not be empty"))
    }

    @Test func commandsThatOnlyReadSayAMissingStoreDoesNotExistAndCreateNothing() async throws {
        let workspace = try CLIWorkspace()
        let missing = workspace.folder.appendingPathComponent("typo/leadz.sqlite").path
        for command in [["leads"], ["report"], ["status"], ["quarantine"], ["quarantine", "list"], ["note", "0192", "hello"],
                        ["set", "0192", "--status", "hot"]] {
            let result = try await ChildProcess.leadgate(command + ["--store", missing])
            #expect(result.status == 66, "\(command): \(result.stderr)")
            #expect(result.stderr.hasPrefix("leadgate: error: store \(missing) does not exist"), "\(command): \(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
        #expect(!FileManager.default.fileExists(atPath: missing))
        #expect(!FileManager.default.fileExists(atPath: workspace.folder.appendingPathComponent("typo").path))
    }

    @Test func eventNamesMatchWithoutCaseOrSpacesAndCapturesKeepTheFirstSpelling() async throws {
        let workspace = try CLIWorkspace()
        let first = try workspace.write("a/jane.vcf", CardText.vCard("Jane Doe", email: "jane@acme.example"))
        let second = try workspace.write("b/kenji.vcf", CardText.vCard("Kenji Tanaka", email: "kenji@example.jp"))
        #expect(try workspace.leadgate(["import", first, "--event", "RSA 2026", "--rep", "alice"]).status == 0)
        let later = try workspace.leadgate(["import", second, "--event", " rsa  2026", "--rep", "bob"])
        #expect(later.status == 0, "\(later.stderr)")
        #expect(later.stderr.contains("the store has this event as \"RSA 2026\"; using that spelling"))
        #expect(try workspace.sql("SELECT DISTINCT event FROM leads") == ["RSA 2026"])

        let listed = try workspace.leadgate(["leads", "--json", "--event", "rsa 2026 "])
        #expect(Self.json(listed.stdoutText).count == 2)
        let report = try workspace.leadgate(["report", "--json", "--event", "Rsa 2026"])
        let object = try #require(try JSONSerialization.jsonObject(with: report.stdout) as? [String: Any])
        let total = (object["reps"] as? [[String: Any]])?.map { $0["captured"] as? Int ?? 0 }.max()
        #expect(total == 2)
    }

    @Test func setRefusesADueTimeItCannotReadOrOneInThePast() async throws {
        let workspace = try CLIWorkspace()
        let card = try workspace.write("jane.vcf", CardText.vCard("Jane Doe", email: "jane@acme.example"))
        #expect(try workspace.leadgate(["import", card, "--event", "RSA 2026", "--rep", "alice"]).status == 0)
        let id = try #require(try workspace.sql("SELECT id FROM leads").first)

        let badHour = try workspace.leadgate(["set", id, "--next", "call", "--due", "friday 25:00"])
        #expect(badHour.status == 64)
        #expect(badHour.stderr.contains("25:00 is not a time of day"), "\(badHour.stderr)")
        let badDay = try workspace.leadgate(["set", id, "--due", "2026-02-30"])
        #expect(badDay.status == 64)
        #expect(badDay.stderr.contains("2026-02-30 is not a date"), "\(badDay.stderr)")

        let past = try workspace.leadgate(["set", id, "--due", "2020-01-06"])
        #expect(past.status == 64)
        #expect(past.stderr.contains("is in the past"))
        #expect(past.stderr.contains("--allow-past"))
        let allowed = try workspace.leadgate(["set", id, "--due", "2020-01-06", "--allow-past", "--json"])
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(allowed.stdoutText.contains("2020-01-06T"))

        let fine = try workspace.leadgate(["set", id, "--next", "call", "--due", "tomorrow 2pm", "--json"])
        #expect(fine.status == 0, "\(fine.stderr)")
    }

    @Test func csvExportsAreReadyForSalesforceAndHubSpot() async throws {
        let workspace = try CLIWorkspace()
        let jane = try workspace.write("jane.vcf", CardText.vCard("Jane Doe", email: "jane@acme.example",
                                                                  extra: ["ORG:Acme Corp", "TITLE:CTO", "TEL;TYPE=cell:+1 415 555 0100",
                                                                          "URL:https://acme.example/jane"]))
        let nobody = try workspace.write("nobody.vcf", CardText.vCard("Sam", email: "sam@example.org", extra: ["TITLE:=HYPERLINK(\"x\")"]))
        #expect(try workspace.leadgate(["import", jane, nobody, "--event", "RSA 2026", "--rep", "alice"]).status == 0)
        let janeID = try #require(try workspace.sql("SELECT id FROM leads WHERE json LIKE '%Jane%'").first)
        #expect(try workspace.leadgate(["note", janeID, "pilot #hot #api"]).status == 0)

        let plain = try workspace.leadgate(["leads", "--format", "csv"])
        let rows = Self.csv(plain.stdoutText)
        let header = try #require(rows.first)
        for column in ["Rep", "Captured At", "Tags", "Tag UID", "Link"] { #expect(header.contains(column), "\(column)") }
        let janeRow = Dictionary(uniqueKeysWithValues: zip(header, try #require(rows.first { $0.contains("Jane") })))
        // A phone number is not a formula: no apostrophe for the CRM's phone field.
        #expect(janeRow["Phone"] == "+14155550100")
        #expect(janeRow["Rep"] == "alice")
        #expect(janeRow["Tags"] == "api")
        #expect(janeRow["Link"] == "https://acme.example/jane")
        #expect(janeRow["Captured At"]?.hasPrefix("20") == true)
        let samRow = Dictionary(uniqueKeysWithValues: zip(header, try #require(rows.first { $0.contains("Sam") })))
        #expect(samRow["Title"] == "'=HYPERLINK(\"x\")")

        let salesforce = Self.csv(try workspace.leadgate(["leads", "--format", "csv", "--for", "salesforce"]).stdoutText)
        #expect(salesforce.first == ["First Name", "Last Name", "Company", "Title", "Email", "Phone", "Lead Source", "Description",
                                     "Lead Status", "Rating"])
        let sfJane = Dictionary(uniqueKeysWithValues: zip(salesforce[0], try #require(salesforce.first { $0.contains("Jane") })))
        #expect(sfJane["Last Name"] == "Doe")
        #expect(sfJane["Rating"] == "Hot")
        #expect(sfJane["Lead Status"] == "Open - Not Contacted")
        #expect(sfJane["Description"]?.contains("pilot") == true)
        let sfSam = Dictionary(uniqueKeysWithValues: zip(salesforce[0], try #require(salesforce.first { $0.contains("sam@example.org") })))
        #expect(sfSam["Company"] == "[not provided]")
        #expect(sfSam["Last Name"] == "Sam")

        let hubspot = Self.csv(try workspace.leadgate(["leads", "--format", "csv", "--for", "hubspot"]).stdoutText)
        #expect(hubspot.first == ["First Name", "Last Name", "Email", "Phone Number", "Company Name", "Job Title", "Lead Status"])
        let hsJane = Dictionary(uniqueKeysWithValues: zip(hubspot[0], try #require(hubspot.first { $0.contains("Jane") })))
        #expect(hsJane["Lead Status"] == "In Progress")
        #expect(hsJane["Phone Number"] == "+14155550100")
        #expect(hsJane["Company Name"] == "Acme Corp")

        let wrong = try workspace.leadgate(["leads", "--format", "vcf", "--for", "hubspot"])
        #expect(wrong.status == 64)
    }

    @Test func quarantineEntriesClearWhenTheFileImportsCleanlyOrAreDismissed() async throws {
        let workspace = try CLIWorkspace()
        let torn = try workspace.write("scans/torn.vcf", CardText.torn)
        let garbage = try workspace.write("scans/garbage.ndef", [0xD1, 0x01, 0xFF, 0x55])
        let first = try workspace.leadgate(["import", workspace.input.appendingPathComponent("scans").path, "--event", "RSA 2026", "--rep", "alice"])
        #expect(first.status == 65)
        #expect(try workspace.count("SELECT count(*) FROM quarantine WHERE resolved_at IS NULL") == 2)

        // The torn card is fixed and the folder imported again: its entry is resolved.
        try CardText.vCard("Torn Person", email: "torn@acme.example").write(toFile: torn, atomically: true, encoding: .utf8)
        _ = try workspace.leadgate(["import", workspace.input.appendingPathComponent("scans").path, "--event", "RSA 2026", "--rep", "alice"])
        let open = try workspace.leadgate(["quarantine", "list"])
        #expect(!open.stdoutText.contains("torn.vcf"))
        #expect(open.stdoutText.contains("garbage.ndef"))
        #expect(try workspace.leadgate(["quarantine", "list", "--all"]).stdoutText.contains("torn.vcf"))

        // The garbage is dismissed by hand, then the resolved entries are deleted.
        let id = try #require(try workspace.sql("SELECT id FROM quarantine WHERE origin = '\(garbage)'").first)
        let dismissed = try workspace.leadgate(["quarantine", "dismiss", String(id.prefix(13))])
        #expect(dismissed.status == 0, "\(dismissed.stderr)")
        #expect(try workspace.leadgate(["quarantine", "list"]).stdoutText.contains("quarantine is empty"))
        let deleted = try workspace.leadgate(["quarantine", "dismiss", "--resolved"])
        #expect(deleted.stdoutText.contains("deleted 2 resolved entries"))
        #expect(try workspace.count("SELECT count(*) FROM quarantine") == 0)
        #expect(try workspace.leadgate(["quarantine", "dismiss"]).status == 64)
    }

    static func csv(_ text: String) -> [[String]] { CSVRows.parse(text) }
}
