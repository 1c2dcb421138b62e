import Foundation
import Synchronization
import Leads
@testable import LeadStore
import Testing

@Suite struct CaptureTests {
    @Test func aNewCaptureMakesALeadItsCreatedEventAndAnOutboxItem() throws {
        let t = try TemporaryStore()
        let outcome = try t.store.capture(Cards.candidate(Cards.contact(emails: ["jane@acme.example"]), file: "/scans/jane.vcf"))
        guard case .created(let lead) = outcome else { Issue.record("expected a new lead, got \(outcome)"); return }
        #expect(LeadID.isValid(lead.id))
        #expect(lead.status == .new)
        #expect(lead.owner == "alice")
        #expect(lead.source.file == "/scans/jane.vcf")
        let stored = try t.store.lead(lead.id)
        #expect(stored == lead)
        let events = try t.store.events(forLead: lead.id)
        #expect(events.map(\.kind) == ["created"])
        #expect(try t.store.count("outbox", where: "lead_id = '\(lead.id)' AND state = 'queued'") == 1)
        let pending = try t.store.pendingDeliveries(limit: 10)
        #expect(pending.map(\.leadID) == [lead.id])
        #expect(pending.first?.kind == "created")
        // The queryable columns agree with the JSON.
        #expect(try t.store.scalar("SELECT event || '|' || rep || '|' || owner || '|' || status FROM leads") == "RSA 2026|alice|alice|new")
        #expect(try t.store.scalar("SELECT due_at FROM leads") == Timestamp.format(lead.nextAction.due))
    }

    @Test func everyNewLeadFollowsUpWithinADayByDefault() throws {
        let t = try TemporaryStore()
        let lead = try #require(try t.store.capture(Cards.candidate(Cards.contact(emails: ["jane@acme.example"]))).lead)
        #expect(lead.nextAction.action == "follow up")
        #expect(lead.nextAction.due == Cards.capturedAt.addingTimeInterval(24 * 3600))
    }

    @Test func theEventsSLASetsTheDueTime() throws {
        let t = try TemporaryStore()
        let sla = try #require(LeadPolicy.parseDuration("1h30m"))
        let lead = try #require(try t.store.capture(Cards.candidate(Cards.contact(emails: ["jane@acme.example"]),
                                                                    policy: LeadPolicy(followUpWithin: sla))).lead)
        #expect(lead.nextAction.due == Cards.capturedAt.addingTimeInterval(5400))
    }

    @Test func parsesSLADurations() {
        #expect(LeadPolicy.parseDuration("24h") == .seconds(86_400))
        #expect(LeadPolicy.parseDuration("90m") == .seconds(5400))
        #expect(LeadPolicy.parseDuration("2d") == .seconds(172_800))
        #expect(LeadPolicy.parseDuration("1h30m") == .seconds(5400))
        #expect(LeadPolicy.parseDuration("1w") == .seconds(604_800))
        #expect(LeadPolicy.parseDuration("3600") == .seconds(3600))
        for bad in ["", "h", "24x", "0", "0h", "-1h", "1.5h", "24h ago", "١h"] {
            #expect(LeadPolicy.parseDuration(bad) == nil, "\(bad) should not parse")
        }
    }

    @Test func routesOwnersByEmailDomainMostSpecificFirst() throws {
        let policy = LeadPolicy(ownerByDomain: ["acme.example": "bob", "sales.acme.example": "carol"])
        #expect(policy.owner(for: Cards.contact(emails: ["jane@acme.example"]), rep: "alice") == "bob")
        #expect(policy.owner(for: Cards.contact(emails: ["jane@eu.acme.example"]), rep: "alice") == "bob")
        #expect(policy.owner(for: Cards.contact(emails: ["jane@sales.acme.example"]), rep: "alice") == "carol")
        #expect(policy.owner(for: Cards.contact(emails: ["jane@notacme.example"]), rep: "alice") == "alice")
        #expect(policy.owner(for: Cards.contact(emails: ["x@gmail.example", "jane@acme.example"]), rep: "alice") == "bob")
        #expect(policy.owner(for: Cards.contact(phones: ["+1 415 555 0100"]), rep: "alice") == "alice")
        let t = try TemporaryStore()
        let lead = try #require(try t.store.capture(Cards.candidate(Cards.contact(emails: ["jane@acme.example"]), policy: policy)).lead)
        #expect(lead.owner == "bob")
        #expect(try t.store.leads(LeadFilter(owner: "bob")).map(\.id) == [lead.id])
    }

    @Test func sameEmailInAnyCaseIsOnePerson() throws {
        let t = try TemporaryStore()
        let first = try t.store.capture(Cards.candidate(Cards.contact(emails: ["Jane.Doe@acme.example"])))
        let second = try t.store.capture(Cards.candidate(Cards.contact(name: "J. Doe", emails: ["jane.doe@acme.example"]),
                                                         rep: "bob", at: Cards.capturedAt.addingTimeInterval(600)))
        guard case .merged(let lead) = second else { Issue.record("expected a merge, got \(second)"); return }
        #expect(lead.id == first.leadID)
        #expect(try t.store.count("leads") == 1)
    }

    @Test func samePhoneWrittenDifferentlyIsOnePerson() throws {
        let t = try TemporaryStore()
        let first = try t.store.capture(Cards.candidate(Cards.contact(name: "Jane", phones: ["+1 (415) 555-0134"])))
        let second = try t.store.capture(Cards.candidate(Cards.contact(name: "Jane D", phones: ["415.555.0134"])))
        #expect(second.leadID == first.leadID)
        guard case .merged = second else { Issue.record("expected a merge, got \(second)"); return }
        #expect(try t.store.count("leads") == 1)
        #expect(try t.store.scalar("SELECT dedupe_key FROM leads") == "phone:+14155550134")
    }

    @Test func emailWinsOverPhoneForTheDedupeKey() {
        let both = Cards.contact(emails: ["jane@acme.example"], phones: ["+1 415 555 0134"])
        #expect(LeadCandidate.dedupeKey(contact: both, tagUID: "04a1b2") == "email:jane@acme.example")
        #expect(LeadCandidate.dedupeKey(contact: Cards.contact(phones: ["+1 415 555 0134"]), tagUID: "04a1b2") == "phone:+14155550134")
        #expect(LeadCandidate.dedupeKey(contact: Cards.contact(), tagUID: "04a1b2") == "uid:04A1B2")
        #expect(LeadCandidate.dedupeKey(contact: Cards.contact(), tagUID: nil) == nil)
        // Lower-cased whole, ASCII or not.
        #expect(LeadCandidate.dedupeKey(contact: Cards.contact(emails: ["Jane.Doe@ACME.example"]), tagUID: nil) == "email:jane.doe@acme.example")
        #expect(LeadCandidate.dedupeKey(contact: Cards.contact(emails: ["JÖRG@Bäckerei.example"]), tagUID: nil) == "email:jörg@bäckerei.example")
        // A number libphonenumber cannot read is no key: two people could share the typo.
        #expect(LeadCandidate.dedupeKey(contact: Cards.contact(phones: ["ext 12"]), tagUID: nil) == nil)
    }

    @Test func sameBadgeUIDIsOnePerson() throws {
        let t = try TemporaryStore()
        let badge = NormalizedContact()
        let first = try t.store.capture(Cards.candidate(badge, raw: "uid 04a1b2c3d4e5f6", tagUID: "04a1b2c3d4e5f6"))
        let second = try t.store.capture(Cards.candidate(badge, raw: "uid again", tagUID: "04A1B2C3D4E5F6",
                                                         at: Cards.capturedAt.addingTimeInterval(60)))
        #expect(second.leadID == first.leadID)
        let other = try t.store.capture(Cards.candidate(badge, raw: "another badge", tagUID: "04FFFFFFFFFFFF"))
        #expect(other.leadID != first.leadID)
        #expect(try t.store.count("leads") == 2)
    }

    @Test func noKeyMeansNoMerge() throws {
        let t = try TemporaryStore()
        let a = try t.store.capture(Cards.candidate(Cards.contact(name: "Jane Doe"), raw: "card one"))
        let b = try t.store.capture(Cards.candidate(Cards.contact(name: "Jane Doe"), raw: "card two"))
        #expect(a.leadID != b.leadID)
        #expect(try t.store.count("leads") == 2)
    }

    @Test func samePersonAtAnotherEventIsAnotherLead() throws {
        let t = try TemporaryStore()
        let card = Cards.contact(emails: ["jane@acme.example"])
        let rsa = try t.store.capture(Cards.candidate(card, event: "RSA 2026"))
        let bh = try t.store.capture(Cards.candidate(card, event: "Black Hat 2026"))
        guard case .created = bh else { Issue.record("expected a new lead, got \(bh)"); return }
        #expect(rsa.leadID != bh.leadID)
        #expect(try t.store.leads(LeadFilter(event: "RSA 2026")).map(\.id) == [rsa.leadID])
        #expect(try t.store.leads(LeadFilter(event: "Black Hat 2026")).map(\.id) == [bh.leadID])
    }

    @Test func keepsBothCapturesWhenTheSamePersonIsTappedTwice() throws {
        let t = try TemporaryStore()
        let firstRaw = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jane Doe\r\nEMAIL:jane@acme.example\r\nEND:VCARD\r\n"
        let secondRaw = "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Jane\r\nEMAIL:JANE@acme.example\r\nTEL:+1 415 555 0134\r\nEND:VCARD\r\n"
        let first = try t.store.capture(Cards.candidate(
            Cards.contact(name: "Jane Doe", emails: ["jane@acme.example"], title: "CTO", urls: ["https://acme.example/jane"]),
            raw: firstRaw, file: "a.vcf"))
        let later = Cards.capturedAt.addingTimeInterval(3600)
        let second = try t.store.capture(Cards.candidate(
            Cards.contact(name: "Jane", emails: ["JANE@acme.example", "jd@home.example"], phones: ["+1 415 555 0134"],
                          organization: "Acme Corp", title: "VP Engineering", urls: ["https://acme.example/jane"]),
            rep: "bob", raw: secondRaw, file: "b.vcf", at: later))
        #expect(second.leadID == first.leadID)

        let lead = try t.store.lead(first.leadID)
        // The first capture stays the lead's own; the second is kept whole beside it.
        #expect(lead.raw.bytes == Array(firstRaw.utf8))
        #expect(lead.capturedAt == Cards.capturedAt)
        #expect(lead.source.file == "a.vcf")
        #expect(lead.mergedCaptures.count == 1)
        #expect(lead.mergedCaptures.first?.raw.bytes == Array(secondRaw.utf8))
        #expect(lead.mergedCaptures.first?.capturedAt == later)
        #expect(lead.mergedCaptures.first?.source.file == "b.vcf")
        // Details are added, never overwritten.
        #expect(lead.contact.fullName == "Jane Doe")
        #expect(lead.contact.title == "CTO")
        #expect(lead.contact.organization == "Acme Corp")
        #expect(lead.contact.emails == ["jane@acme.example", "jd@home.example"])
        #expect(lead.contact.phones.map(\.e164) == ["+14155550134"])
        #expect(lead.contact.urls == ["https://acme.example/jane"])
        #expect(lead.rep == "alice")
        #expect(lead.nextAction.due == Cards.capturedAt.addingTimeInterval(86_400))

        let events = try t.store.events(forLead: lead.id)
        #expect(events.map(\.kind) == ["created", "merged"])
        let merged = try #require(try JSONSerialization.jsonObject(with: Data(events[1].data.utf8)) as? [String: Any])
        #expect(merged["captured_at"] as? String == Timestamp.format(later))
        #expect(try t.store.count("outbox", where: "lead_id = '\(lead.id)'") == 2)

        // The stored JSON carries both captures, raw bytes and time.
        let json = try #require(try t.store.scalar("SELECT json FROM leads"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let captures = try #require(object["merged_captures"] as? [[String: Any]])
        #expect(captures.count == 1)
        #expect((captures[0]["raw"] as? [String: Any])?["base64"] as? String == Data(secondRaw.utf8).base64EncodedString())
        #expect(captures[0]["captured_at"] as? String == Timestamp.format(later))
    }

    @Test func theSameBytesTwiceAreAlreadyCaptured() throws {
        let t = try TemporaryStore()
        let candidate = Cards.candidate(Cards.contact(emails: ["jane@acme.example"]))
        let first = try t.store.capture(candidate)
        // A re-import makes a new candidate (new id, new time) from the same bytes.
        let again = Cards.candidate(Cards.contact(emails: ["jane@acme.example"]), at: Cards.capturedAt.addingTimeInterval(99))
        #expect(again.contentHash == candidate.contentHash)
        let second = try t.store.capture(again)
        guard case .alreadyCaptured(let id) = second else { Issue.record("expected alreadyCaptured, got \(second)"); return }
        #expect(id == first.leadID)
        #expect(try t.store.lead(id).mergedCaptures.isEmpty)
        #expect(try t.store.count("lead_events") == 1)
        #expect(try t.store.count("outbox") == 1)
        // The same bytes at another event are a capture there.
        guard case .created = try t.store.capture(Cards.candidate(Cards.contact(emails: ["jane@acme.example"]), event: "Other")) else {
            Issue.record("same bytes at another event should make a lead"); return
        }
    }

    @Test func aBatchMergesLaterCapturesIntoEarlierOnes() throws {
        let t = try TemporaryStore()
        let outcomes = try t.store.capture([
            Cards.candidate(Cards.contact(emails: ["jane@acme.example"]), raw: "1"),
            Cards.candidate(Cards.contact(name: "Bob", emails: ["bob@acme.example"]), raw: "2"),
            Cards.candidate(Cards.contact(emails: ["JANE@acme.example"]), raw: "3"),
            Cards.candidate(Cards.contact(emails: ["jane@acme.example"]), raw: "1"),
        ])
        #expect(outcomes.count == 4)
        guard case .created = outcomes[0], case .created = outcomes[1], case .merged = outcomes[2],
              case .alreadyCaptured = outcomes[3] else { Issue.record("unexpected outcomes \(outcomes)"); return }
        #expect(outcomes[2].leadID == outcomes[0].leadID)
        #expect(try t.store.count("leads") == 2)
    }

    @Test func aBulkLoadLeavesTheStoreFullySynced() throws {
        let t = try TemporaryStore()
        let ids = try t.store.bulkLoad { () throws(StoreError) in
            try t.store.capture((0..<50).map { Cards.candidate(Cards.contact(emails: ["p\($0)@acme.example"]), raw: "card \($0)") })
                .map(\.leadID)
        }
        #expect(Set(ids).count == 50)
        #expect(try t.store.scalar("PRAGMA synchronous") == "2")
        #expect(try t.reopen().leadCount() == 50)
    }

    /// A bulk load skips its lookups only for what it knows is not stored: people already
    /// in the store, people another process captures between two commits of the load, and
    /// bytes captured twice in the load all still merge or count as already captured.
    @Test func aBulkLoadStillFindsEarlierLeadsAndOtherWritersLeads() throws {
        let t = try TemporaryStore()
        let other = try t.reopen()
        func card(_ name: String, raw: String) -> LeadCandidate {
            Cards.candidate(Cards.contact(name: name, emails: ["\(name.lowercased())@acme.example"]), raw: raw)
        }
        // As an import prepares them: the lead dropped, a merge reads it back from the JSON.
        func person(_ name: String, raw: String) -> PreparedCapture { PreparedCapture(card(name, raw: raw), keepingLead: false) }
        _ = try t.store.capture([card("Ann", raw: "ann 1")])
        let counts = try t.store.bulkLoad { () throws(StoreError) -> [CaptureCounts] in
            var counts: [CaptureCounts] = []
            counts.append(try t.store.captureCounting([[person("Ann", raw: "ann 2"), person("Bob", raw: "bob 1")]]))
            try t.store.commitBulk()
            // Another process (a booth) stores Cy while the import is between commits.
            _ = try other.capture([card("Cy", raw: "cy 1")])
            counts.append(try t.store.captureCounting([[person("Cy", raw: "cy 2"), person("Bob", raw: "bob 1")],
                                                      [person("Bob", raw: "bob 2")]]))
            return counts
        }
        var first = CaptureCounts(); first.created = 1; first.merged = 1
        var second = CaptureCounts(); second.merged = 2; second.alreadyCaptured = 1
        #expect(counts == [first, second])
        #expect(try t.store.count("leads") == 3)
        #expect(try t.store.count("captures_seen") == 6)
        #expect(try t.store.count("lead_events", where: "kind = 'merged'") == 3)
        // The merged captures came back whole from the JSON.
        let merged = try t.store.leads().reduce(into: [String: [String]]()) { out, lead in
            out[lead.contact.fullName ?? ""] = lead.mergedCaptures.map { String(decoding: $0.raw.bytes, as: UTF8.self) }
        }
        #expect(merged == ["Ann": ["ann 2"], "Bob": ["bob 2"], "Cy": ["cy 2"]])
    }

    /// A tap stored while an import holds the write lock waits for one capture call of the
    /// import, not for all of it (it used to wait for the whole import, or time out).
    @Test func aWriterWaitingDuringABulkLoadGoesFirst() throws {
        let t = try TemporaryStore()
        let booth = try t.reopen()
        let calls = 60
        let progress = Mutex(0)
        let tapWait = Mutex<Double?>(nil)
        let tapThread = Thread {
            while progress.withLock({ $0 }) < 5 { usleep(1_000) }
            let start = Date()
            _ = try? booth.capture(Cards.candidate(Cards.contact(emails: ["tap@booth.example"]), raw: "the tap"))
            tapWait.withLock { $0 = Date().timeIntervalSince(start) }
        }
        let loadStart = Date()
        try t.store.bulkLoad { () throws(StoreError) in
            for call in 0..<calls {
                if call == 1 { tapThread.start() }
                _ = try t.store.capture((0..<200).map { Cards.candidate(Cards.contact(emails: ["p\(call)-\($0)@acme.example"]), raw: "card \(call) \($0)") })
                progress.withLock { $0 = call }
                usleep(20_000)  // a capture call's worth of decoding, so the load outlasts the tap
            }
        }
        let loadTime = Date().timeIntervalSince(loadStart)
        var waited: Double?
        for _ in 0..<200 {
            waited = tapWait.withLock { $0 }
            if waited != nil { break }
            usleep(10_000)
        }
        let wait = try #require(waited, "the tap was never stored")
        #expect(wait < loadTime / 3, "the tap waited \(wait) s of a \(loadTime) s load")
        #expect(try t.store.count("leads") == calls * 200 + 1)
    }

    /// While a bulk load goes on, a second connection copies committed pages into the
    /// database file: the load's own connection never checkpoints until the end.
    @Test func aBackgroundCheckpointCopiesCommittedPagesDuringABulkLoad() throws {
        let t = try TemporaryStore()
        // Another connection open: the load cannot leave WAL mode (alone, it would write
        // the database file directly and never need a checkpoint).
        let other = try t.reopen()
        defer { withExtendedLifetime(other) {} }
        func size() -> Int { (try? FileManager.default.attributesOfItem(atPath: t.path)[.size] as? Int) ?? 0 }
        let before = size()
        let grew = try t.store.bulkLoad { () throws(StoreError) -> Bool in
            _ = try t.store.capture((0..<500).map { Cards.candidate(Cards.contact(emails: ["p\($0)@acme.example"]), raw: "card \($0)") })
            try t.store.commitBulk()
            for _ in 0..<200 {
                if size() > before { return true }
                usleep(25_000)
            }
            return false
        }
        #expect(grew, "the database file stayed at \(before) bytes for 5 s after a commit")
        #expect(try t.reopen().leadCount() == 500)
    }

    /// Alone on the store, a bulk load writes through a rollback journal, not the WAL, and
    /// leaves the store in WAL mode, whole, when it ends.
    @Test func aBulkLoadAloneWritesWithoutTheWALAndSwitchesBack() throws {
        let t = try TemporaryStore()
        func mode() throws -> String? {
            try t.store.withDatabase { (db) throws(StoreError) in try db.pragmaText("PRAGMA journal_mode") }
        }
        #expect(try mode() == "wal")
        let during = try t.store.bulkLoad { () throws(StoreError) -> String? in
            _ = try t.store.capture((0..<300).map { Cards.candidate(Cards.contact(emails: ["p\($0)@acme.example"]), raw: "card \($0)") })
            try t.store.commitBulk()
            _ = try t.store.capture((300..<600).map { Cards.candidate(Cards.contact(emails: ["p\($0)@acme.example"]), raw: "card \($0)") })
            return try t.store.withDatabase { (db) throws(StoreError) in try db.pragmaText("PRAGMA journal_mode") }
        }
        #expect(during == "truncate")
        #expect(try mode() == "wal")
        let walSize = (try? FileManager.default.attributesOfItem(atPath: t.path + "-wal")[.size] as? Int) ?? 0
        #expect(walSize < 1 << 20, "the WAL holds \(walSize) bytes after a load that bypassed it")
        let reopened = try t.reopen()
        #expect(try reopened.leadCount() == 600)
        #expect(try reopened.withDatabase { (db) throws(StoreError) in try db.pragmaText("PRAGMA integrity_check") } == "ok")
        #expect(try reopened.withDatabase { (db) throws(StoreError) in try db.pragmaText("PRAGMA foreign_key_check") } == nil)
    }

    /// A booth that opens the store while a lone bulk load runs in rollback mode gets in
    /// quickly although the load holds the write lock almost all the time: its open,
    /// announced as a writer, switches the file back to WAL between two of the load's
    /// transactions, its tap is stored, and the load finishes in WAL mode with nothing lost.
    @Test func aStoreOpenedDuringARollbackBulkLoadStoresItsTapAndTheLoadFinishes() throws {
        let t = try TemporaryStore()
        let calls = 60
        let progress = Mutex(0)
        let tapped = Mutex<Double?>(nil)
        let failure = Mutex<String?>(nil)
        let path = t.path
        let tapThread = Thread {
            while progress.withLock({ $0 }) < 5 { usleep(1_000) }
            let start = Date()
            do {
                let booth = try LeadStore(path: path, logger: TemporaryStore.logger)
                _ = try booth.capture(Cards.candidate(Cards.contact(emails: ["tap@booth.example"]), raw: "the tap"))
                tapped.withLock { $0 = Date().timeIntervalSince(start) }
            } catch {
                failure.withLock { $0 = "\(error)" }
            }
        }
        var modes: Set<String> = []
        var journalModes: Set<String> = []
        let loadStart = Date()
        try t.store.bulkLoad { () throws(StoreError) in
            for call in 0..<calls {
                if call == 1 { tapThread.start() }
                // No pause between calls: the load keeps the write lock, as a real import does.
                _ = try t.store.capture((0..<200).map { Cards.candidate(Cards.contact(emails: ["p\(call)-\($0)@acme.example"]), raw: "card \(call) \($0)") })
                if let mode = try t.store.withDatabase({ (db) throws(StoreError) in try db.pragmaText("PRAGMA journal_mode") }) { modes.insert(mode) }
                if let mode = try? FileManager.default.attributesOfItem(atPath: path + "-journal")[.posixPermissions] as? Int {
                    journalModes.insert(String(mode, radix: 8))
                }
                progress.withLock { $0 = call }
            }
        }
        let loadTime = Date().timeIntervalSince(loadStart)
        var waited: Double?
        for _ in 0..<500 {
            waited = tapped.withLock { $0 }
            if waited != nil || failure.withLock({ $0 }) != nil { break }
            usleep(10_000)
        }
        #expect(modes.contains("truncate"), "the load never left WAL mode: \(modes)")
        #expect(journalModes.isSubset(of: ["600"]), "rollback journal created with modes \(journalModes)")
        #expect(failure.withLock { $0 } == nil)
        let wait = try #require(waited, "the booth never stored its tap")
        #expect(wait < loadTime / 2, "the booth's open and tap took \(wait) s of a \(loadTime) s load")
        let reopened = try t.reopen()
        #expect(try reopened.leadCount() == calls * 200 + 1)
        #expect(try reopened.withDatabase { (db) throws(StoreError) in try db.pragmaText("PRAGMA journal_mode") } == "wal")
        #expect(try reopened.withDatabase { (db) throws(StoreError) in try db.pragmaText("PRAGMA integrity_check") } == "ok")
    }

    /// Inside a bulk load, captures become visible (committed) at `commitBulk()`; a capture
    /// call that fails half-way rolls back everything since the last commit, and what was
    /// committed before is kept.
    @Test func aBulkLoadCommitsWhenToldAndRollsBackToTheLastCommitOnFailure() throws {
        let t = try TemporaryStore()
        let other = try t.reopen()
        func people(_ range: Range<Int>) -> [LeadCandidate] {
            range.map { Cards.candidate(Cards.contact(emails: ["p\($0)@acme.example"]), raw: "card \($0)") }
        }
        var clash = people(20..<22)
        clash[1].lead.id = clash[0].lead.id  // the second insert breaks the id's uniqueness
        var failure: StoreError?
        do {
            try t.store.bulkLoad { () throws(StoreError) in
                _ = try t.store.capture(people(0..<10))
                #expect(try other.leadCount() == 0, "visible before its commit")
                try t.store.commitBulk()
                #expect(try other.leadCount() == 10)
                _ = try t.store.capture(people(10..<15))
                _ = try t.store.capture(clash)
            }
        } catch {
            failure = error
        }
        #expect(failure != nil)
        #expect(try other.leadCount() == 10)
        #expect(try t.store.count("captures_seen") == 10)
        #expect(try t.store.count("outbox") == 10)
        #expect(try t.store.scalar("PRAGMA synchronous") == "2")
        // The store is usable as before: the clashing pair's first card goes in now.
        _ = try t.store.capture([clash[0]])
        #expect(try other.leadCount() == 11)
    }

    /// Issue 18 defect 9: the same person captured again and again (each card 200 KB, under
    /// the raw bound) stays one lead under 1 MB; earlier cards' bytes move to the quarantine,
    /// every merge is still an event.
    @Test func aLeadMergedManyTimesStaysUnderAMegabyteAndLosesNoBytes() throws {
        let t = try TemporaryStore()
        let contact = Cards.contact(emails: ["jane@acme.example"])
        var raws: [String] = []
        var id = ""
        for n in 0..<8 {
            let raw = Cards.vCard(contact) + "X-PAD:" + String(repeating: Character(UnicodeScalar(UInt8(0x61 + n))), count: 200 << 10) + "\r\n"
            raws.append(raw)
            let outcome = try t.store.capture(Cards.candidate(contact, raw: raw, file: "/scans/jane-\(n).vcf",
                                                              at: Cards.capturedAt.addingTimeInterval(Double(n))))
            id = outcome.leadID
        }
        #expect(try t.store.count("leads") == 1)
        #expect(Int(try t.store.scalar("SELECT max(length(json)) FROM leads") ?? "") ?? .max <= LeadLimits.maximumJSONBytes)
        #expect(try t.store.count("lead_events", where: "kind = 'merged'") == 7)
        let lead = try t.store.lead(id)
        #expect(lead.mergedCaptures.count == 7)
        // Every card's bytes are somewhere: in the lead, or quarantined under its file.
        let quarantined = try t.store.quarantined(withRaw: true)
        #expect(!quarantined.isEmpty)
        #expect(quarantined.allSatisfy { $0.reason.contains("(merged)") && $0.reason.contains("kept in the quarantine") })
        var kept = Set(quarantined.map { String(decoding: $0.raw, as: UTF8.self) })
        kept.insert(String(decoding: lead.raw.bytes, as: UTF8.self))
        for capture in lead.mergedCaptures where !capture.raw.bytes.isEmpty { kept.insert(String(decoding: capture.raw.bytes, as: UTF8.self)) }
        for (n, raw) in raws.enumerated() { #expect(kept.contains(raw), "card \(n)'s bytes are lost") }
        #expect(quarantined.contains { $0.origin == "/scans/jane-1.vcf" }, "\(quarantined.map(\.origin))")
    }
}
