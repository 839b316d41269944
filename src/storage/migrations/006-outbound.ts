import type { Migration } from '../database.js';

/** Outbound lists (campaigns) the agent works in order, each entry with its outcome. */
export const outbound: Migration = {
  version: 6,
  name: 'outbound',
  up(db) {
    db.exec(`
      CREATE TABLE outbound_lists (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        imported_at INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE outbound_entries (
        id INTEGER PRIMARY KEY,
        list_id INTEGER NOT NULL REFERENCES outbound_lists(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        number TEXT NOT NULL,
        name TEXT,
        customer_id INTEGER REFERENCES customers(id) ON DELETE SET NULL,
        note TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL CHECK (status IN ('pending', 'calling', 'done')),
        outcome TEXT CHECK (outcome IS NULL OR outcome IN ('reached', 'no-answer', 'not-now', 'wrong-number', 'declined')),
        attempts INTEGER NOT NULL DEFAULT 0,
        last_attempt_at INTEGER,
        call_id TEXT,
        UNIQUE (list_id, position)
      ) STRICT;
    `);
  },
};
