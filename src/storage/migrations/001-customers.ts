import type { Migration } from '../database.js';

/**
 * The customer cache: what the agent must see while a call rings, copied from the CRM.
 * Times are epoch milliseconds. Phone numbers are E.164, so that a lookup is one index seek.
 * The two search tables are contentless: they hold only the index, keyed on the customer's id,
 * and are written by the repository with text it has folded (see src/customers/fold.ts).
 */
export const customers: Migration = {
  version: 1,
  name: 'customers',
  up(db) {
    db.exec(`
      CREATE TABLE customers (
        id INTEGER PRIMARY KEY,
        -- The CRM's key: what a sync updates by.
        external_id TEXT NOT NULL UNIQUE,
        title TEXT,
        given_name TEXT,
        family_name TEXT,
        company TEXT,
        language TEXT,
        account_number TEXT,
        emails TEXT NOT NULL DEFAULT '[]' CHECK (json_type(emails) = 'array'),
        -- e.g. ["vip"]
        flags TEXT NOT NULL DEFAULT '[]' CHECK (json_type(flags) = 'array'),
        notes TEXT,
        -- What the agent asks to make sure the caller is the customer.
        date_of_birth TEXT,
        postcode TEXT,
        customer_code TEXT,
        updated_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE phones (
        id INTEGER PRIMARY KEY,
        customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
        e164 TEXT NOT NULL,
        label TEXT,
        UNIQUE (customer_id, e164)
      ) STRICT;
      -- Covers the lookup of a ringing call: number → customers, without reading the table.
      CREATE INDEX phones_by_number ON phones(e164, customer_id, label);

      CREATE TABLE cases (
        id INTEGER PRIMARY KEY,
        customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
        external_id TEXT NOT NULL UNIQUE,
        subject TEXT NOT NULL,
        category TEXT,
        status TEXT NOT NULL,
        open INTEGER NOT NULL CHECK (open IN (0, 1)),
        opened_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX cases_by_customer ON cases(customer_id, open, updated_at);

      CREATE TABLE interactions (
        id INTEGER PRIMARY KEY,
        customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
        case_id INTEGER REFERENCES cases(id) ON DELETE SET NULL,
        external_id TEXT UNIQUE,
        channel TEXT NOT NULL CHECK (channel IN ('call', 'email', 'chat', 'sms', 'letter', 'visit', 'other')),
        direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
        started_at INTEGER NOT NULL,
        ended_at INTEGER,
        outcome TEXT,
        summary TEXT
      ) STRICT;
      -- Also gives a customer's last contact as one seek (MAX over the index's tail).
      CREATE INDEX interactions_by_customer ON interactions(customer_id, started_at);
      CREATE INDEX interactions_by_case ON interactions(case_id);

      -- The number or queue a call came in on → which service the agent answers for.
      CREATE TABLE lines (
        called TEXT PRIMARY KEY,
        service_name TEXT NOT NULL,
        script_set TEXT,
        language TEXT
      ) STRICT, WITHOUT ROWID;

      CREATE VIRTUAL TABLE customer_words USING fts5(
        name, company, emails, account,
        tokenize = 'unicode61 remove_diacritics 2', content = '', contentless_delete = 1
      );
      -- Every number's digits (E.164 and national form), for a search by any run of 3+ digits.
      CREATE VIRTUAL TABLE customer_digits USING fts5(
        digits, tokenize = 'trigram', content = '', contentless_delete = 1
      );
    `);
  },
};
