/// The store's schema, as numbered migrations; `PRAGMA user_version` records the last applied.
///
/// Append a migration to change the schema; never edit one that has shipped. Use neither
/// `ALTER TABLE ... RENAME` nor a TEMP table in one: with SQLite 3.40, either makes the WAL
/// checkpoint that ends an import into a new store (migrated by the same process) fail with
/// "database table is locked". Copy into a plain table, drop and re-create instead.
enum Schema {
    static let migrations: [String] = [
        // 1: leads, their events, the outbox, the quarantine, import hashes.
        """
        CREATE TABLE leads (
            id TEXT PRIMARY KEY,
            event TEXT NOT NULL,
            rep TEXT NOT NULL,
            owner TEXT NOT NULL,
            status TEXT NOT NULL,
            due_at TEXT NOT NULL,
            captured_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            dedupe_key TEXT,
            has_note INTEGER NOT NULL DEFAULT 0,
            json TEXT NOT NULL
        );
        CREATE INDEX leads_by_event ON leads(event, captured_at);
        CREATE INDEX leads_by_due ON leads(due_at);
        CREATE UNIQUE INDEX leads_by_person ON leads(event, dedupe_key) WHERE dedupe_key IS NOT NULL;
        CREATE TABLE lead_events (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            lead_id TEXT NOT NULL REFERENCES leads(id),
            kind TEXT NOT NULL,
            at TEXT NOT NULL,
            data TEXT NOT NULL
        );
        CREATE INDEX lead_events_by_lead ON lead_events(lead_id, seq);
        CREATE TABLE outbox (
            event_seq INTEGER PRIMARY KEY REFERENCES lead_events(seq),
            lead_id TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'queued',
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT,
            last_error TEXT,
            delivered_at TEXT
        );
        CREATE INDEX outbox_by_state ON outbox(state, event_seq);
        CREATE TABLE captures_seen (
            event TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            lead_id TEXT NOT NULL,
            PRIMARY KEY (event, content_hash)
        ) WITHOUT ROWID;
        CREATE TABLE quarantine (
            id TEXT PRIMARY KEY,
            received_at TEXT NOT NULL,
            origin TEXT NOT NULL,
            byte_offset INTEGER,
            reason TEXT NOT NULL,
            media_type TEXT,
            raw BLOB NOT NULL,
            event TEXT,
            rep TEXT,
            content_hash TEXT NOT NULL,
            resolved_at TEXT,
            lead_id TEXT
        );
        CREATE INDEX quarantine_by_hash ON quarantine(event, content_hash);
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        """,
        // 2: fewer indexes. Each costs every capture 1-3 µs. One index on (event, dedupe
        // key) now serves both the dedupe lookup and the event filter (NULL keys never
        // collide in a UNIQUE index); listing sorts by capture time and `--overdue` scans,
        // a fraction of a second at 100,000 leads. A lead's own events (read by no command
        // yet) are found by a scan.
        """
        DROP INDEX leads_by_due;
        DROP INDEX leads_by_event;
        DROP INDEX leads_by_person;
        CREATE UNIQUE INDEX leads_by_event_person ON leads(event, dedupe_key);
        DROP INDEX lead_events_by_lead;
        """,
        // 3: the outbox becomes the delivery columns of `lead_events`, and event ids lose
        // their UNIQUE index. A new lead cost four rows in eight B-trees (lead, event, outbox
        // item, content hash); now three rows in five, and an import's writer thread makes
        // a fifth fewer SQLite instructions per lead. Every event is queued when written;
        // the forwarder sets its state, attempts, retry time, error and delivery time, and
        // reads the queued ones from a floor kept in `meta` (`outbox_floor`), below which
        // nothing is queued, so it needs no index on the state. The view `outbox` keeps the
        // old table's name and columns for people reading the file with sqlite3. Event ids
        // are UUIDv7s made here (random bits): the shared store keys on them, nothing here
        // looks one up, and a UNIQUE index cost every event a B-tree insert. Nor is `seq`
        // AUTOINCREMENT any more (its counter row was rewritten at every insert, 7% of the
        // instructions): events are never deleted, so a new seq (the largest plus one) is
        // above every earlier one all the same, which the floor and the shared store's
        // ordering rely on. A command that deletes events must bring AUTOINCREMENT back.
        // Copied out and back (no ALTER TABLE RENAME, no TEMP table: see above); events
        // without an outbox item (none were written so) stay queued: delivered twice rather
        // than lost, and the shared store ignores an event id it has.
        """
        CREATE TABLE lead_events_copy (
            seq INTEGER, id TEXT, lead_id TEXT, kind TEXT, at TEXT, data TEXT,
            state TEXT, attempts INTEGER, next_attempt_at TEXT, last_error TEXT, delivered_at TEXT
        );
        INSERT INTO lead_events_copy
            SELECT e.seq, e.id, e.lead_id, e.kind, e.at, e.data, coalesce(o.state, 'queued'), coalesce(o.attempts, 0),
                   o.next_attempt_at, o.last_error, o.delivered_at
            FROM lead_events e LEFT JOIN outbox o ON o.event_seq = e.seq;
        DROP TABLE outbox;
        DROP TABLE lead_events;
        CREATE TABLE lead_events (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL,
            lead_id TEXT NOT NULL REFERENCES leads(id),
            kind TEXT NOT NULL,
            at TEXT NOT NULL,
            data TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'queued',
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT,
            last_error TEXT,
            delivered_at TEXT
        );
        INSERT INTO lead_events SELECT * FROM lead_events_copy ORDER BY seq;
        DROP TABLE lead_events_copy;
        CREATE VIEW outbox AS
            SELECT seq AS event_seq, lead_id, state, attempts, next_attempt_at, last_error, delivered_at FROM lead_events;
        INSERT OR REPLACE INTO meta (key, value)
            VALUES ('outbox_floor', (SELECT coalesce(min(seq), (SELECT coalesce(max(seq), 0) + 1 FROM lead_events))
                                     FROM lead_events WHERE state = 'queued'));
        """,
        // 4: attendee rosters (`leadgate roster import`), per event. `roster` holds each
        // attendee as the organizer's file wrote them; `roster_keys` the values that find
        // one (kind `uid`, `code` or `email`, normalized), one B-tree keyed by event, kind
        // and value, which is the lookup a tap makes. `rosters` says where each event's
        // roster came from. `attendee` is `roster.id` without a REFERENCES clause: a
        // foreign key would make every deleted attendee scan `roster_keys` (no index on
        // `attendee`); `roster purge` deletes both by event.
        """
        CREATE TABLE rosters (
            event TEXT PRIMARY KEY,
            file TEXT NOT NULL,
            shape TEXT NOT NULL,
            imported_at TEXT NOT NULL
        );
        CREATE TABLE roster (
            id INTEGER PRIMARY KEY,
            event TEXT NOT NULL,
            line INTEGER NOT NULL,
            full_name TEXT,
            given_name TEXT,
            family_name TEXT,
            organization TEXT,
            title TEXT,
            email TEXT,
            phone TEXT
        );
        CREATE INDEX roster_by_event ON roster(event, id);
        CREATE TABLE roster_keys (
            event TEXT NOT NULL,
            kind TEXT NOT NULL,
            value TEXT NOT NULL,
            attendee INTEGER NOT NULL,
            PRIMARY KEY (event, kind, value, attendee)
        ) WITHOUT ROWID;
        """,
        // 5: the notification outbox (owners told of assignments, hot leads, and digests).
        // One row per message, `key` unique (the change event's id and the reason, or the
        // owner and day of a digest), so finding the same change twice queues nothing new;
        // `sent_to` lists the addresses already reached, so a retry reaches only the rest.
        // Changes are scanned from `notify_cursor` in `meta`, set here to the newest event:
        // an upgraded store does not tell owners about its past.
        """
        CREATE TABLE notifications (
            seq INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL,
            owner TEXT NOT NULL,
            lead_id TEXT,
            created_at TEXT NOT NULL,
            subject TEXT NOT NULL,
            body TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'queued',
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT,
            last_error TEXT,
            sent_to TEXT NOT NULL DEFAULT '[]',
            delivered_at TEXT
        );
        CREATE INDEX notifications_by_state ON notifications(state, seq);
        INSERT OR REPLACE INTO meta (key, value) VALUES ('notify_cursor', (SELECT coalesce(max(seq), 0) FROM lead_events));
        """,
    ]

    static var currentVersion: Int { migrations.count }
}
