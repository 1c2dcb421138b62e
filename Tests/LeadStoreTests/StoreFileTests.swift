import Foundation
import Leads
@testable import LeadStore
import Logging
import Testing

@Suite struct StoreFileTests {
    @Test func createsTheFileAndItsFolderPrivate() throws {
        let t = try TemporaryStore()
        _ = try t.store.capture(Cards.candidate(Cards.contact(emails: ["jane@acme.example"])))
        for suffix in ["", "-wal", "-shm"] {
            let attributes = try FileManager.default.attributesOfItem(atPath: t.path + suffix)
            let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
            #expect(mode & 0o777 == 0o600, "\(suffix.isEmpty ? "database" : suffix) has mode \(String(mode, radix: 8))")
        }
        let folder = try FileManager.default.attributesOfItem(atPath: (t.path as NSString).deletingLastPathComponent)
        #expect(((folder[.posixPermissions] as? NSNumber)?.intValue ?? -1) & 0o777 == 0o700)
    }

    @Test func staysPrivateEvenWithAPermissiveUmask() throws {
        let old = umask(0)
        defer { umask(old) }
        let t = try TemporaryStore()
        _ = try t.store.capture(Cards.candidate(Cards.contact(emails: ["jane@acme.example"])))
        for suffix in ["", "-wal", "-shm"] {
            let mode = ((try FileManager.default.attributesOfItem(atPath: t.path + suffix))[.posixPermissions] as? NSNumber)?.intValue ?? -1
            #expect(mode & 0o077 == 0, "\(suffix) is readable by others: \(String(mode, radix: 8))")
        }
    }

    @Test func runsInWALModeWithFullSync() throws {
        let t = try TemporaryStore()
        #expect(try t.store.scalar("PRAGMA journal_mode") == "wal")
        #expect(try t.store.scalar("PRAGMA synchronous") == "2")  // FULL
        #expect(try t.store.scalar("PRAGMA foreign_keys") == "1")
    }

    @Test func recordsTheSchemaVersionAndReopensAnExistingStore() throws {
        let t = try TemporaryStore()
        #expect(try t.store.scalar("PRAGMA user_version") == String(Schema.currentVersion))
        let created = try t.store.capture(Cards.candidate(Cards.contact(emails: ["jane@acme.example"])))
        // Opening again runs the migrations again: nothing is applied twice, nothing is lost.
        for _ in 0..<2 {
            let again = try t.reopen()
            #expect(try again.scalar("PRAGMA user_version") == String(Schema.currentVersion))
            #expect(try again.lead(created.leadID).id == created.leadID)
            #expect(try again.count("leads") == 1)
        }
    }

    /// A store made by an older leadgate: the migrations up to `version` only, then the
    /// leads, events and content hashes of `source` copied in, and `outbox` run (old schema).
    static func oldStore(version: Int, from source: TemporaryStore, outbox: String) throws -> TemporaryStore {
        let old = try TemporaryStore()
        try old.store.withDatabase { (db) throws(StoreError) in
            try db.execute("""
                PRAGMA foreign_keys=OFF;
                DROP TABLE captures_seen; DROP TABLE quarantine; DROP TABLE meta; DROP TABLE lead_events; DROP TABLE leads; DROP TABLE notifications; DROP TABLE rosters; DROP TABLE roster; DROP TABLE roster_keys;
                DROP VIEW outbox; DELETE FROM sqlite_sequence;
                """)
            for migration in Schema.migrations.prefix(version) { try db.execute(migration) }
            try db.execute("""
                ATTACH DATABASE '\(source.path)' AS current;
                INSERT INTO leads SELECT * FROM current.leads;
                INSERT INTO lead_events (seq, id, lead_id, kind, at, data) SELECT seq, id, lead_id, kind, at, data FROM current.lead_events;
                INSERT INTO captures_seen SELECT * FROM current.captures_seen;
                DETACH DATABASE current;
                \(outbox)
                PRAGMA user_version = \(version);
                PRAGMA foreign_keys=ON;
                """)
        }
        return old
    }

    /// A store the first release made (schema 1, with its three lead indexes) opens with
    /// one index in their place, keeps its leads, and still answers every query.
    @Test func migratesAVersion1StoreKeepingItsLeads() throws {
        let source = try TemporaryStore()
        let due = Cards.capturedAt.addingTimeInterval(-3 * 86_400)
        let lead = try source.store.capture(Cards.candidate(Cards.contact(emails: ["jane@acme.example"]), at: due))
        let t = try Self.oldStore(version: 1, from: source, outbox: "INSERT INTO outbox (event_seq, lead_id) SELECT seq, lead_id FROM lead_events;")
        #expect(try t.store.scalar("SELECT count(*) FROM sqlite_schema WHERE name = 'lead_events_by_lead'") == "1")
        let again = try t.reopen()
        #expect(try again.scalar("PRAGMA user_version") == String(Schema.currentVersion))
        #expect(try again.scalar("SELECT group_concat(name) FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'leads' AND sql IS NOT NULL")
            == "leads_by_event_person")
        #expect(try again.leads(LeadFilter(event: "RSA 2026")).map(\.id) == [lead.leadID])
        #expect(try again.leadCount(event: "RSA 2026") == 1)
        #expect(try again.scalar("SELECT count(*) FROM sqlite_schema WHERE name = 'lead_events_by_lead'") == "0")
        #expect(try again.events(forLead: lead.leadID).map(\.kind) == ["created"])
        #expect(try again.lead(lead.leadID).id == lead.leadID)
        #expect(try again.leads(LeadFilter(dueBefore: Cards.capturedAt)).map(\.id) == [lead.leadID])
        #expect(try again.pendingDeliveries(limit: 10).map(\.leadID) == [lead.leadID])
        #expect(try again.scalar("PRAGMA integrity_check") == "ok")
        #expect(try again.scalar("PRAGMA foreign_key_check") == nil)
    }

    /// Schema 3 moved the outbox into `lead_events`: a schema-2 store's items keep their
    /// state, attempts, retry time, error and delivery time, and new events queue after them.
    @Test func migratesAVersion2OutboxIntoTheEvents() throws {
        let source = try TemporaryStore()
        var ids: [String] = []
        for name in ["ann", "bob", "cy", "di"] {
            ids.append(try source.store.capture(Cards.candidate(Cards.contact(name: name, emails: ["\(name)@acme.example"]))).leadID)
        }
        let t = try Self.oldStore(version: 2, from: source, outbox: """
            INSERT INTO outbox (event_seq, lead_id, state, attempts, next_attempt_at, last_error, delivered_at) VALUES
                (1, '\(ids[0])', 'delivered', 1, NULL, NULL, '2026-11-18T12:00:00.000Z'),
                (2, '\(ids[1])', 'dead', 3, NULL, 'HTTP 422: rejected', NULL),
                (3, '\(ids[2])', 'queued', 2, '2099-01-01T00:00:00.000Z', 'timed out', NULL),
                (4, '\(ids[3])', 'queued', 0, NULL, NULL, NULL);
            """)
        let store = try t.reopen()
        #expect(try store.scalar("PRAGMA user_version") == String(Schema.currentVersion))
        #expect(try store.scalar("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN ('outbox', 'lead_events_copy')") == "0")
        #expect(try store.scalar("SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'lead_events'") == "0")
        #expect(try store.scalar("SELECT value FROM meta WHERE key = 'outbox_floor'") == "3")
        let status = try store.outboxStatus()
        #expect(status.queued == 2 && status.delivered == 1 && status.deadLettered == 1)
        // The queued item waiting for its retry time is held back; the other is due.
        let due = try store.pendingDeliveries(limit: 10)
        #expect(due.map(\.leadID) == [ids[3]])
        #expect(try store.deadLetters().map(\.reason) == ["HTTP 422: rejected"])
        #expect(try store.scalar("SELECT attempts || ' ' || last_error FROM outbox WHERE event_seq = 3") == "2 timed out")
        #expect(try store.firstDeliveries()[ids[0]] == Timestamp.parse("2026-11-18T12:00:00.000Z"))
        #expect(try store.retryQueuedNow() == 1)
        #expect(try store.pendingDeliveries(limit: 10).map(\.leadID) == [ids[2], ids[3]])
        // A new event gets a later seq and queues behind the old ones.
        try store.annotate(ids[0], note: "call back on Monday")
        let pending = try store.pendingDeliveries(limit: 10)
        #expect(pending.map(\.leadID) == [ids[2], ids[3], ids[0]])
        #expect(pending.map(\.seq) == [3, 4, 5])
        try store.markDelivered([3, 4, 5])
        #expect(try store.outboxStatus().queued == 0)
        #expect(try store.scalar("SELECT value FROM meta WHERE key = 'outbox_floor'") == "6")
        #expect(try store.scalar("PRAGMA integrity_check") == "ok")
    }

    @Test func refusesAStoreWrittenByANewerLeadgate() throws {
        let t = try TemporaryStore()
        try t.store.withDatabase { (db) throws(StoreError) in try db.execute("PRAGMA user_version = \(Schema.currentVersion + 1)") }
        #expect {
            _ = try t.reopen()
        } throws: { error in
            (error as? StoreError)?.code == .schemaTooNew
        }
    }

    @Test func aStoreThatCannotBeCreatedNamesThePath() throws {
        let blocker = FileManager.default.temporaryDirectory.appendingPathComponent("leadstore-file-\(UUID().uuidString)")
        try Data("not a folder".utf8).write(to: blocker)
        defer { try? FileManager.default.removeItem(at: blocker) }
        #expect {
            _ = try LeadStore(path: blocker.appendingPathComponent("leads.sqlite").path, logger: Logger(label: "test"))
        } throws: { error in
            (error as? StoreError)?.code == .cannotOpen && "\(error)".contains(blocker.lastPathComponent)
        }
    }

    @Test func aCaptureThatReturnedIsVisibleToAnotherConnection() throws {
        let t = try TemporaryStore()
        let other = try t.reopen()
        let outcome = try t.store.capture(Cards.candidate(Cards.contact(emails: ["jane@acme.example"])))
        let seen = try other.lead(outcome.leadID)
        #expect(seen.contact.emails == ["jane@acme.example"])
        #expect(try other.events(forLead: outcome.leadID).map(\.kind) == ["created"])
    }

    /// A statement left on a row keeps its read transaction open; the next write on that
    /// connection would then fail with SQLITE_BUSY_SNAPSHOT once another process has written,
    /// and reads would not see the other process's leads.
    @Test func aConnectionSeesAndFollowsWritesFromAnotherOne() throws {
        let t = try TemporaryStore()
        let other = try t.reopen()
        let jane = Cards.candidate(Cards.contact(emails: ["jane@acme.example"]))
        let first = try t.store.capture(jane)
        _ = try t.store.lead(first.leadID)
        _ = try t.store.capture(jane)  // alreadyCaptured: its lookup found a row
        _ = try t.store.leadCount()
        let bob = try other.capture(Cards.candidate(Cards.contact(name: "Bob", emails: ["bob@globex.example"])))
        #expect(try t.store.leads().map(\.id).contains(bob.leadID))
        let ann = try t.store.capture(Cards.candidate(Cards.contact(name: "Ann", emails: ["ann@initech.example"])))
        try t.store.annotate(bob.leadID, note: "met at the bar")
        #expect(try other.leads().map(\.id).contains(ann.leadID))
        #expect(try other.lead(bob.leadID).note == "met at the bar")
    }

    /// Booth and forwarder started together on a new store: both see schema 0, and the
    /// second must not run the first migration again.
    @Test func processesOpeningANewStoreTogetherAllSucceed() async throws {
        for _ in 0..<5 {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("leadstore-race-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: folder) }
            let path = folder.appendingPathComponent("leads.sqlite").path
            let failures = await withTaskGroup(of: String?.self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        do { _ = try LeadStore(path: path, logger: TemporaryStore.logger); return nil } catch { return "\(error) (result code \((error as? StoreError)?.resultCode.map(String.init) ?? "-"))" }
                    }
                }
                return await group.reduce(into: [String]()) { if let failure = $1 { $0.append(failure) } }
            }
            #expect(failures.isEmpty)
            let store = try LeadStore(path: path, logger: TemporaryStore.logger)
            #expect(try store.scalar("PRAGMA user_version") == String(Schema.currentVersion))
        }
    }

    @Test func defaultPathFollowsTheEnvironment() {
        #expect(LeadStore.defaultPath(environment: ["LEADGATE_STORE": "/x/y.sqlite", "XDG_DATA_HOME": "/d"]) == "/x/y.sqlite")
        #expect(LeadStore.defaultPath(environment: ["XDG_DATA_HOME": "/d", "HOME": "/h"]) == "/d/leadgate/leads.sqlite")
        #expect(LeadStore.defaultPath(environment: ["HOME": "/h"]) == "/h/.local/share/leadgate/leads.sqlite")
    }
}
