import Foundation
import Testing
import TestSupport

/// `leadgate kiosk` end to end: the real binary serving its page, headless chromium driven by
/// selenium (Hardware/kiosk_browser.py), taps from the virtual tag on pcscd+vpcd, and the
/// store read back with sqlite3 afterwards.
@Suite(.serialized, .virtualReaders)
struct KioskCommandTests {
    static let pin = "2468"
    static let consent = "version: kiosk-test-v1\nI agree that Acme may store the details shown and contact me about its products.\n"
    static let questions = "# asked after consent\nInterested in? | pilot | pricing | newsletter\nTeam size? | 1-10 | 11-50 | 51+\n"

    /// A kiosk on a free port, its output in files beside its store.
    struct Kiosk {
        let dir: URL
        let store: String
        let running: ChildProcess.Running
        let url: String

        var stdout: String { (try? String(contentsOf: dir.appendingPathComponent("kiosk.out"), encoding: .utf8)) ?? "" }
        var stderr: String { (try? String(contentsOf: dir.appendingPathComponent("kiosk.err"), encoding: .utf8)) ?? "" }

        static func start(_ extra: [String] = []) async throws -> Kiosk {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("leadgate-kiosk-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try KioskCommandTests.consent.write(to: dir.appendingPathComponent("consent.txt"), atomically: true, encoding: .utf8)
            try KioskCommandTests.questions.write(to: dir.appendingPathComponent("questions.txt"), atomically: true, encoding: .utf8)
            let store = dir.appendingPathComponent("leads.sqlite").path
            let running = try ChildProcess.spawn(ChildProcess.leadgateURL.path, [
                "kiosk", "--event", "Kiosk Expo", "--listen", "127.0.0.1:0", "--reader", VirtualReaderFixture.slot0,
                "--consent", dir.appendingPathComponent("consent.txt").path,
                "--questions", dir.appendingPathComponent("questions.txt").path,
                "--route", "round-robin:alice,bob,carol", "--route", "acme.example=dave", "--owner", "desk",
                "--idle-timeout", "6s", "--store", store,
            ] + extra, environment: ["LEADGATE_KIOSK_PIN": KioskCommandTests.pin, "LEADGATE_LOG_LEVEL": "warning"],
               stdout: dir.appendingPathComponent("kiosk.out").path, stderr: dir.appendingPathComponent("kiosk.err").path)
            var url = ""
            try await waitUntil(seconds: 60) {
                let out = (try? String(contentsOf: dir.appendingPathComponent("kiosk.out"), encoding: .utf8)) ?? ""
                guard let range = out.range(of: #"http://127\.0\.0\.1:[0-9]+/"#, options: .regularExpression) else { return false }
                url = String(out[range])
                return true
            }
            return Kiosk(dir: dir, store: store, running: running, url: url)
        }

        func sql(_ query: String) throws -> String {
            try CLIWorkspace.runTool("/usr/bin/sqlite3", [store, query]).output.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        func remove() {
            running.kill()
            try? FileManager.default.removeItem(at: dir)
        }
    }

    /// Runs Hardware/kiosk_browser.py with Debian's python (where python3-selenium is).
    static func browser(_ kiosk: Kiosk, _ arguments: [String]) async throws -> [String: Any] {
        let script = ChildProcess.packageRoot.appendingPathComponent("Hardware/kiosk_browser.py").path
        let result = try await ChildProcess.run("/usr/bin/python3", [script, "--url", kiosk.url, "--pin", pin] + arguments)
        #expect(result.status == 0, "kiosk_browser.py: \(result.stderr.suffix(3000))")
        let last = result.stdout.split(separator: "\n").last.map(String.init) ?? "{}"
        return (try? JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any]) ?? [:]
    }

    @Test func visitorsAgreeDeclineWalkAwayAndTheRightPINClosesTheKiosk() async throws {
        let kiosk = try await Kiosk.start()
        defer { kiosk.remove() }
        let screenshots = ChildProcess.packageRoot.appendingPathComponent("docs/kiosk").path
        let results = try await Self.browser(kiosk, ["--screenshots", screenshots, "--idle-timeout", "6"])
        let checks = results["checks"] as? [String] ?? []
        #expect(checks == ["agree with questions", "decline", "idle wipe", "second tap mid-flow", "round-robin visitors", "pin"])

        // The right PIN stopped the server and the process, cleanly.
        let status = await kiosk.running.exit.value
        #expect(status == 0, "kiosk stderr: \(kiosk.stderr)")
        #expect(kiosk.stdout.contains("left with the PIN; 5 visitor(s) agreed"), "\(kiosk.stdout)")

        // Five visitors agreed: Ada (acme.example, routed to dave), then four taking turns.
        let rows = try kiosk.sql("""
            SELECT json_extract(json, '$.contact.full_name'), owner, json_extract(json, '$.source.channel'),
                   json_extract(json, '$.consent.given'), json_extract(json, '$.consent.text_version')
            FROM leads ORDER BY captured_at
            """).split(separator: "\n").map { $0.split(separator: "|").map(String.init) }
        #expect(rows.map { $0[0] } == ["Ada Agree", "Nick Next", "Rae One", "Rob Two", "Roz Three"])
        #expect(rows.map { $0[1] } == ["dave", "alice", "bob", "carol", "alice"])
        #expect(rows.allSatisfy { $0[2] == "kiosk" && $0[3] == "1" && $0[4] == "kiosk-test-v1" })

        // Answers became tags and the note; next action and due time as for any lead.
        let ada = try kiosk.sql("SELECT json_extract(json, '$.tags'), json_extract(json, '$.note'), json_extract(json, '$.next_action.action') FROM leads WHERE json LIKE '%Ada Agree%'")
        #expect(ada.contains(#"["pilot","11-50"]"#), "\(ada)")
        #expect(ada.contains("Interested in? pilot\nTeam size? 11-50"), "\(ada)")
        #expect(ada.hasSuffix("follow up"))
        let rob = try kiosk.sql("SELECT json_extract(json, '$.tags') FROM leads WHERE json LIKE '%Rob Two%'")
        #expect(rob == #"["newsletter"]"#)

        // Every lead was queued for the shared store with its created event; nothing else was.
        #expect(try kiosk.sql("SELECT count(*) FROM lead_events WHERE kind = 'created'") == "5")
        #expect(try kiosk.sql("SELECT count(*) FROM lead_events e WHERE NOT EXISTS (SELECT 1 FROM leads l WHERE l.id = e.lead_id)") == "0")

        // Dan declined, Ivy walked away, Mia was cut off by Nick's tap: nothing of them is
        // kept, not in the rows, not in the file's bytes; only counts.
        #expect(try kiosk.sql("SELECT value FROM meta WHERE key = 'kiosk_declined'") == "1")
        #expect(try kiosk.sql("SELECT value FROM meta WHERE key = 'kiosk_abandoned'") == "2")
        #expect(try kiosk.sql("SELECT count(*) FROM quarantine") == "0")
        var bytes = (try? Data(contentsOf: URL(fileURLWithPath: kiosk.store))) ?? Data()
        bytes += (try? Data(contentsOf: URL(fileURLWithPath: kiosk.store + "-wal"))) ?? Data()
        for gone in ["Dan Decline", "dan@decline.example", "Ivy Idle", "ivy@idle.example", "Mia Midflow", "mia@midflow.example"] {
            #expect(bytes.range(of: Data(gone.utf8)) == nil, "\(gone) is still in the store file")
        }
        #expect(bytes.range(of: Data("Ada Agree".utf8)) != nil)
        #expect(try kiosk.sql("PRAGMA integrity_check") == "ok")

        if let median = results["tap_to_screen_median_ms"], let p95 = results["tap_to_screen_p95_ms"], let load = results["page_load_ms"] {
            print("kiosk in headless chromium: tap to screen median \(median) ms, p95 \(p95) ms; page load \(load) ms")
        }
    }

    @Test func aKioskStoppedBySIGTERMMidFlowKeepsNothingOfTheVisitor() async throws {
        let kiosk = try await Kiosk.start()
        defer { kiosk.remove() }
        let tag = try VirtualReaderFixture.tag(["--slot", "0", "--kind", "ntag215", "--uid", "04A1B2C3D4E5AA", "--ndef-hex", BoothCommandTests.janeHex])
        _ = try await tag.wait(timeout: .seconds(20))
        // The tap is committed before the page could show it, held for consent.
        try await waitUntil(seconds: 20) { (try? kiosk.sql("SELECT count(*) FROM leads")) == "1" }
        #expect(try kiosk.sql("SELECT count(*) FROM lead_events") == "0")
        kiosk.running.kill(SIGTERM)
        #expect(await kiosk.running.exit.value == 0)
        #expect(try kiosk.sql("SELECT count(*) FROM leads") == "0")
        #expect(try kiosk.sql("SELECT value FROM meta WHERE key = 'kiosk_abandoned'") == "1")
    }
}

/// The kiosk's options: bad ones fail at once with one clear line, before any server starts.
struct KioskOptionTests {
    @Test func refusesToStartWithoutAPIN() async throws {
        let result = try await ChildProcess.leadgate(["kiosk", "--event", "E", "--store", "/tmp/leadgate-kiosk-nopin-\(UUID().uuidString).sqlite"],
                                                     environment: ["LEADGATE_KIOSK_PIN": ""])
        #expect(result.status == 64)
        #expect(result.stderr.contains("leadgate: error: the kiosk needs a PIN"))
    }

    @Test func namesTheLineOfABadQuestionsFile() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("questions-\(UUID().uuidString).txt")
        try "Interested in? | pilot | pricing\nTeam size?\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try await ChildProcess.leadgate(["kiosk", "--event", "E", "--pin", "2468", "--questions", file.path])
        #expect(result.status == 65)
        #expect(result.stderr.contains("\(file.path):2: write a question then at least two choices"))
    }

    @Test func rejectsARouteThatIsNeitherADomainNorARoundRobin() async throws {
        let result = try await ChildProcess.leadgate(["kiosk", "--event", "E", "--pin", "2468", "--route", "alice"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--route alice: use domain=owner"))
    }
}
