import type { Migration } from '../database.js';

/**
 * The CRM sync (docs/sync-protocol.md): the CRM's version of each customer, so that a stale edit is
 * caught; the records the guidance and the wrap-up read (scripts, dispositions, knowledge); the
 * sync's own state (the pull cursor); and the outbox, which replaces `local_changes`.
 *
 * The outbox holds every change written at the desk until the CRM has applied it, written in the
 * same transaction as the change itself. `seq` is the order of writing, which is the order of
 * delivery within a stream (everything about one customer). A change the CRM did not take stays
 * with its state and the CRM's answer until the agent decides; nothing is ever deleted unsent.
 */
export const sync: Migration = {
  version: 3,
  name: 'sync',
  up(db) {
    db.exec(`
      ALTER TABLE customers ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE lines ADD COLUMN external_id TEXT;

      CREATE TABLE crm_documents (
        external_id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('script', 'disposition', 'knowledge')),
        version INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        data TEXT NOT NULL CHECK (json_valid(data))
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX crm_documents_by_kind ON crm_documents(kind);

      -- A case or call that arrived before its customer: applied when the customer comes.
      CREATE TABLE sync_waiting (
        external_id TEXT PRIMARY KEY,
        customer_external_id TEXT NOT NULL,
        record TEXT NOT NULL CHECK (json_valid(record))
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX sync_waiting_by_customer ON sync_waiting(customer_external_id);

      CREATE TABLE sync_state (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT, WITHOUT ROWID;

      CREATE TABLE outbox (
        -- AUTOINCREMENT: a seq is never used twice in this file, even after the outbox was empty.
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        mutation_id TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        stream TEXT NOT NULL,
        record_id TEXT NOT NULL,
        -- The customer in this cache the change is about (no foreign key: a change outlives a
        -- record that a sync removes).
        customer_id INTEGER,
        base_version INTEGER,
        data TEXT NOT NULL CHECK (json_valid(data)),
        created_at INTEGER NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending'
          CHECK (state IN ('pending', 'conflict', 'rejected', 'dropped')),
        attempts INTEGER NOT NULL DEFAULT 0,
        -- The CRM's answer when it did not apply the change (JSON): the current record, or the
        -- rejection's code, message and fields.
        answer TEXT CHECK (answer IS NULL OR json_valid(answer)),
        decided_at INTEGER
      ) STRICT;
      CREATE INDEX outbox_by_stream ON outbox(stream, seq);
      CREATE INDEX outbox_by_state ON outbox(state, seq);

      INSERT INTO outbox (mutation_id, kind, stream, record_id, customer_id, base_version, data, created_at)
      SELECT l.change_id,
        CASE WHEN l.entity = 'customer' THEN 'customer.' || l.kind ELSE 'interaction.create' END,
        'customer:' || coalesce(c.external_id, 'local-' || l.customer_id),
        CASE WHEN l.entity = 'customer' THEN coalesce(c.external_id, 'local-' || l.customer_id)
             ELSE coalesce(json_extract(l.payload, '$.externalId'), l.change_id) END,
        l.customer_id,
        CASE WHEN l.entity = 'customer' AND l.kind = 'update' THEN 0 END,
        CASE WHEN l.entity = 'customer' THEN l.payload
             ELSE json_set(json_remove(l.payload, '$.externalId'), '$.customerId',
               coalesce(c.external_id, 'local-' || l.customer_id), '$.channel', 'call') END,
        l.created_at
      FROM local_changes l LEFT JOIN customers c ON c.id = l.customer_id
      ORDER BY l.id;
      DROP TABLE local_changes;
    `);
  },
};
