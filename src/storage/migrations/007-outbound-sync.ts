import type { Migration } from '../database.js';

/**
 * Outbound lists that come from the CRM: the list and each entry keep the CRM's id, so that a new
 * version of a list updates the entries not yet called and leaves those with an outcome alone.
 */
export const outboundSync: Migration = {
  version: 7,
  name: 'outbound-sync',
  up(db) {
    db.exec(`
      ALTER TABLE outbound_lists ADD COLUMN external_id TEXT;
      ALTER TABLE outbound_lists ADD COLUMN version INTEGER;
      CREATE UNIQUE INDEX outbound_lists_external ON outbound_lists (external_id) WHERE external_id IS NOT NULL;
      ALTER TABLE outbound_entries ADD COLUMN external_id TEXT;
      CREATE UNIQUE INDEX outbound_entries_external
        ON outbound_entries (list_id, external_id) WHERE external_id IS NOT NULL;
    `);
  },
};
