import { createHash, randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { CustomerGenerator, SERVICE_LINES, type GeneratedCustomer } from '../../src/customers/generator.js';
import {
  MUTATION_DATA,
  type CustomerChanges,
  type CustomerData,
  type Mutation,
  type MutationResult,
  type PullResponse,
  type SyncRecord,
} from '../../src/sync/protocol.js';
import { migrate, openDatabase, type Db, type Migration } from '../../src/storage/database.js';

/**
 * The reference CRM's store: every record of the sync protocol in one SQLite table, the mutations
 * it applied (so that a retry is answered, not applied again), and the hashes of the tokens it
 * accepts. One process writes it; better-sqlite3 is synchronous, so writes never interleave.
 */

/** The pull walks this index from a cursor: (updated_at, id) is the order of changes. */
const CHANGES_INDEX = 'CREATE INDEX IF NOT EXISTS records_changes ON records (updated_at, id);';

export const CRM_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'crm-records',
    up(db) {
      db.exec(`
        CREATE TABLE records (
          id TEXT PRIMARY KEY,
          kind TEXT NOT NULL,
          version INTEGER NOT NULL,
          updated_at INTEGER NOT NULL,
          deleted INTEGER NOT NULL DEFAULT 0,
          data TEXT
        );
        ${CHANGES_INDEX}

        CREATE TABLE applied_mutations (
          seq INTEGER PRIMARY KEY AUTOINCREMENT,
          id TEXT NOT NULL UNIQUE,
          stream TEXT NOT NULL,
          client_seq INTEGER NOT NULL,
          kind TEXT NOT NULL,
          record_id TEXT NOT NULL,
          result TEXT NOT NULL,
          applied_at INTEGER NOT NULL
        );

        CREATE TABLE streams (
          stream TEXT PRIMARY KEY,
          last_seq INTEGER NOT NULL
        );

        -- store_id: in every cursor, so that a cursor from before a reset is refused as foreign
        -- (the desk then pulls from the beginning) instead of hiding the new records behind it.
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

        CREATE TABLE tokens (
          token_hash TEXT PRIMARY KEY,
          label TEXT NOT NULL,
          created_at INTEGER NOT NULL
        );
      `);
      db.prepare("INSERT INTO meta (key, value) VALUES ('store_id', ?)").run(randomBytes(9).toString('base64url'));
    },
  },
];

// A row-value comparison, so that SQLite walks records_changes from the cursor on (checked by
// `pullPlan`): an OR of two comparisons would scan the table on a million records.
const PULL_SQL = `SELECT id, kind, version, updated_at, deleted, data FROM records
  WHERE (updated_at, id) > (?, ?) ORDER BY updated_at, id LIMIT ?`;
const COUNT_SQL = 'SELECT count(*) FROM records WHERE (updated_at, id) > (?, ?)';

/** The `after` of a pull is not a cursor this server handed out. */
export class BadCursorError extends Error {
  readonly code = 'bad-cursor';
  constructor() {
    super('The cursor is not one this server handed out.');
    this.name = 'BadCursorError';
  }
}

/** A cursor for "from the beginning": sorts before every record (ids have at least one character). */
const START: readonly [number, string] = [0, ''];

/**
 * `[updatedAt, id, storeId]` as base64url JSON: the position of a page's last record, and the
 * store it is a position in.
 */
export function encodeCursor(updatedAt: number, id: string, storeId: string): string {
  return Buffer.from(JSON.stringify([updatedAt, id, storeId]), 'utf8').toString('base64url');
}

/** Throws `BadCursorError` for anything but a cursor `encodeCursor` could have written for this store. */
export function decodeCursor(cursor: string, storeId: string): [updatedAt: number, id: string] {
  if (!/^[A-Za-z0-9_-]{1,1000}$/.test(cursor)) throw new BadCursorError();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new BadCursorError();
  }
  if (
    !Array.isArray(value) ||
    value.length !== 3 ||
    !Number.isSafeInteger(value[0]) ||
    (value[0] as number) < 0 ||
    typeof value[1] !== 'string' ||
    value[1].length > 200 ||
    value[2] !== storeId
  ) {
    throw new BadCursorError();
  }
  return [value[0] as number, value[1]];
}

export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/** A record as the store holds it: the wire record. */
export type StoredRecord = SyncRecord;

export interface AppliedMutation {
  /** The order the store applied them in, from 1. */
  order: number;
  id: string;
  stream: string;
  seq: number;
  kind: string;
  recordId: string;
  appliedAt: number;
  result: MutationResult;
}

export interface SeedOptions {
  customers: number;
  seed: number;
  /** Cases and past contacts of each customer too (default true). */
  history?: boolean;
  /** The generator's "today" (see `GeneratorOptions.now`). */
  now?: number;
}

export interface SeedReport {
  customers: number;
  cases: number;
  interactions: number;
  lines: number;
  outboundLists: number;
  dispositions: number;
  knowledge: number;
  durationMs: number;
}

interface RecordRow {
  id: string;
  kind: string;
  version: number;
  updated_at: number;
  deleted: number;
  data: string | null;
}

type Rejection = Extract<MutationResult, { status: 'rejected' }>;

function toRecord(row: RecordRow): StoredRecord {
  const record: StoredRecord = { kind: row.kind, id: row.id, version: row.version, updatedAt: row.updated_at };
  if (row.deleted) record.deleted = true;
  else if (row.data !== null) record.data = JSON.parse(row.data) as Record<string, unknown>;
  return record;
}

/** zod's issues as the protocol's `fields`: one message per path ("emails.0"). */
function issueFields(error: z.ZodError): { fields: Record<string, string>; message: string } {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const path = issue.path.map(String).join('.');
    if (path !== '' && !(path in fields)) fields[path] = issue.message;
  }
  const first = error.issues[0];
  const where = first && first.path.length > 0 ? ` (${first.path.map(String).join('.')})` : '';
  return { fields, message: `The data is not valid${where}: ${first?.message ?? 'unknown problem'}.` };
}

const reject = (id: string, code: Rejection['code'], message: string, fields?: Record<string, string>): Rejection =>
  fields && Object.keys(fields).length > 0
    ? { id, status: 'rejected', code, message, fields }
    : { id, status: 'rejected', code, message };

/** A customer.update on top of the record: lists replace, identification merges key by key. */
function mergeCustomer(current: Record<string, unknown>, changes: CustomerChanges): Record<string, unknown> {
  const { identification, ...rest } = changes;
  const merged: Record<string, unknown> = { ...current, ...rest };
  if (identification) {
    merged.identification = { ...(current.identification as Record<string, unknown> | undefined), ...identification };
  }
  return merged;
}

/** A generated customer in the protocol's `CustomerData` shape (absent fields left out, not null). */
export function customerData(generated: GeneratedCustomer): CustomerData {
  const c = generated.customer;
  const data: CustomerData = {
    emails: c.emails ?? [],
    flags: c.flags ?? [],
    identification: c.identification ?? {},
    phones: c.phones.map((phone) =>
      phone.label ? { number: phone.e164, label: phone.label } : { number: phone.e164 },
    ),
  };
  if (c.title !== undefined) data.title = c.title;
  if (c.givenName !== undefined) data.givenName = c.givenName;
  if (c.familyName !== undefined) data.familyName = c.familyName;
  if (c.company !== undefined) data.company = c.company;
  if (c.language !== undefined) data.language = c.language;
  if (c.accountNumber !== undefined) data.accountNumber = c.accountNumber;
  if (c.notes !== undefined) data.notes = c.notes;
  return data;
}

const DISPOSITIONS = [
  { code: 'resolved', label: 'Resolved on the call', lines: [] },
  { code: 'information-given', label: 'Information given', lines: [] },
  { code: 'callback-agreed', label: 'Call-back agreed with the customer', lines: [] },
  { code: 'escalated', label: 'Escalated to the second line', lines: [] },
  { code: 'complaint-logged', label: 'Complaint logged', lines: [] },
  { code: 'payment-arranged', label: 'Payment plan arranged', lines: ['Billing'] },
  { code: 'wrong-number', label: 'Wrong number or not a customer', lines: [] },
];

const KNOWLEDGE = [
  {
    id: 'kb:returns',
    title: 'Returning a product',
    tags: ['returns', 'orders'],
    body:
      'Customers may return most products within 30 days of delivery.\n' +
      'Ask for the order number and the reason, then send the prepaid label to the e-mail address on file.\n' +
      'The refund goes back to the original payment method within 5 working days of the parcel arriving.',
  },
  {
    id: 'kb:invoice-copy',
    title: 'A copy of an invoice',
    tags: ['billing', 'invoices'],
    body:
      'Invoices of the last 24 months can be sent again by e-mail at once.\n' +
      'Older ones are requested from the archive and take up to 10 days.\n' +
      'Never read bank details aloud: confirm only the last four digits.',
  },
  {
    id: 'kb:delivery-times',
    title: 'Delivery times',
    tags: ['delivery', 'orders'],
    body:
      'Standard delivery takes 2 to 4 working days, express the next working day if ordered before 2 pm.\n' +
      'Islands and remote areas may take 2 more days.\n' +
      'If a parcel is more than 3 days late, open a case with the carrier from the order screen.',
  },
  {
    id: 'kb:meter-reading',
    title: 'Taking a meter reading by phone',
    tags: ['energy', 'meter'],
    body:
      'Ask the customer to read every digit before the decimal point, from left to right.\n' +
      'Readings much lower than the last estimate are checked before the bill is corrected.\n' +
      'Confirm the reading back to the customer and note the date.',
  },
  {
    id: 'kb:identity-check',
    title: 'Checking who is calling',
    tags: ['security', 'privacy'],
    body:
      'Before discussing an account, confirm two of: date of birth, postcode, customer code.\n' +
      'Never give out these details yourself, even to help the caller remember them.\n' +
      'A caller who fails the check may still get general information.',
  },
];

/** How many customers the seeded outbound list calls. */
const OUTBOUND_LIST_SIZE = 12;

export class CrmStore {
  /** For admin and tests (EXPLAIN QUERY PLAN, counts); the store's methods keep its invariants. */
  readonly db: Db;
  /** Written once, when the file is created; see the `meta` table. */
  readonly storeId: string;
  /** The store clock's last value: max(updated_at) of the records, kept here after open. */
  private lastUpdatedAt: number;
  private readonly sql;

  constructor(file: string) {
    this.db = openDatabase(file);
    try {
      // 128 MB of page cache rather than 2: the indexes of a million records stay in memory, and a
      // seed into a store with records (its (updated_at, id) entries land in random order) is
      // several times faster.
      this.db.pragma('cache_size = -131072');
      migrate(this.db, CRM_MIGRATIONS);
      // A seed into an empty store builds this index at its end; a seed killed before has left
      // the records without it.
      this.db.exec(CHANGES_INDEX);
    } catch (error) {
      this.db.close();
      throw error;
    }
    const db = this.db;
    const prepare = (source: string) => db.prepare(source);
    this.sql = {
      maxUpdatedAt: prepare('SELECT max(updated_at) AS t FROM records').pluck(),
      pullFrom: db.prepare<[number, string, number], RecordRow>(PULL_SQL),
      countFrom: prepare(COUNT_SQL).pluck(),
      get: db.prepare<[string], RecordRow>(
        'SELECT id, kind, version, updated_at, deleted, data FROM records WHERE id = ?',
      ),
      insert: prepare('INSERT INTO records (id, kind, version, updated_at, deleted, data) VALUES (?, ?, ?, ?, 0, ?)'),
      update: prepare('UPDATE records SET kind = ?, version = ?, updated_at = ?, deleted = ?, data = ? WHERE id = ?'),
      seedUpsert: prepare(
        `INSERT INTO records (id, kind, version, updated_at, deleted, data) VALUES (?, ?, 1, ?, 0, ?)
         ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, version = version + 1,
           updated_at = excluded.updated_at, deleted = 0, data = excluded.data`,
      ),
      count: prepare('SELECT count(*) FROM records WHERE deleted = 0').pluck(),
      countKind: prepare('SELECT count(*) FROM records WHERE deleted = 0 AND kind = ?').pluck(),
      versions: prepare('SELECT id, version FROM records WHERE deleted = 0 AND kind = ? ORDER BY id'),
      applied: db.prepare<[string], { result: string }>('SELECT result FROM applied_mutations WHERE id = ?'),
      remember: prepare(
        `INSERT INTO applied_mutations (id, stream, client_seq, kind, record_id, result, applied_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      allApplied: db.prepare<
        [],
        {
          seq: number;
          id: string;
          stream: string;
          client_seq: number;
          kind: string;
          record_id: string;
          result: string;
          applied_at: number;
        }
      >('SELECT * FROM applied_mutations ORDER BY seq'),
      lastSeq: prepare('SELECT last_seq FROM streams WHERE stream = ?').pluck(),
      setLastSeq: prepare(
        'INSERT INTO streams (stream, last_seq) VALUES (?, ?) ON CONFLICT (stream) DO UPDATE SET last_seq = excluded.last_seq',
      ),
      addToken: prepare('INSERT OR REPLACE INTO tokens (token_hash, label, created_at) VALUES (?, ?, ?)'),
      hasToken: prepare('SELECT 1 FROM tokens WHERE token_hash = ?').pluck(),
      tokenCount: prepare('SELECT count(*) FROM tokens').pluck(),
    };
    this.lastUpdatedAt = (this.sql.maxUpdatedAt.get() as number | null) ?? 0;
    this.storeId = db.prepare("SELECT value FROM meta WHERE key = 'store_id'").pluck().get() as string;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /**
   * The store clock, called inside a write transaction: never back, even when the machine's clock
   * goes back, so that a change always sorts after every change visible before it (the promise the
   * cursor rests on; docs/sync-protocol.md, "Ordering").
   */
  private tick(): number {
    this.lastUpdatedAt = Math.max(Date.now(), this.lastUpdatedAt + 1);
    return this.lastUpdatedAt;
  }

  // --- pull ---------------------------------------------------------------------------------

  pull(after: string | undefined, limit: number, estimate: boolean): PullResponse {
    const [fromTime, fromId] = after === undefined ? START : decodeCursor(after, this.storeId);
    const take = Math.max(1, Math.trunc(limit));
    // One read transaction, so that the page and its `remaining` see the same state.
    return this.db.transaction((): PullResponse => {
      const rows = this.sql.pullFrom.all(fromTime, fromId, take + 1);
      const more = rows.length > take;
      if (more) rows.pop();
      const last = rows[rows.length - 1];
      const response: PullResponse = {
        changes: rows.map(toRecord),
        cursor: encodeCursor(last?.updated_at ?? fromTime, last?.id ?? fromId, this.storeId),
        more,
        serverTime: Date.now(),
      };
      if (estimate) response.remaining = this.sql.countFrom.get(fromTime, fromId) as number;
      return response;
    })();
  }

  /** SQLite's plan for a page and for its `remaining` (EXPLAIN QUERY PLAN details), for the tests. */
  pullPlan(): { page: string[]; count: string[] } {
    const plan = (sql: string, ...params: unknown[]) =>
      (this.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((row) => row.detail);
    return { page: plan(PULL_SQL, 0, '', 1), count: plan(COUNT_SQL, 0, '') };
  }

  // --- push ---------------------------------------------------------------------------------

  /** The results of a push, one per mutation, in order (docs/sync-protocol.md, "Push"). */
  /**
   * `origin` is the desk that wrote them: `seq` orders one desk's changes, so the out-of-order rule
   * compares a stream's seq only with the same desk's (two desks editing one customer are ordered
   * by arrival, and versions catch their conflicts).
   */
  applyMutations(mutations: readonly Mutation[], origin = ''): MutationResult[] {
    const blocked = new Set<string>();
    return mutations.map((mutation) => {
      if (blocked.has(mutation.stream)) return { id: mutation.id, status: 'skipped' };
      const result = this.db.transaction(() => this.applyOne(mutation, origin))();
      if (result.status !== 'applied') blocked.add(mutation.stream);
      return result;
    });
  }

  private applyOne(mutation: Mutation, origin: string): MutationResult {
    const orderKey = `${origin}\u0000${mutation.stream}`;
    const stored = this.sql.applied.get(mutation.id);
    if (stored) return { ...(JSON.parse(stored.result) as MutationResult), replayed: true } as MutationResult;

    const lastSeq = this.sql.lastSeq.get(orderKey) as number | undefined;
    if (lastSeq !== undefined && mutation.seq <= lastSeq) {
      return reject(
        mutation.id,
        'out-of-order',
        `This change (seq ${mutation.seq}) comes before one already applied to the same record (seq ${lastSeq}).`,
      );
    }

    const parsed = MUTATION_DATA[mutation.kind].safeParse(mutation.data);
    if (!parsed.success) {
      const { fields, message } = issueFields(parsed.error);
      return reject(mutation.id, 'invalid', message, fields);
    }
    const data = parsed.data as Record<string, unknown>;

    const outcome = this.decide(mutation, data);
    if ('status' in outcome) return outcome;

    const result: MutationResult = { id: mutation.id, status: 'applied', record: outcome };
    this.sql.remember.run(
      mutation.id,
      mutation.stream,
      mutation.seq,
      mutation.kind,
      mutation.recordId,
      JSON.stringify(result),
      Date.now(),
    );
    this.sql.setLastSeq.run(orderKey, mutation.seq);
    return result;
  }

  /** Writes what the mutation asks for, or says why not. Runs inside the mutation's transaction. */
  private decide(
    mutation: Mutation,
    data: Record<string, unknown>,
  ): { kind: string; id: string; version: number; updatedAt: number } | MutationResult {
    const { id, recordId } = mutation;
    const existing = this.sql.get.get(recordId);
    switch (mutation.kind) {
      case 'customer.create':
      case 'wrapup.create':
      case 'callback.create':
      case 'outbound.outcome':
      case 'interaction.create': {
        if (existing) return reject(id, 'exists', `A record with the id ${recordId} exists already.`);
        const kind =
          mutation.kind === 'outbound.outcome' ? 'outboundOutcome' : mutation.kind.slice(0, mutation.kind.indexOf('.'));
        if (kind === 'interaction') {
          const customerId = data.customerId as string;
          const customer = this.sql.get.get(customerId);
          if (!customer || customer.kind !== 'customer') {
            return reject(id, 'not-found', `There is no customer ${customerId}.`, {
              customerId: 'no such customer',
            });
          }
          if (customer.deleted) {
            return reject(id, 'gone', `The customer ${customerId} has been deleted.`, {
              customerId: 'the customer has been deleted',
            });
          }
        }
        return this.write(kind, recordId, undefined, data);
      }
      case 'customer.update':
      case 'callback.update': {
        const kind = mutation.kind === 'customer.update' ? 'customer' : 'callback';
        if (!existing || existing.kind !== kind) return reject(id, 'not-found', `There is no ${kind} ${recordId}.`);
        if (existing.deleted) return reject(id, 'gone', `The ${kind} ${recordId} has been deleted.`);
        if (kind === 'customer' && mutation.baseVersion === undefined) {
          return reject(id, 'invalid', 'An update needs the version it was made on (baseVersion).', {
            baseVersion: 'required for an update',
          });
        }
        if (mutation.baseVersion !== undefined && mutation.baseVersion !== existing.version) {
          return { id, status: 'conflict', current: toRecord(existing) };
        }
        const current = JSON.parse(existing.data ?? '{}') as Record<string, unknown>;
        const merged = kind === 'customer' ? mergeCustomer(current, data as CustomerChanges) : { ...current, ...data };
        return this.write(kind, recordId, existing, merged);
      }
    }
  }

  /** Creates (version 1) or changes (version + 1) a record at the store clock's next tick. */
  private write(
    kind: string,
    id: string,
    existing: RecordRow | undefined,
    data: Record<string, unknown> | null,
  ): { kind: string; id: string; version: number; updatedAt: number } {
    const updatedAt = this.tick();
    const json = data === null ? null : JSON.stringify(data);
    if (existing) {
      const version = existing.version + 1;
      // The kind is written too: an admin's put may replace a record by one of another kind.
      this.sql.update.run(kind, version, updatedAt, data === null ? 1 : 0, json, id);
      return { kind, id, version, updatedAt };
    }
    this.sql.insert.run(id, kind, 1, updatedAt, json);
    return { kind, id, version: 1, updatedAt };
  }

  // --- admin and tests (not part of the protocol) ---------------------------------------------

  /** Creates or replaces a record (version + 1), as an edit in the CRM would. */
  putRecord(kind: string, id: string, data: Record<string, unknown>): StoredRecord {
    return this.db.transaction(() => {
      this.write(kind, id, this.sql.get.get(id), data);
      return this.mustGet(id);
    })();
  }

  /** Changes some fields of a record (a shallow merge; `undefined` removes a field). */
  patchRecord(kind: string, id: string, changes: Record<string, unknown>): StoredRecord {
    return this.db.transaction(() => {
      const existing = this.sql.get.get(id);
      if (!existing || existing.kind !== kind || existing.deleted) throw new Error(`There is no ${kind} ${id}.`);
      const merged: Record<string, unknown> = { ...(JSON.parse(existing.data ?? '{}') as Record<string, unknown>) };
      for (const [key, value] of Object.entries(changes)) {
        if (value === undefined) delete merged[key];
        else merged[key] = value;
      }
      this.write(kind, id, existing, merged);
      return this.mustGet(id);
    })();
  }

  /** Deletes a record, leaving a tombstone (no data, version + 1) for the desks to pull. */
  deleteRecord(kind: string, id: string): StoredRecord {
    return this.db.transaction(() => {
      const existing = this.sql.get.get(id);
      if (!existing || existing.kind !== kind) throw new Error(`There is no ${kind} ${id}.`);
      if (!existing.deleted) this.write(kind, id, existing, null);
      return this.mustGet(id);
    })();
  }

  getRecord(kind: string, id: string): StoredRecord | undefined {
    const row = this.sql.get.get(id);
    return row && row.kind === kind ? toRecord(row) : undefined;
  }

  private mustGet(id: string): StoredRecord {
    const row = this.sql.get.get(id);
    if (!row) throw new Error(`The record ${id} vanished.`);
    return toRecord(row);
  }

  /** Records that are not deleted, of one kind or all. */
  count(kind?: string): number {
    return (kind === undefined ? this.sql.count.get() : this.sql.countKind.get(kind)) as number;
  }

  /** The id and version of every record of a kind that is not deleted, by id: what a desk's cache should hold. */
  versions(kind: string): { id: string; version: number }[] {
    return this.sql.versions.all(kind) as { id: string; version: number }[];
  }

  appliedMutations(): AppliedMutation[] {
    return this.sql.allApplied.all().map((row) => ({
      order: row.seq,
      id: row.id,
      stream: row.stream,
      seq: row.client_seq,
      kind: row.kind,
      recordId: row.record_id,
      appliedAt: row.applied_at,
      result: JSON.parse(row.result) as MutationResult,
    }));
  }

  /** Accepts `token` from now on; only its SHA-256 is kept. */
  addToken(token: string, label: string): void {
    if (token.length === 0) throw new Error('A token cannot be empty.');
    this.sql.addToken.run(hashToken(token), label, Date.now());
  }

  checkToken(token: string): boolean {
    return token.length > 0 && this.sql.hasToken.get(hashToken(token)) !== undefined;
  }

  tokenCount(): number {
    return this.sql.tokenCount.get() as number;
  }

  // --- seed ---------------------------------------------------------------------------------

  /**
   * Synthetic customers (with their cases and contacts unless `history` is false), the demo service
   * lines, dispositions and knowledge snippets, in a few big transactions. Into an empty store the
   * customers keep the generator's `updatedAt`; into a store that has records already, everything
   * takes the store clock, so that desks which pulled before see the new records after their
   * cursor.
   */
  seed(options: SeedOptions): SeedReport {
    const started = Date.now();
    const history = options.history ?? true;
    const report: SeedReport = {
      customers: 0,
      cases: 0,
      interactions: 0,
      lines: 0,
      dispositions: 0,
      outboundLists: 0,
      knowledge: 0,
      durationMs: 0,
    };
    const generator = new CustomerGenerator({ seed: options.seed, now: options.now });
    const insert = this.sql.seedUpsert;
    // The first customers with a number make the demo outbound list (a renewal campaign).
    const callList: { id: string; number: string; customerId: string; name?: string }[] = [];
    const batchSize = 50_000;
    let maxTime = this.lastUpdatedAt;
    const stamp = (time: number) => {
      if (time > maxTime) maxTime = time;
      return time;
    };

    const intoEmpty = this.sql.maxUpdatedAt.get() === null;
    const fixedTime = intoEmpty ? undefined : this.tick();
    const batch = this.db.transaction((count: number) => {
      const at = (time: number) => stamp(fixedTime ?? time);
      for (let i = 0; i < count; i++) {
        const generated = generator.next();
        const c = generated.customer;
        const data = customerData(generated);
        insert.run(c.externalId, 'customer', at(c.updatedAt), JSON.stringify(data));
        report.customers++;
        const number = data.phones[0]?.number;
        if (number && callList.length < OUTBOUND_LIST_SIZE) {
          const name = [data.givenName, data.familyName].filter(Boolean).join(' ') || data.company;
          callList.push({ id: `${c.externalId}-renewal`, number, customerId: c.externalId, ...(name ? { name } : {}) });
        }
        if (!history) continue;
        for (const k of generated.cases) {
          const data = {
            customerId: c.externalId,
            subject: k.subject,
            category: k.category,
            status: k.status,
            open: k.open,
            openedAt: k.openedAt,
          };
          insert.run(k.externalId, 'case', at(k.updatedAt), JSON.stringify(data));
          report.cases++;
        }
        for (const contact of generated.interactions) {
          const caseId = contact.caseIndex === undefined ? undefined : generated.cases[contact.caseIndex]?.externalId;
          const data = {
            customerId: c.externalId,
            caseId,
            channel: contact.channel,
            direction: contact.direction,
            startedAt: contact.startedAt,
            endedAt: contact.endedAt,
            outcome: contact.outcome,
            summary: contact.summary,
          };
          insert.run(
            contact.externalId ?? `${c.externalId}-I${report.interactions}`,
            'interaction',
            at(contact.endedAt ?? contact.startedAt),
            JSON.stringify(data),
          );
          report.interactions++;
        }
      }
    });
    // Into an empty store, the (updated_at, id) index is built once at the end (sorting beats a
    // million inserts in random order, about twice as fast in all), and commits skip the fsync: a
    // seed cut by a power failure is simply run again.
    if (intoEmpty) this.db.exec('DROP INDEX IF EXISTS records_changes');
    this.db.pragma('synchronous = OFF');
    try {
      for (let done = 0; done < options.customers; done += batchSize) {
        batch(Math.min(batchSize, options.customers - done));
      }
    } finally {
      this.db.pragma('synchronous = NORMAL');
      this.db.exec(CHANGES_INDEX);
    }

    this.lastUpdatedAt = Math.max(this.lastUpdatedAt, maxTime);
    this.db.transaction(() => {
      const now = this.tick();
      const at = () => stamp(now);
      for (const line of SERVICE_LINES) {
        insert.run(`line:${line.called}`, 'line', at(), JSON.stringify(line));
        report.lines++;
      }
      DISPOSITIONS.forEach((disposition, order) => {
        insert.run(`disposition:${disposition.code}`, 'disposition', at(), JSON.stringify({ ...disposition, order }));
        report.dispositions++;
      });
      for (const { id, ...knowledge } of KNOWLEDGE) {
        insert.run(id, 'knowledge', at(), JSON.stringify({ ...knowledge, language: 'en' }));
        report.knowledge++;
      }
      if (callList.length > 0) {
        const list = {
          name: 'Contract renewals',
          entries: callList.map((entry) => ({ ...entry, note: 'Contract ends this month: offer the renewal.' })),
        };
        insert.run('outbound:renewals', 'outboundList', at(), JSON.stringify(list));
        report.outboundLists++;
      }
    })();
    this.lastUpdatedAt = Math.max(this.lastUpdatedAt, maxTime);
    report.durationMs = Date.now() - started;
    return report;
  }
}
