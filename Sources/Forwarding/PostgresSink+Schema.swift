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
        WITH b AS MATERIALIZED (SELECT lead_id, lead::jsonb AS j, at, seq FROM leadgate_batch WHERE latest)
        INSERT INTO leads AS l (id, lead, event, rep, owner, status, due_at, captured_at, updated_at, source_seq)
        SELECT b.lead_id::uuid, b.j, b.j->>'event', b.j->>'rep', b.j->>'owner', b.j->>'status',
               (b.j->'next_action'->>'due')::timestamptz, (b.j->>'captured_at')::timestamptz, b.at, b.seq
        FROM b
        ON CONFLICT (id) DO UPDATE SET
            lead = EXCLUDED.lead, event = EXCLUDED.event, rep = EXCLUDED.rep, owner = EXCLUDED.owner,
            status = EXCLUDED.status, due_at = EXCLUDED.due_at, captured_at = EXCLUDED.captured_at,
            updated_at = EXCLUDED.updated_at, source_seq = EXCLUDED.source_seq
        WHERE l.source_seq <= EXCLUDED.source_seq
        """

    /// The event id is the idempotency key: a re-sent change is a no-op.
    static let insertEventsSQL = """
        INSERT INTO lead_events (id, lead_id, source_seq, kind, at, data)
        SELECT event_id::uuid, lead_id::uuid, seq, kind, at, data::jsonb FROM leadgate_batch
        ON CONFLICT (id) DO NOTHING
        """
}
