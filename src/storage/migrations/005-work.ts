import type { Migration } from '../database.js';

/**
 * The agent's work: wrap-up drafts (kept as typed, so that a crash loses nothing), submitted
 * wrap-ups, callbacks, the agent's state changes and a log of every call (for the agent's own
 * figures). In the customer database because a wrap-up and its outbox entry (and a callback and
 * its own) are committed in one transaction.
 */
export const work: Migration = {
  version: 5,
  name: 'work',
  up(db) {
    db.exec(`
      -- One per call waiting for its wrap-up; the call as it ended, so a restart can show it again.
      CREATE TABLE wrapup_drafts (
        call_id TEXT PRIMARY KEY,
        call TEXT NOT NULL CHECK (json_valid(call)),
        draft TEXT NOT NULL CHECK (json_valid(draft)),
        started_at INTEGER NOT NULL,
        saved_at INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE wrapups (
        id INTEGER PRIMARY KEY,
        call_id TEXT NOT NULL UNIQUE,
        external_id TEXT NOT NULL UNIQUE,
        customer_id INTEGER REFERENCES customers(id) ON DELETE SET NULL,
        form TEXT NOT NULL CHECK (json_valid(form)),
        started_at INTEGER NOT NULL,
        submitted_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX wrapups_by_time ON wrapups(submitted_at);

      CREATE TABLE callbacks (
        id INTEGER PRIMARY KEY,
        external_id TEXT NOT NULL UNIQUE,
        customer_id INTEGER REFERENCES customers(id) ON DELETE SET NULL,
        number TEXT NOT NULL,
        due_at INTEGER NOT NULL,
        time_zone TEXT,
        note TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL CHECK (status IN ('open', 'done', 'failed', 'cancelled')),
        attempts INTEGER NOT NULL DEFAULT 0,
        last_attempt_at INTEGER,
        source TEXT NOT NULL CHECK (source IN ('wrapup', 'outbound', 'card')),
        call_id TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX callbacks_open ON callbacks(status, due_at);

      CREATE TABLE agent_states (
        id INTEGER PRIMARY KEY,
        state TEXT NOT NULL,
        reason TEXT,
        started_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX agent_states_by_time ON agent_states(started_at);

      CREATE TABLE call_log (
        call_id TEXT PRIMARY KEY,
        direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
        number TEXT NOT NULL,
        customer_id INTEGER REFERENCES customers(id) ON DELETE SET NULL,
        started_at INTEGER NOT NULL,
        answered_at INTEGER,
        ended_at INTEGER NOT NULL,
        end_cause TEXT NOT NULL,
        hold_ms INTEGER NOT NULL DEFAULT 0
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX call_log_by_time ON call_log(started_at);
    `);
  },
};
