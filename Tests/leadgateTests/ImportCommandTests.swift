import ContactFormats
import Foundation
import Glibc
import Testing

/// `leadgate import` end to end: the real binary, a real store file, generated card files.
@Suite struct ImportCommandTests {
    /// 60 generated cards in 6 .vcf files, a MECARD .txt and an NDEF .ndef: 62 people.
    static func smallFolder(_ w: CLIWorkspace) throws {
        try w.generateCards(60, files: 6, into: "cards")
        try w.write("more/mecard.txt", "MECARD:N:Doe,Jane;EMAIL:jane.mecard@acme.example;TEL:+14155550134;;")
        let card = Array(CardText.vCard("Gus Tag", email: "gus.tag@acme.example").utf8)
        try w.write("more/tag.ndef", [0xD2, 10, UInt8(card.count)] + Array("text/vcard".utf8) + card)
    }

    @Test func importsAFolderAndSaysWhatItDid() throws {
        let w = try CLIWorkspace()
        try Self.smallFolder(w)
        let result = try w.leadgate(["import", w.input.path, "--event", "RSA 2026", "--rep", "alice"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutText.contains("imported 62 new lead(s) from 8 file(s) into \(w.store)"))
        #expect(result.stdoutText.contains("rejected:             0"))
        #expect(try w.count("SELECT count(*) FROM leads WHERE event = 'RSA 2026' AND rep = 'alice' AND owner = 'alice' AND status = 'new'") == 62)
        #expect(try w.count("SELECT count(*) FROM leads WHERE json_extract(json, '$.source.file') LIKE '%/more/tag.ndef'") == 1)
        #expect(try w.count("SELECT count(*) FROM quarantine") == 0)
        let mode = ((try FileManager.default.attributesOfItem(atPath: w.store))[.posixPermissions] as? NSNumber)?.intValue ?? 0
        #expect(mode & 0o777 == 0o600)
    }

    /// A .txt of QR scans, one MECARD a line (what a scanner app exports): a lead each, each
    /// keeping its own line as raw bytes; before, only the first person became a lead.
    @Test func aTextFileOfManyScansGivesALeadPerScan() throws {
        let w = try CLIWorkspace()
        let lines = ["MECARD:N:Doe,Jane;EMAIL:jane@acme.example;;", "MECARD:N:Lee,Ann;EMAIL:ann@globex.example;;",
                     "MECARD:N:Stone,Bob;TEL:+14155550100;;"]
        let file = try w.write("scans/qr-export.txt", lines.joined(separator: "\r\n") + "\r\n")
        let result = try w.leadgate(["import", file, "--event", "RSA 2026", "--rep", "alice"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutText.contains("imported 3 new lead(s) from 1 file(s)"), "\(result.stdoutText)")
        #expect(try w.sql("SELECT json_extract(json, '$.contact.full_name') FROM leads ORDER BY rowid") == ["Jane Doe", "Ann Lee", "Bob Stone"])
        let raws = try w.sql("SELECT json_extract(json, '$.raw.base64') FROM leads ORDER BY rowid")
            .map { String(decoding: Data(base64Encoded: $0) ?? Data(), as: UTF8.self) }
        #expect(raws == lines.map { $0 + "\r\n" })
        #expect(try w.count("SELECT count(*) FROM quarantine") == 0)
    }

    /// `bench decode` runs an import's decode stage alone: it makes a capture for each card
    /// the import stores and a reject for each input the import quarantines.
    @Test func benchDecodeMakesWhatAnImportStores() throws {
        let w = try CLIWorkspace()
        try Self.smallFolder(w)
        try w.write("more/garbage.vcf", [0xFF, 0x00, 0x13, 0x37])
        let bench = try LeadgateBinary.run(["bench", "decode", w.input.path, "--runs", "1"])
        #expect(bench.status == 0, "\(bench.stderr)")
        let imported = try w.leadgate(["import", w.input.path, "--event", "E", "--rep", "r"])
        #expect(imported.status == 65, "\(imported.stderr)")
        let leads = try w.count("SELECT count(*) FROM leads")
        let quarantined = try w.count("SELECT count(*) FROM quarantine")
        #expect(leads > 0 && quarantined > 0)
        #expect(bench.stdoutText.contains("files=9 captures=\(leads) rejects=\(quarantined) "), "\(bench.stdoutText)")
    }

    @Test func progressIsPlainLinesWhenStderrIsNotATerminal() throws {
        let w = try CLIWorkspace()
        try Self.smallFolder(w)
        let result = try w.leadgate(["import", w.input.path, "--event", "E", "--rep", "r"])
        #expect(result.status == 0)
        let lines = result.stderr.split(separator: "\n")
        #expect(!lines.isEmpty)
        #expect(!result.stderr.contains("\r") && !result.stderr.contains("\u{1B}"))
        for line in lines { #expect(line.hasPrefix("import: ") && line.contains("/8 files"), "\(line)") }
        #expect(lines.last == "import: 8/8 files  62 new  0 merged  0 rejected")
        #expect(lines.filter { $0.hasPrefix("import: 8/8") }.count == 1)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")))
    func progressIsABarOnATerminal() throws {
        let w = try CLIWorkspace()
        try Self.smallFolder(w)
        let command = [LeadgateBinary.url.path, "import", w.input.path, "--event", "E", "--rep", "r", "--store", w.store]
            .map { "'" + $0 + "'" }.joined(separator: " ")
        let result = try CLIWorkspace.runTool("/usr/bin/script", ["-qec", command, "/dev/null"])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("\r\u{1B}[K["))
        #expect(result.output.contains("] 8/8 files  62 new"))
        #expect(!result.output.contains("import: "))
    }

    @Test func printsTheSummaryAsJSON() throws {
        let w = try CLIWorkspace()
        try Self.smallFolder(w)
        try w.write("notes.md", "not a card format leadgate reads")
        let result = try w.leadgate(["import", w.input.path, "--event", "E", "--rep", "r", "--json"])
        #expect(result.status == 0)
        let json = try result.json()
        #expect(json["files"] as? Int == 8)
        #expect(json["cards"] as? Int == 62)
        #expect(json["imported"] as? Int == 62)
        #expect(json["merged"] as? Int == 0)
        #expect(json["already_imported"] as? Int == 0)
        #expect((json["rejected"] as? [Any])?.isEmpty == true)
        #expect((json["skipped_files"] as? [String])?.count == 1)
        #expect(json["store"] as? String == w.store)
        // No progress lines mixed into a machine-read run.
        #expect(result.stderr.isEmpty, "\(result.stderr)")
    }

    @Test func importingTheSameFilesAgainAddsNothing() throws {
        let w = try CLIWorkspace()
        try Self.smallFolder(w)
        let args = ["import", w.input.path, "--event", "E", "--rep", "r", "--json"]
        #expect(try w.leadgate(args).status == 0)
        let events = try w.count("SELECT count(*) FROM lead_events")
        let again = try w.leadgate(args)
        #expect(again.status == 0)
        let json = try again.json()
        #expect(json["imported"] as? Int == 0)
        #expect(json["merged"] as? Int == 0)
        #expect(json["already_imported"] as? Int == 62)
        #expect(try w.count("SELECT count(*) FROM leads") == 62)
        #expect(try w.count("SELECT count(*) FROM lead_events") == events)
        #expect(try w.count("SELECT count(*) FROM lead_events WHERE state = 'queued'") == events)
        // Another event is another set of leads.
        #expect(try w.leadgate(["import", w.input.path, "--event", "Other", "--rep", "r"]).status == 0)
        #expect(try w.count("SELECT count(*) FROM leads") == 124)
    }

    @Test func readsStandardInputAndMergesTheSamePerson() throws {
        let w = try CLIWorkspace()
        let cards = CardText.vCard("Jane Doe", email: "jane@acme.example") + CardText.vCard("Jane D", email: "JANE@acme.example", extra: ["TITLE:CTO"])
        let result = try w.leadgate(["import", "-", "--event", "E", "--rep", "r", "--json"], stdin: Data(cards.utf8))
        #expect(result.status == 0, "\(result.stderr)")
        let json = try result.json()
        #expect(json["imported"] as? Int == 1)
        #expect(json["merged"] as? Int == 1)
        #expect(try w.sql("SELECT json_extract(json, '$.source.file') IS NULL, json_array_length(json, '$.merged_captures'), json_extract(json, '$.contact.title') FROM leads") == ["1|1|CTO"])
    }

    @Test func theSLAAndRoutesShapeNewLeads() throws {
        let w = try CLIWorkspace()
        let cards = CardText.vCard("Jane Doe", email: "jane@acme.example") + CardText.vCard("Bob", email: "bob@globex.example")
        let result = try w.leadgate(["import", "-", "--event", "E", "--rep", "alice", "--sla", "2h", "--route", "acme.example=bob"],
                                    stdin: Data(cards.utf8))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try w.sql("SELECT owner FROM leads ORDER BY owner") == ["alice", "bob"])
        #expect(try w.sql("SELECT DISTINCT round((julianday(due_at) - julianday(captured_at)) * 24, 3) FROM leads") == ["2.0"])
        #expect(try w.sql("SELECT DISTINCT json_extract(json, '$.next_action.action') FROM leads") == ["follow up"])
    }

    @Test func badArgumentsAreUsageErrorsAndMissingFilesDataErrors() throws {
        let w = try CLIWorkspace()
        #expect(try w.leadgate(["import", w.input.path, "--rep", "r"]).status == 64)
        #expect(try w.leadgate(["import", w.input.path, "--event", "E", "--rep", "r", "--sla", "soon"]).status == 64)
        #expect(try w.leadgate(["import", w.input.path, "--event", "E", "--rep", "r", "--route", "acme"]).status == 64)
        let missing = try w.leadgate(["import", w.input.path + "/nope", "--event", "E", "--rep", "r"])
        #expect(missing.status == 65)
        #expect(missing.stderr.hasPrefix("leadgate: error: ") && missing.stderr.contains("nope"))
    }

    /// A folder as it comes off a shared drive: good card files, random bytes, a torn vCard,
    /// and a 50 MB address-book export with a photo on every card.
    ///
    /// The 50 MB file is a real-world shape, not noise: phones and CRMs export whole address
    /// books as one .vcf with base64 photos (~150 KB each), and that file ends up in the scans
    /// folder. Its cards are good and must be imported; the photo bytes stay in each lead's raw.
    @Test func importsTheGoodCardsQuarantinesTheRestAndStaysSmall() throws {
        let w = try CLIWorkspace()
        try w.generateCards(100, files: 10, into: "good")
        var rng = SystemRandomNumberGenerator()
        let noise = (0..<8192).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let noiseVCF = try w.write("junk/noise.vcf", noise)
        let noiseBin = try w.write("junk/noise.bin", Array(noise.reversed()))
        let torn = try w.write("torn.vcf", CardText.vCard("Kim Before", email: "kim.before@acme.example") + CardText.torn)
        let export = w.input.appendingPathComponent("export/All Contacts.vcf")
        let exportCards = try Self.writeAddressBookExport(to: export, bytes: 50 << 20)

        let child = try SpawnedLeadgate(["import", w.input.path, "--event", "E", "--rep", "r", "--store", w.store])
        let exit = try child.wait()
        let peakMB = Double(exit.peakRSSKilobytes) / 1024
        print("mixed folder: \(exportCards) cards in a 50 MB export + 101 good cards; peak RSS \(String(format: "%.0f", peakMB)) MB")
        #expect(exit.status == 65, "\(exit.stderr)")
        #expect(exit.stderr.contains("leadgate: error: 3 input(s) rejected"))
        #expect(peakMB < 300, "peak RSS \(peakMB) MB")

        #expect(exit.stdout.contains("imported \(100 + 1 + exportCards) new lead(s) from 14 file(s)"))
        #expect(exit.stdout.contains("rejected:             3"))
        for path in [noiseVCF, noiseBin, torn] {
            let line = exit.stdout.split(separator: "\n").first { $0.contains("rejected \(path)") }
            #expect(line.map { $0.split(separator: ":").count >= 2 } == true, "\(path) is not listed with a reason")
        }
        #expect(exit.stdout.contains("rejected \(torn) at byte \(CardText.vCard("Kim Before", email: "kim.before@acme.example").utf8.count)"))
        #expect(try w.count("SELECT count(*) FROM leads") == 100 + 1 + exportCards)
        // Each rejected input is kept whole, with its reason.
        #expect(try w.sql("SELECT origin FROM quarantine ORDER BY origin") == [torn, noiseBin, noiseVCF].sorted())
        #expect(try w.count("SELECT count(*) FROM quarantine WHERE reason = '' OR raw IS NULL") == 0)
        #expect(try w.sql("SELECT hex(raw) FROM quarantine WHERE origin = '\(noiseVCF)'") == [noise.map { String(format: "%02X", $0) }.joined()])
        // Photos were skipped by the parser, not lost: each lead keeps its card's bytes.
        let rawBytes = try w.count("SELECT sum(length(json_extract(json, '$.raw.base64'))) * 3 / 4 FROM leads WHERE json_extract(json, '$.source.file') LIKE '%All Contacts.vcf'")
        #expect(rawBytes > 49 << 20)
    }

    /// Writes an address-book export of about `bytes` bytes; returns the number of cards.
    static func writeAddressBookExport(to url: URL, bytes: Int) throws -> Int {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        var generator = SystemRandomNumberGenerator()
        var written = 0, cards = 0
        while written < bytes {
            var photo = [UInt8](repeating: 0, count: 150_000)
            for i in stride(from: 0, to: photo.count, by: 8) {
                withUnsafeBytes(of: generator.next() as UInt64) { for k in 0..<min(8, photo.count - i) { photo[i + k] = $0[k] } }
            }
            let base64 = Array(Data(photo).base64EncodedString().utf8)
            var card = Array("""
                BEGIN:VCARD\r\nVERSION:3.0\r\nN:Person\(cards);Export;;;\r\nFN:Export Person\(cards)\r\n\
                EMAIL;TYPE=INTERNET:export.\(cards)@contacts.example\r\nTEL;TYPE=CELL:+1 415 555 \(String(format: "%04d", cards))\r\n\
                PHOTO;ENCODING=b;TYPE=JPEG:
                """.utf8)
            for start in stride(from: 0, to: base64.count, by: 74) {
                if start > 0 { card.append(0x20) }
                card += base64[start..<min(start + 74, base64.count)]
                card += [0x0D, 0x0A]
            }
            card += Array("END:VCARD\r\n".utf8)
            handle.write(Data(card))
            written += card.count
            cards += 1
        }
        return cards
    }
}

extension ImportCommandTests {
    /// SIGKILL in the middle of an import, then the same import again.
    @Test func aKilledImportLeavesAConsistentStoreAndTheRerunCompletesIt() throws {
        let w = try CLIWorkspace()
        let total = 10_000
        try w.generateCards(total, files: 1_000, into: "show")
        let args = ["import", w.input.path, "--event", "E", "--rep", "r", "--store", w.store, "--commit-every", "1000"]

        let child = try SpawnedLeadgate(args)
        var seen = 0
        let deadline = Date().addingTimeInterval(60)
        while seen == 0 && Date() < deadline {
            usleep(10_000)
            // Another process reading a WAL store while the import writes: errors while the
            // schema is being made just mean "not yet".
            seen = FileManager.default.fileExists(atPath: w.store) ? ((try? w.count("SELECT count(*) FROM leads")) ?? 0) : 0
        }
        child.kill(SIGKILL)
        let exit = try child.wait()
        try #require(exit.signal == SIGKILL, "the import ended before it was killed: \(exit.stdout)")
        #expect(seen > 0)

        // What the crash left: a sound file, whole batches, and every lead with its queued event.
        #expect(try w.sql("PRAGMA integrity_check") == ["ok"])
        #expect(try w.sql("PRAGMA foreign_key_check").isEmpty)
        let partial = try w.count("SELECT count(*) FROM leads")
        print("crash test: killed after \(seen) leads were visible; \(partial) of \(total) leads stored")
        #expect(partial >= seen && partial < total)
        #expect(partial % 1000 == 0, "\(partial) leads: a batch was stored in part")
        try Self.expectConsistent(w)

        let rerun = try w.leadgate(["import", w.input.path, "--event", "E", "--rep", "r", "--json"])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        let json = try rerun.json()
        #expect(json["imported"] as? Int == total - partial)
        #expect(json["already_imported"] as? Int == partial)
        #expect(json["merged"] as? Int == 0)

        #expect(try w.count("SELECT count(*) FROM leads") == total)
        #expect(try w.count("SELECT count(DISTINCT id) FROM leads") == total)
        #expect(try w.count("SELECT count(DISTINCT dedupe_key) FROM leads") == total)
        #expect(try w.count("SELECT count(DISTINCT json_extract(json, '$.raw.base64')) FROM leads") == total)
        #expect(try w.count("SELECT count(*) FROM lead_events WHERE kind = 'created'") == total)
        #expect(try w.count("SELECT count(*) FROM lead_events WHERE kind <> 'created'") == 0)
        #expect(try w.count("SELECT count(*) FROM captures_seen") == total)
        #expect(try w.sql("PRAGMA integrity_check") == ["ok"])
        try Self.expectConsistent(w)
    }

    static func expectConsistent(_ w: CLIWorkspace) throws {
        // Every lead has its created event, every event its lead, queued for the shared
        // store above the outbox floor (the forwarder reads from there).
        #expect(try w.count("""
            SELECT count(*) FROM leads l WHERE NOT EXISTS (SELECT 1 FROM lead_events e WHERE e.lead_id = l.id AND e.kind = 'created')
            """) == 0)
        #expect(try w.count("SELECT count(*) FROM lead_events e WHERE NOT EXISTS (SELECT 1 FROM leads l WHERE l.id = e.lead_id)") == 0)
        #expect(try w.count("SELECT count(*) FROM lead_events WHERE state <> 'queued' OR attempts <> 0") == 0)
        #expect(try w.count("""
            SELECT count(*) FROM lead_events WHERE seq < coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'outbox_floor'), 0)
            """) == 0)
        // Every card marked as seen made a lead that is there.
        #expect(try w.count("SELECT count(*) FROM captures_seen c WHERE NOT EXISTS (SELECT 1 FROM leads l WHERE l.id = c.lead_id)") == 0)
        #expect(try w.count("SELECT count(*) FROM captures_seen") == (try w.count("SELECT count(*) FROM leads")))
        #expect(try w.count("SELECT count(*) FROM (SELECT 1 FROM leads GROUP BY event, dedupe_key HAVING count(*) > 1)") == 0)
    }
}
