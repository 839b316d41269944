import type { Migration } from '../database.js';

/**
 * When the desk was last seen running (written every minute): after a crash or a power cut the
 * agent's state log is closed with Offline at that time, so the figures do not count the time the
 * app was not running as time in the last state.
 */
export const heartbeat: Migration = {
  version: 8,
  name: 'heartbeat',
  up(db) {
    db.exec(`
      CREATE TABLE desk_heartbeat (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        seen_at INTEGER NOT NULL
      ) STRICT;
    `);
  },
};
