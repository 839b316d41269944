import fs from 'node:fs';
import type { Db } from '../storage/database.js';
import { BulkCustomerWriter, type NormalisedCustomer } from './bulk-writer.js';
import { CSV_COLUMNS, type CsvColumn } from './csv-import.js';
import { CustomerGenerator, SERVICE_LINES } from './generator.js';
import { CustomerRepository } from './repository.js';

export interface SeedOptions {
  /** How many customers. */
  count: number;
  seed: number;
  /** The "today" of the data (see GeneratorOptions). */
  now?: number;
  /** Calls `onProgress` after every this many customers. Default 5000. */
  progressEvery?: number;
  onProgress?: (customers: number) => void;
  /** Asked between customers; true stops the seed, which then throws `SeedCancelledError`. */
  cancelled?: () => boolean;
}

export interface SeedReport {
  customers: number;
  /** Customers the cache did not have; the others (same external id) were replaced. */
  created: number;
  phones: number;
  cases: number;
  openCases: number;
  interactions: number;
  lines: number;
  durationMs: number;
}

export class SeedCancelledError extends Error {
  readonly code = 'cancelled';
  constructor() {
    super('The seed was cancelled. Nothing was written.');
    this.name = 'SeedCancelledError';
  }
}

/**
 * Writes `count` generated customers, their cases and contacts, and the demo service lines, into
 * the cache in one transaction: a failure or a cancel leaves it as it was. A customer whose
 * external id the cache has already (an earlier seed) is replaced. Synchronous and long: run it in
 * the bulk worker (`seedCustomersInWorker`).
 */
export function seedCustomers(db: Db, options: SeedOptions): SeedReport {
  const started = performance.now();
  const generator = new CustomerGenerator({ seed: options.seed, now: options.now });
  const writer = new BulkCustomerWriter(db);
  const repository = new CustomerRepository(db);
  const every = Math.max(1, options.progressEvery ?? 5000);
  const report: SeedReport = {
    customers: 0,
    created: 0,
    phones: 0,
    cases: 0,
    openCases: 0,
    interactions: 0,
    lines: 0,
    durationMs: 0,
  };
  db.transaction(() => {
    for (const line of SERVICE_LINES) repository.upsertLine(line, 'IT');
    report.lines = SERVICE_LINES.length;
    for (let n = 0; n < options.count; n++) {
      if (options.cancelled?.()) throw new SeedCancelledError();
      const { customer, cases, interactions } = generator.next();
      const existing = writer.existing(customer.externalId);
      const id = writer.write(customer, existing?.id);
      if (!existing) report.created += 1;
      report.phones += customer.phones.length;
      const caseIds = cases.map((record) => writer.writeCase(id, record));
      report.cases += cases.length;
      report.openCases += cases.filter((record) => record.open).length;
      for (const { caseIndex, ...interaction } of interactions) {
        writer.writeInteraction(id, {
          ...interaction,
          caseId: caseIndex === undefined ? undefined : caseIds[caseIndex],
        });
      }
      report.interactions += interactions.length;
      report.customers += 1;
      if (report.customers % every === 0) options.onProgress?.(report.customers);
    }
  })();
  report.durationMs = Math.round(performance.now() - started);
  options.onProgress?.(report.customers);
  return report;
}

/** A value for a CSV file: quoted when it holds a separator, a quote, a line break or edge spaces. */
function csvValue(value: string | undefined): string {
  if (value === undefined || value === '') return '';
  return /[",;\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The header row of the import format (docs/customer-import.md). */
export const CSV_HEADER = CSV_COLUMNS.join(',');

/** A customer as one row of the import format, in the order of `CSV_COLUMNS`. */
export function customerCsvRow(customer: NormalisedCustomer): string {
  const values: Record<CsvColumn, string | undefined> = {
    external_id: customer.externalId,
    title: customer.title,
    given_name: customer.givenName,
    family_name: customer.familyName,
    company: customer.company,
    language: customer.language,
    account_number: customer.accountNumber,
    emails: customer.emails?.join(';'),
    flags: customer.flags?.join(';'),
    notes: customer.notes,
    date_of_birth: customer.identification?.dateOfBirth,
    postcode: customer.identification?.postcode,
    customer_code: customer.identification?.customerCode,
    phones: customer.phones.map((phone) => (phone.label ? `${phone.e164}:${phone.label}` : phone.e164)).join(';'),
    updated_at: new Date(customer.updatedAt).toISOString(),
  };
  return CSV_COLUMNS.map((column) => csvValue(values[column])).join(',');
}

/**
 * Writes `count` generated customers as a CSV file for the import (customers only: the import
 * format has no cases or contacts). Written to `<file>.partial` and renamed at the end, so that a
 * file of that name is always complete. Returns the number of customers written.
 */
export function writeCustomersCsv(file: string, options: SeedOptions): number {
  const generator = new CustomerGenerator({ seed: options.seed, now: options.now });
  const every = Math.max(1, options.progressEvery ?? 5000);
  const partial = `${file}.partial`;
  const fd = fs.openSync(partial, 'w');
  try {
    let buffer = `${CSV_HEADER}\n`;
    for (let n = 1; n <= options.count; n++) {
      if (options.cancelled?.()) throw new SeedCancelledError();
      buffer += `${customerCsvRow(generator.next().customer)}\n`;
      if (buffer.length > 1 << 20) {
        fs.writeSync(fd, buffer);
        buffer = '';
      }
      if (n % every === 0) options.onProgress?.(n);
    }
    fs.writeSync(fd, buffer);
    fs.fsyncSync(fd);
  } catch (error) {
    fs.closeSync(fd);
    fs.rmSync(partial, { force: true });
    throw error;
  }
  fs.closeSync(fd);
  fs.renameSync(partial, file);
  options.onProgress?.(options.count);
  return options.count;
}
