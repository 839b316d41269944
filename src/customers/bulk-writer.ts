import type { Db } from '../storage/database.js';
import {
  phoneAndSearchStatements,
  searchEntries,
  type CaseRecord,
  type CustomerRecord,
  type InteractionRecord,
} from './repository.js';

/** A customer whose numbers are already E.164 (checked by the import, or made valid by the generator). */
export interface NormalisedCustomer extends Omit<CustomerRecord, 'phones'> {
  phones: { e164: string; label?: string }[];
}

/**
 * What bulk work (an import, the seed) writes with: the rows `CustomerRepository.upsertCustomer`
 * writes, the same search entries (`searchEntries`), but through plain prepared statements with
 * positional parameters, no savepoint per customer, and no deletes for a customer that is new.
 * That is about five times faster; the caller holds the transaction. Runs in the bulk worker.
 */
export class BulkCustomerWriter {
  private readonly sql;

  constructor(db: Db) {
    const prepare = (source: string) => db.prepare(source);
    this.sql = {
      existing: prepare('SELECT id, updated_at FROM customers WHERE external_id = ?'),
      insertCustomer: prepare(`
        INSERT INTO customers (external_id, title, given_name, family_name, company, language, account_number,
          emails, flags, notes, date_of_birth, postcode, customer_code, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      updateCustomer: prepare(`
        UPDATE customers SET title = ?, given_name = ?, family_name = ?, company = ?, language = ?,
          account_number = ?, emails = ?, flags = ?, notes = ?, date_of_birth = ?, postcode = ?,
          customer_code = ?, updated_at = ?
        WHERE id = ?`),
      ...phoneAndSearchStatements(db),
      insertCase: prepare(`
        INSERT INTO cases (customer_id, external_id, subject, category, status, open, opened_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (external_id) DO UPDATE SET customer_id = excluded.customer_id, subject = excluded.subject,
          category = excluded.category, status = excluded.status, open = excluded.open,
          opened_at = excluded.opened_at, updated_at = excluded.updated_at
        RETURNING id`),
      insertInteraction: prepare(`
        INSERT INTO interactions (customer_id, case_id, external_id, channel, direction, started_at, ended_at,
          outcome, summary)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (external_id) DO UPDATE SET customer_id = excluded.customer_id, case_id = excluded.case_id,
          channel = excluded.channel, direction = excluded.direction, started_at = excluded.started_at,
          ended_at = excluded.ended_at, outcome = excluded.outcome, summary = excluded.summary`),
    };
    // Only plain values are read back: ids as numbers (the cache never gets near 2^53 rows).
    this.sql.existing.raw(true);
    this.sql.insertCase.pluck(true);
  }

  /** The cache's id and `updatedAt` of the customer with this CRM key, if it has one. */
  existing(externalId: string): { id: number; updatedAt: number } | undefined {
    const row = this.sql.existing.get(externalId) as [number, number] | undefined;
    return row && { id: row[0], updatedAt: row[1] };
  }

  /**
   * Stores the customer: a new row when `existingId` is undefined (the caller looked it up with
   * `existing`), otherwise replaces that row's fields, numbers and search entries. Returns its id.
   */
  write(record: NormalisedCustomer, existingId?: number): number {
    const fields = [
      record.title ?? null,
      record.givenName ?? null,
      record.familyName ?? null,
      record.company ?? null,
      record.language ?? null,
      record.accountNumber ?? null,
      JSON.stringify(record.emails ?? []),
      JSON.stringify(record.flags ?? []),
      record.notes ?? null,
      record.identification?.dateOfBirth ?? null,
      record.identification?.postcode ?? null,
      record.identification?.customerCode ?? null,
      record.updatedAt,
    ];
    let id: number;
    if (existingId === undefined) {
      id = Number(this.sql.insertCustomer.run(record.externalId, ...fields).lastInsertRowid);
    } else {
      id = existingId;
      this.sql.updateCustomer.run(...fields, id);
      this.sql.deletePhones.run(id);
      this.sql.deleteWords.run(id);
      this.sql.deleteDigits.run(id);
    }
    for (const phone of record.phones) this.sql.insertPhone.run(id, phone.e164, phone.label ?? null);
    const search = searchEntries(record, record.phones);
    this.sql.insertWords.run(id, search.name, search.company, search.emails, search.account);
    this.sql.insertDigits.run(id, search.digits);
    return id;
  }

  /** Stores or updates (by `externalId`) one of a customer's cases; returns its id in the cache. */
  writeCase(customerId: number, record: CaseRecord): number {
    return this.sql.insertCase.get(
      customerId,
      record.externalId,
      record.subject,
      record.category ?? null,
      record.status,
      record.open ? 1 : 0,
      record.openedAt,
      record.updatedAt,
    ) as number;
  }

  /** Stores a call or other contact (updated when its `externalId` is already in the cache). */
  writeInteraction(customerId: number, record: InteractionRecord): void {
    this.sql.insertInteraction.run(
      customerId,
      record.caseId ?? null,
      record.externalId ?? null,
      record.channel,
      record.direction,
      record.startedAt,
      record.endedAt ?? null,
      record.outcome ?? null,
      record.summary ?? null,
    );
  }
}
