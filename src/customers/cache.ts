import { randomUUID } from 'node:crypto';
import type { Call } from '../contract/calls.js';
import type {
  CustomerCacheStatus,
  CustomerCard,
  CustomerDraft,
  CustomerSummary,
  ScreenPop,
} from '../contract/customers.js';
import type { Logger } from '../log/logger.js';
import { DatabaseTooNewError, isBusyError, migrate, openDatabase, type Db } from '../storage/database.js';
import { CUSTOMER_MIGRATIONS } from '../storage/migrations/index.js';
import { CustomerRepository, InvalidPhoneNumberError, type CustomerRecord } from './repository.js';
import { CustomerSearch } from './search.js';
import { customerStream, OutboxWriter } from '../sync/outbox.js';

/** Why a change to a customer was not saved, for the agent; what was typed stays in the form. */
export class CustomerChangeError extends Error {
  constructor(
    readonly code: 'invalid-phone-number' | 'not-found' | 'busy' | 'unavailable',
    message: string,
  ) {
    super(message);
    this.name = 'CustomerChangeError';
  }
}

/** Another connection (an import, the sync) holds the write lock for longer than we wait. */
const isBusy = isBusyError;

/** A write waits this long for an import's lock; the core's event loop (SIP) must not wait more. */
const WRITE_WAIT_MS = 50;
/** How often calls waiting for an import's lock are tried again. */
const DEFERRED_RETRY_MS = 3000;

/**
 * The customer cache as the core uses it: the record for a ringing or dialled call, search, cards,
 * and the agent's own edits, kept locally with a change record for the CRM sync. Never throws at
 * open: a file it cannot use leaves the cache `unavailable` with the reason, and calls still work.
 */
export class CustomerCache {
  private db: Db | undefined;
  private repo: CustomerRepository | undefined;
  private problem: string | undefined;
  private customerCount = 0;
  private searcher: CustomerSearch | undefined;
  private sql:
    | {
        count: () => number;
        outbox: OutboxWriter;
        key: (id: number) => { externalId: string; version: number } | undefined;
      }
    | undefined;

  constructor(
    private readonly file: string,
    private readonly logger: Logger,
  ) {}

  open(): void {
    try {
      const db = openDatabase(this.file, { busyTimeoutMs: WRITE_WAIT_MS });
      try {
        migrate(db, CUSTOMER_MIGRATIONS);
      } catch (error) {
        db.close();
        throw error;
      }
      this.db = db;
      this.repo = new CustomerRepository(db);
      const count = db.prepare('SELECT count(*) AS n FROM customers').pluck();
      const key = db.prepare('SELECT external_id AS externalId, version FROM customers WHERE id = ?');
      this.sql = {
        count: () => count.get() as number,
        outbox: new OutboxWriter(db),
        key: (id) => key.get(id) as { externalId: string; version: number } | undefined,
      };
      this.customerCount = this.sql.count();
      this.searcher = new CustomerSearch(this.file, this.logger);
      this.problem = undefined;
      this.logger.info({ customers: this.customerCount }, 'customer cache open');
    } catch (error) {
      this.db = undefined;
      this.repo = undefined;
      this.sql = undefined;
      this.problem =
        error instanceof DatabaseTooNewError
          ? error.message
          : `The customer list in ${this.file} could not be opened (${(error as Error).message}). ` +
            'Calls work, but callers are not recognised until IT repairs or removes the file.';
      this.logger.error({ err: error }, 'customer cache unavailable');
    }
  }

  close(): void {
    clearTimeout(this.deferredTimer);
    this.deferredTimer = undefined;
    this.searcher?.close();
    this.searcher = undefined;
    this.db?.close();
    this.db = undefined;
    this.repo = undefined;
    this.sql = undefined;
  }

  /** The cache's connection, for readers of the same file (the guidance's documents); none while unavailable. */
  connection(): Db | undefined {
    return this.db;
  }

  /** Count the customers again (after an import by another connection). */
  refresh(): void {
    if (this.sql) this.customerCount = this.sql.count();
  }

  status(): Omit<CustomerCacheStatus, 'import'> {
    return this.sql
      ? { state: 'ready', customers: this.customerCount, pendingChanges: this.sql.outbox.pending() }
      : { state: 'unavailable', customers: 0, pendingChanges: 0, problem: this.problem };
  }

  /**
   * What the agent sees for a call as soon as it rings or is dialled: the customer (or the
   * customers sharing the number, or nobody) and the service of the called line. Index seeks only.
   */
  popFor(call: Call, region: string): ScreenPop {
    const repo = this.repo;
    if (!repo) return { callId: call.id, lookup: { kind: 'none', number: call.remote.number }, unavailable: true };
    try {
      const lookup = repo.lookupByNumber(
        call.remote.uri.startsWith('tel:') ? call.remote.uri : call.remote.number,
        region,
      );
      const pop: ScreenPop = { callId: call.id, lookup };
      if (lookup.kind === 'one') {
        pop.card = repo.card(lookup.matches[0]!.id);
        pop.linkedBy = 'number';
      }
      if (call.called) pop.line = repo.lineFor(call.called, region);
      return pop;
    } catch (error) {
      this.logger.error({ err: error }, 'customer lookup failed');
      return { callId: call.id, lookup: { kind: 'none', number: call.remote.number }, unavailable: true };
    }
  }

  /** Runs in the search worker: a broad query over a large cache must not hold up SIP. */
  async search(query: string, limit = 20): Promise<CustomerSummary[]> {
    return this.searcher ? this.searcher.search(query, limit) : [];
  }

  card(customerId: number): CustomerCard | undefined {
    return this.repo?.card(customerId);
  }

  /**
   * A customer written at the desk; returns its id. The desk gives it its CRM id (a UUID), which
   * the CRM keeps (docs/sync-protocol.md), so that calls recorded with it before it reached the
   * CRM refer to it already.
   */
  create(draft: CustomerDraft, region: string, now: number): number {
    return this.write((repo) => {
      const externalId = randomUUID();
      const id = repo.upsertCustomer({ ...recordFromDraft(draft), externalId, updatedAt: now }, region);
      this.sql!.outbox.add({
        kind: 'customer.create',
        recordId: externalId,
        stream: customerStream(externalId),
        customerId: id,
        data: draft,
        createdAt: now,
      });
      this.customerCount += 1;
      return id;
    });
  }

  /** Applies the agent's corrections: the fields given replace what the cache had. */
  update(customerId: number, changes: CustomerDraft, region: string, now: number): void {
    this.write((repo) => {
      const current = repo.record(customerId);
      if (!current) throw new CustomerChangeError('not-found', 'This customer is no longer in the customer list.');
      repo.upsertCustomer({ ...applyDraft(current, changes), updatedAt: now }, region);
      const key = this.sql!.key(customerId)!;
      this.sql!.outbox.add({
        kind: 'customer.update',
        recordId: key.externalId,
        stream: customerStream(key.externalId),
        customerId,
        // The version this edit was made on: the CRM refuses it (a conflict) if the record changed since.
        baseVersion: key.version,
        data: changes,
        createdAt: now,
      });
    });
  }

  /**
   * Keeps a call with the customer it was linked to, so that the next call shows it. While an
   * import holds the write lock, the call waits in memory and is written once the lock is free
   * (tried again every few seconds); true when it is written now.
   */
  recordCall(call: Call, customerId: number): boolean {
    if (!this.repo) return false;
    try {
      this.write((repo) => {
        const interaction = {
          externalId: `call:${call.id}`,
          channel: 'call' as const,
          direction: call.direction,
          startedAt: call.startedAt,
          endedAt: call.endedAt,
          // Ended under a procedure (an abusive or nuisance caller): that is the outcome to see.
          outcome: call.guidance?.endedUnder ?? call.end?.cause,
          ...(call.guidance?.notes ? { summary: call.guidance.notes } : {}),
          ...(call.guidance ? { guidance: call.guidance } : {}),
        };
        repo.recordInteraction(customerId, interaction);
        const key = this.sql!.key(customerId);
        if (!key) throw new CustomerChangeError('not-found', 'This customer is no longer in the customer list.');
        const { externalId, ...data } = interaction;
        this.sql!.outbox.add({
          kind: 'interaction.create',
          recordId: externalId,
          stream: customerStream(key.externalId),
          customerId,
          data: { ...data, customerId: key.externalId },
          createdAt: call.endedAt ?? call.startedAt,
        });
      });
      return true;
    } catch (error) {
      if (error instanceof CustomerChangeError && error.code === 'busy') {
        this.deferred.push({ call, customerId });
        this.retryDeferredSoon();
      } else this.logger.error({ err: error }, 'the call could not be kept with the customer');
      return false;
    }
  }

  /** Calls waiting for the write lock (an import holds it), with the customer each belongs to. */
  private deferred: { call: Call; customerId: number }[] = [];
  private deferredTimer: NodeJS.Timeout | undefined;

  private retryDeferredSoon(): void {
    if (this.deferredTimer) return;
    this.deferredTimer = setTimeout(() => {
      this.deferredTimer = undefined;
      const waiting = this.deferred.splice(0);
      for (const { call, customerId } of waiting) this.recordCall(call, customerId);
    }, DEFERRED_RETRY_MS);
    this.deferredTimer.unref();
  }

  private write<T>(work: (repo: CustomerRepository) => T): T {
    const { db, repo } = this;
    if (!db || !repo)
      throw new CustomerChangeError('unavailable', this.problem ?? 'The customer list is not available.');
    try {
      // IMMEDIATE: the write lock is taken (or waited for) before the first read. A deferred
      // transaction that reads, then writes, fails at once (SQLITE_BUSY_SNAPSHOT) when another
      // connection (the sync, an import) committed in between, whatever the busy timeout.
      return db.transaction(() => work(repo)).immediate();
    } catch (error) {
      if (error instanceof InvalidPhoneNumberError) {
        throw new CustomerChangeError('invalid-phone-number', `"${error.number}" is not a phone number.`);
      }
      if (isBusy(error)) {
        throw new CustomerChangeError(
          'busy',
          'The customer list is kept busy by an import or the first sync; nothing was changed. Save again in a moment.',
        );
      }
      throw error;
    }
  }
}

/**
 * A customer with the agent's corrections on top: the fields given replace, the identification keys
 * given replace theirs. Also what the sync shows for a record pulled while corrections wait to go.
 */
export function applyDraft(current: CustomerRecord, changes: CustomerDraft): CustomerRecord {
  const changed = recordFromDraft(changes);
  return {
    ...current,
    ...Object.fromEntries(Object.entries(changed).filter(([key]) => key in changes)),
    identification: { ...current.identification, ...changes.identification },
  };
}

/** The draft's fields in the repository's shape; only the fields the draft has. */
function recordFromDraft(draft: CustomerDraft): Omit<CustomerRecord, 'externalId' | 'updatedAt'> {
  const record: Omit<CustomerRecord, 'externalId' | 'updatedAt'> = {};
  for (const key of ['title', 'givenName', 'familyName', 'company', 'language', 'accountNumber', 'notes'] as const) {
    if (key in draft) record[key] = draft[key] || undefined;
  }
  if (draft.emails) record.emails = draft.emails;
  if (draft.phones)
    record.phones = draft.phones.map((phone) => ({ number: phone.number, label: phone.label || undefined }));
  if (draft.identification) record.identification = draft.identification;
  return record;
}
