extension PostgresSink {
    /// The shared store's tables, made if missing. One row per lead with the lead's latest
    /// JSON; one row per change, keyed by the event id the outbox made.
    ///
    /// `source_seq` is the event's sequence number in the local store that sent it: newer
    /// changes of a lead have larger ones, whatever the clocks say, so a late re-send of an
    /// older state can never overwrite a newer one.
    static let schemaSQL = """
        BEGIN;
        SELECT pg_advisory_xact_lock(7316818450151294209);
        CREATE TABLE IF NOT EXISTS leads (
            id uuid PRIMARY KEY,
            lead jsonb NOT NULL,
            event text NOT NULL,
            rep text NOT NULL,
            owner text NOT NULL,
            status text NOT NULL,
            due_at timestamptz,
            captured_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL,
            source_seq bigint NOT NULL
        );
        CREATE INDEX IF NOT EXISTS leads_by_event ON leads (event, captured_at);
        CREATE INDEX IF NOT EXISTS leads_by_owner_due ON leads (owner, due_at);
        CREATE TABLE IF NOT EXISTS lead_events (
            id uuid PRIMARY KEY,
            lead_id uuid NOT NULL,
            source_seq bigint NOT NULL,
            kind text NOT NULL,
            at timestamptz NOT NULL,
            data jsonb NOT NULL,
            received_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX IF NOT EXISTS lead_events_by_lead ON lead_events (lead_id, source_seq);
        \(teamSchemaSQL)
        COMMIT;
        """

    /// Where a batch lands first, per connection; emptied by every COMMIT or ROLLBACK.
    static let stagingSQL = """
        CREATE TEMP TABLE IF NOT EXISTS leadgate_batch (
            seq bigint NOT NULL,
            event_id text NOT NULL,
            lead_id text NOT NULL,
            kind text NOT NULL,
            at timestamptz NOT NULL,
            data text NOT NULL,
            lead text NOT NULL,
            latest boolean NOT NULL
        ) ON COMMIT DELETE ROWS
        """

    static let copySQL = "COPY leadgate_batch (seq, event_id, lead_id, kind, at, data, lead, latest) FROM STDIN (FORMAT binary)"

    /// Latest state wins: each lead once (its newest change in the batch, marked `latest` by
    /// the sender so the server need not sort), and an existing row changes only for a
    /// change at least as new as the one it has. MATERIALIZED parses each lead's JSON once;
    /// inlined, every `j->>` would parse it again.
    static let upsertLeadsSQL = """
        WITH b AS MATERIALIZED (SELECT lead_id, lead::jsonb AS j, at, seq, data::jsonb->>'gateway' AS gateway
                                FROM leadgate_batch WHERE latest),
        f AS (SELECT b.*, b.j->'contact'->'emails'->>0 AS email,
                     coalesce(b.j->'contact'->'phones'->0->>'e164', b.j->'contact'->'phones'->0->>'number') AS phone
              FROM b)
        INSERT INTO leads AS l (id, lead, event, rep, owner, status, due_at, captured_at, updated_at, source_seq,
                                name, company, title, email, phone, note, next_action, tags, gateway, person_key, capture_seq)
        SELECT f.lead_id::uuid, f.j, f.j->>'event', f.j->>'rep', f.j->>'owner', f.j->>'status',
               (f.j->'next_action'->>'due')::timestamptz, (f.j->>'captured_at')::timestamptz, f.at, f.seq,
               \(flatColumnsSQL("f.j")), f.gateway,
               coalesce((SELECT p.person_key FROM leads p
                         WHERE p.event = f.j->>'event' AND p.id <> f.lead_id::uuid
                           AND ((f.email IS NOT NULL AND p.email = f.email) OR (f.phone IS NOT NULL AND p.phone = f.phone))
                         LIMIT 1),
                        \(ownPersonKeySQL("f.j->>'event'", "f.email", "f.phone", "f.lead_id"))),
               f.seq
        FROM f
        ON CONFLICT (id) DO UPDATE SET
            lead = EXCLUDED.lead, event = EXCLUDED.event, rep = EXCLUDED.rep, owner = EXCLUDED.owner,
            status = EXCLUDED.status, due_at = EXCLUDED.due_at, captured_at = EXCLUDED.captured_at,
            updated_at = EXCLUDED.updated_at, source_seq = EXCLUDED.source_seq,
            name = EXCLUDED.name, company = EXCLUDED.company, title = EXCLUDED.title, email = EXCLUDED.email,
            phone = EXCLUDED.phone, note = EXCLUDED.note, next_action = EXCLUDED.next_action, tags = EXCLUDED.tags,
            gateway = coalesce(EXCLUDED.gateway, l.gateway),
            person_key = CASE WHEN l.email IS NOT DISTINCT FROM EXCLUDED.email AND l.phone IS NOT DISTINCT FROM EXCLUDED.phone
                              THEN l.person_key ELSE EXCLUDED.person_key END
        WHERE l.source_seq <= EXCLUDED.source_seq
        """

    /// The event id is the idempotency key: a re-sent change is a no-op.
    static let insertEventsSQL = """
        INSERT INTO lead_events (id, lead_id, source_seq, kind, at, data)
        SELECT event_id::uuid, lead_id::uuid, seq, kind, at, data::jsonb FROM leadgate_batch
        ON CONFLICT (id) DO NOTHING
        """
}

// MARK: the team's views

extension PostgresSink {
    /// The lead's flat columns from its JSON `j`, in the order of `leads`' flat columns
    /// (name, company, title, email, phone, note, next_action, tags).
    static func flatColumnsSQL(_ j: String) -> String {
        """
        \(j)->'contact'->>'full_name', \(j)->'contact'->>'organization', \(j)->'contact'->>'title',
        \(j)->'contact'->'emails'->>0,
        coalesce(\(j)->'contact'->'phones'->0->>'e164', \(j)->'contact'->'phones'->0->>'number'),
        \(j)->>'note', \(j)->'next_action'->>'action',
        ARRAY(SELECT jsonb_array_elements_text(coalesce(\(j)->'tags', '[]'::jsonb)))
        """
    }

    /// A lead's own person key: the event and its first email, else its first phone, else
    /// the lead itself. A lead whose email or phone another lead of the event already has
    /// takes that lead's key instead (see `upsertLeadsSQL`).
    static func ownPersonKeySQL(_ event: String, _ email: String, _ phone: String, _ id: String) -> String {
        "md5(\(event) || '|' || coalesce('e:' || lower(\(email)), 'p:' || \(phone), 'l:' || \(id)::text))"
    }

    /// What people and BI tools read: flat columns on `leads` (filled from the JSON at every
    /// upsert), and three views. `person_lead_ids` is a lookup per row (an index on the key),
    /// not a window over the table, so a filtered read of `lead_board` reads only its rows. Idempotent, and it upgrades a database made by an older
    /// leadgate: the columns are added and filled from the JSON once, in the transaction
    /// that adds them (later connects touch no row: a row lock cannot hold up a connect).
    static let teamSchemaSQL = """
        DO $upgrade$ BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'leads'::regclass AND attname = 'person_key' AND NOT attisdropped) THEN
                ALTER TABLE leads ADD COLUMN name text, ADD COLUMN company text, ADD COLUMN title text,
                    ADD COLUMN email text, ADD COLUMN phone text, ADD COLUMN note text, ADD COLUMN next_action text,
                    ADD COLUMN tags text[], ADD COLUMN gateway text, ADD COLUMN person_key text,
                    ADD COLUMN first_contacted_at timestamptz, ADD COLUMN forgotten_at timestamptz, ADD COLUMN capture_seq bigint;
                UPDATE leads SET (name, company, title, email, phone, note, next_action, tags) = (\(flatColumnsSQL("lead")));
                UPDATE leads SET person_key = \(ownPersonKeySQL("event", "email", "phone", "id")), capture_seq = source_seq;
            END IF;
        END $upgrade$;
        CREATE INDEX IF NOT EXISTS leads_by_event_email ON leads (event, email) WHERE email IS NOT NULL;
        CREATE INDEX IF NOT EXISTS leads_by_event_phone ON leads (event, phone) WHERE phone IS NOT NULL;
        CREATE INDEX IF NOT EXISTS leads_by_person_key ON leads (person_key);
        CREATE OR REPLACE VIEW lead_board AS
            SELECT l.id, l.name, l.company, l.title, l.email, l.phone, l.event, l.rep, l.owner, l.status,
                   array_to_string(l.tags, ', ') AS tags, l.note, l.next_action, l.due_at AS due,
                   (l.due_at < now() AND l.next_action IS DISTINCT FROM 'none') AS overdue,
                   l.first_contacted_at, l.gateway AS source_gateway, l.captured_at, l.updated_at,
                   coalesce(l.person_key, l.id::text) AS person_key,
                   CASE WHEN l.person_key IS NULL THEN ARRAY[l.id]
                        ELSE ARRAY(SELECT p.id FROM leads p WHERE p.person_key = l.person_key ORDER BY p.captured_at, p.id) END
                       AS person_lead_ids,
                   l.forgotten_at IS NOT NULL AS forgotten
            FROM leads l;
        CREATE OR REPLACE VIEW followups_due AS
            SELECT l.owner, l.due_at AS due, l.next_action, l.due_at < now() AS overdue,
                   l.name, l.company, l.email, l.phone, l.note, l.status, l.event, l.rep, l.id
            FROM leads l
            WHERE l.forgotten_at IS NULL AND l.next_action IS DISTINCT FROM 'none';
        CREATE OR REPLACE VIEW speed_to_lead AS
            SELECT l.event, l.rep, count(*) AS captured, count(l.first_contacted_at) AS contacted,
                   count(*) - count(l.first_contacted_at) AS never_contacted,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY l.first_contacted_at - l.captured_at) AS median_to_first_contact,
                   percentile_cont(0.9) WITHIN GROUP (ORDER BY l.first_contacted_at - l.captured_at) AS p90_to_first_contact,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM l.first_contacted_at - l.captured_at)) AS median_seconds,
                   percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM l.first_contacted_at - l.captured_at)) AS p90_seconds
            FROM leads l
            GROUP BY l.event, l.rep;
        """

    /// After a batch's events are in: the first `contacted` sets `first_contacted_at`; a
    /// `forgotten` empties the lead's earlier events and flat columns (the row keeps its id,
    /// event, rep, owner, status and times).
    static let applyEventsSQL = """
        UPDATE leads l SET first_contacted_at = c.at
            FROM (SELECT lead_id::uuid AS id, min(at) AS at FROM leadgate_batch WHERE kind = 'contacted' GROUP BY 1) c
            WHERE l.id = c.id AND (l.first_contacted_at IS NULL OR l.first_contacted_at > c.at);
        UPDATE lead_events e SET data = '{}'::jsonb
            WHERE e.lead_id IN (SELECT lead_id::uuid FROM leadgate_batch WHERE kind = 'forgotten') AND e.kind <> 'forgotten';
        UPDATE leads l SET forgotten_at = coalesce(l.forgotten_at, f.at), name = NULL, company = NULL, title = NULL,
                           email = NULL, phone = NULL, note = NULL, next_action = 'none', tags = '{}',
                           person_key = md5('l:' || l.id::text)
            FROM (SELECT lead_id::uuid AS id, min(at) AS at FROM leadgate_batch WHERE kind = 'forgotten' GROUP BY 1) f
            WHERE l.id = f.id
        """
}
