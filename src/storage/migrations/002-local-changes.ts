import type { Migration } from '../database.js';

/**
 * What the agent wrote at the desk and the CRM has not taken yet: a customer created for an unknown
 * caller, a corrected e-mail, a new number, a call recorded with the customer. Each change has an id
 * of its own, so that the CRM sync (a later step) can deliver it exactly once. No foreign key to the
 * customer: a change must outlive a record that a sync removes, so that nothing typed is lost.
 */
export const localChanges: Migration = {
  version: 2,
  name: 'local-changes',
  up(db) {
    db.exec(`
      CREATE TABLE local_changes (
        id INTEGER PRIMARY KEY,
        change_id TEXT NOT NULL UNIQUE,
        entity TEXT NOT NULL CHECK (entity IN ('customer', 'interaction')),
        kind TEXT NOT NULL CHECK (kind IN ('create', 'update')),
        customer_id INTEGER NOT NULL,
        payload TEXT NOT NULL CHECK (json_valid(payload)),
        created_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX local_changes_by_customer ON local_changes(customer_id);
    `);
  },
};
