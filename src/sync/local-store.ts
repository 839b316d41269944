import { randomUUID } from 'node:crypto';
import type { CustomerDraft } from '../contract/customers.js';
import type { SyncFieldDiff, SyncProblem } from '../contract/sync.js';
import { BulkCustomerWriter, type NormalisedCustomer } from '../customers/bulk-writer.js';
import { applyDraft } from '../customers/cache.js';
import { normaliseNumber } from '../customers/numbers.js';
import { CustomerRepository, type CustomerRecord } from '../customers/repository.js';
import type { Db } from '../storage/database.js';
import {
  CaseData,
  CustomerData,
  DispositionData,
  InteractionData,
  KnowledgeData,
  LineData,
  OutboundListData,
  ScriptData,
  type Mutation,
  type MutationResult,
  type SyncRecord,
} from './protocol.js';
import { OutboundListWriter } from '../work/outbound-sync.js';
import { customerStream } from './outbox.js';

/** A row of the outbox as the sync reads it. */
export interface OutboxRow {
  seq: number;
  mutation_id: string;
  kind: Mutation['kind'];
  stream: string;
  record_id: string;
  customer_id: number | null;
  base_version: number | null;
  data: string;
  created_at: number;
  state: 'pending' | 'conflict' | 'rejected' | 'dropped';
  attempts: number;
  answer: string | null;
}

/** What a page did to the cache, for the status and the desk (the customer count). */
export interface PageReport {
  applied: number;
  /** Records skipped: older than what the cache has, of a kind the desk does not keep, or unreadable. */
  skipped: number;
  customersChanged: number;
  /** Outbound lists added, changed or removed by the CRM. */
  outboundChanged: number;
}

export class SyncDecisionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SyncDecisionError';
  }
}

const PROBLEMS_SHOWN = 50;
const E164 = /^\+[1-9]\d{6,14}$/;
const DOCUMENT_KINDS = { script: ScriptData, disposition: DispositionData, knowledge: KnowledgeData } as const;

/**
 * The sync's side of the customer cache: applies pulled pages (records and cursor in one
 * transaction, so that a crash anywhere replays a page at most, which changes nothing), hands out
 * the outbox in delivery order, and records what the CRM answered. Runs where the sync runs (its
 * worker), on a connection of its own.
 */
export class SyncLocalStore {
  private readonly repo: CustomerRepository;
  private readonly writer: BulkCustomerWriter;
  private readonly outbound: OutboundListWriter;
  private readonly sql;

  constructor(
    private readonly db: Db,
    private readonly region: () => string,
  ) {
    this.repo = new CustomerRepository(db);
    this.writer = new BulkCustomerWriter(db);
    this.outbound = new OutboundListWriter(db);
    const prepare = (source: string) => db.prepare(source);
    this.sql = {
      getState: prepare('SELECT value FROM sync_state WHERE key = ?').pluck(),
      setState: prepare(
        'INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ),
      deleteState: prepare('DELETE FROM sync_state WHERE key = ?'),
      customerKey: prepare('SELECT id, version FROM customers WHERE external_id = ?'),
      setVersion: prepare('UPDATE customers SET version = ? WHERE id = ?'),
      raiseVersion: prepare('UPDATE customers SET version = max(version, ?) WHERE external_id = ?'),
      deleteCustomer: prepare('DELETE FROM customers WHERE id = ?'),
      deleteWords: prepare('DELETE FROM customer_words WHERE rowid = ?'),
      deleteDigits: prepare('DELETE FROM customer_digits WHERE rowid = ?'),
      caseId: prepare('SELECT id FROM cases WHERE external_id = ?').pluck(),
      deleteCase: prepare('DELETE FROM cases WHERE external_id = ?'),
      deleteInteraction: prepare('DELETE FROM interactions WHERE external_id = ?'),
      deleteLine: prepare('DELETE FROM lines WHERE external_id = ?'),
      documentVersion: prepare('SELECT version FROM crm_documents WHERE external_id = ?').pluck(),
      upsertDocument: prepare(`
        INSERT INTO crm_documents (external_id, kind, version, updated_at, data) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (external_id) DO UPDATE SET kind = excluded.kind, version = excluded.version,
          updated_at = excluded.updated_at, data = excluded.data`),
      deleteDocument: prepare('DELETE FROM crm_documents WHERE external_id = ?'),
      wait: prepare(`
        INSERT INTO sync_waiting (external_id, customer_external_id, record) VALUES (?, ?, ?)
        ON CONFLICT (external_id) DO UPDATE SET customer_external_id = excluded.customer_external_id,
          record = excluded.record`),
      waitingFor: prepare('SELECT record FROM sync_waiting WHERE customer_external_id = ?').pluck(),
      stopWaitingFor: prepare('DELETE FROM sync_waiting WHERE customer_external_id = ?'),
      stopWaiting: prepare('DELETE FROM sync_waiting WHERE external_id = ?'),
      // The agent's corrections still on their way: shown on top of what the CRM sends.
      openEdits: prepare(`
        SELECT data FROM outbox
        WHERE stream = ? AND record_id = ? AND kind = 'customer.update' AND state != 'dropped'
        ORDER BY seq`).pluck(),
      nextBatch: prepare(`
        SELECT * FROM outbox o
        WHERE o.state = 'pending' AND o.seq <= ? AND NOT EXISTS (
          SELECT 1 FROM outbox b WHERE b.stream = o.stream AND b.seq < o.seq AND b.state IN ('conflict', 'rejected'))
        ORDER BY o.seq LIMIT ?`),
      lastSeq: prepare('SELECT max(seq) FROM outbox').pluck(),
      delivered: prepare('DELETE FROM outbox WHERE mutation_id = ?'),
      rebase: prepare(`
        UPDATE outbox SET base_version = ?
        WHERE stream = ? AND record_id = ? AND kind = 'customer.update' AND state = 'pending'
          AND seq > ? AND coalesce(base_version, 0) < ?`),
      refused: prepare(
        'UPDATE outbox SET state = ?, answer = ?, attempts = attempts + 1 WHERE mutation_id = ? AND state = ?',
      ),
      tried: prepare('UPDATE outbox SET attempts = attempts + 1 WHERE mutation_id = ?'),
      row: prepare('SELECT * FROM outbox WHERE mutation_id = ?'),
      decide: prepare(
        'UPDATE outbox SET state = ?, base_version = ?, answer = ?, decided_at = ? WHERE mutation_id = ?',
      ),
      waitingCount: prepare("SELECT count(*) FROM outbox WHERE state != 'dropped'").pluck(),
      problems: prepare(`
        SELECT o.*, c.title, c.given_name, c.family_name, c.company FROM outbox o
        LEFT JOIN customers c ON c.id = o.customer_id
        WHERE o.state IN ('conflict', 'rejected') ORDER BY o.seq LIMIT ${PROBLEMS_SHOWN}`),
      customerCount: prepare('SELECT count(*) FROM customers').pluck(),
    };
  }

  state(key: string): string | undefined {
    return (this.sql.getState.get(key) as string | undefined) ?? undefined;
  }

  setState(key: string, value: string | undefined): void {
    if (value === undefined) this.sql.deleteState.run(key);
    else this.sql.setState.run(key, value);
  }

  /** This desk's id for the CRM, made once per database (see `origin` in the protocol). */
  origin(): string {
    let origin = this.state('origin');
    if (!origin) {
      origin = randomUUID();
      this.setState('origin', origin);
    }
    return origin;
  }

  /** Where the next pull starts; undefined before the first sync (or after a bad cursor). */
  cursor(): string | undefined {
    return this.state('cursor');
  }

  /** Forget the cursor: the next pull starts from the beginning and replays everything (safe). */
  resetCursor(): void {
    this.setState('cursor', undefined);
  }

  /**
   * Applies one pulled page and moves the cursor past it, in one transaction. With `cursor`
   * undefined it applies part of a page and leaves the cursor: the caller writes a page in a few
   * short transactions (so that the desk's own writes find the lock free in between) and moves the
   * cursor with the last; a crash in between replays the page, which changes nothing.
   */
  applyPage(changes: readonly SyncRecord[], cursor: string | undefined, pulledAt: number): PageReport {
    // IMMEDIATE: see CustomerCache.write; these read, then write, beside the desk's connection.
    return this.db
      .transaction(() => {
        const report: PageReport = { applied: 0, skipped: 0, customersChanged: 0, outboundChanged: 0 };
        for (const change of changes) {
          const applied = this.applyRecord(change);
          if (applied) report.applied += 1;
          else report.skipped += 1;
          if (applied && change.kind === 'customer') report.customersChanged += 1;
          if (applied && change.kind === 'outboundList') report.outboundChanged += 1;
        }
        if (cursor !== undefined) {
          this.setState('cursor', cursor);
          this.setState('lastPullAt', String(pulledAt));
        }
        return report;
      })
      .immediate();
  }

  /** One record from the CRM; false when it was not applied (stale, unknown kind, unreadable). */
  applyRecord(change: SyncRecord): boolean {
    switch (change.kind) {
      case 'customer':
        return this.applyCustomer(change);
      case 'case':
      case 'interaction':
        return this.applyCustomerPart(change);
      case 'line':
        return this.applyLine(change);
      case 'script':
      case 'disposition':
      case 'knowledge':
        return this.applyDocument(change, change.kind);
      case 'outboundList':
        return this.applyOutboundList(change);
      default:
        // A kind this desk does not keep (callbacks, wrap-ups, a kind added later): passed over.
        return false;
    }
  }

  private applyCustomer(change: SyncRecord): boolean {
    const existing = this.sql.customerKey.get(change.id) as { id: number; version: number } | undefined;
    if (existing && existing.version > change.version) return false;
    if (change.deleted) {
      this.sql.stopWaitingFor.run(change.id);
      if (!existing) return true;
      this.sql.deleteWords.run(existing.id);
      this.sql.deleteDigits.run(existing.id);
      this.sql.deleteCustomer.run(existing.id);
      return true;
    }
    const parsed = CustomerData.safeParse(change.data ?? {});
    if (!parsed.success) return false;
    const data = parsed.data;
    const region = this.region();
    // Each number is read once; a number the cache cannot read is left out, not the customer.
    const phones: NormalisedCustomer['phones'] = [];
    for (const phone of data.phones) {
      // Most CRMs send E.164 already: taken as it is, which spares a parse per number.
      const e164 = E164.test(phone.number) ? phone.number : normaliseNumber(phone.number, region);
      if (e164) phones.push({ e164, label: phone.label });
    }
    const customer: NormalisedCustomer = {
      externalId: change.id,
      title: data.title,
      givenName: data.givenName,
      familyName: data.familyName,
      company: data.company,
      language: data.language,
      accountNumber: data.accountNumber,
      emails: data.emails,
      flags: data.flags,
      notes: data.notes,
      identification: data.identification,
      phones,
      updatedAt: change.updatedAt,
    };
    const edits = this.sql.openEdits.all(customerStream(change.id), change.id) as string[];
    if (edits.length === 0) {
      // The common case, and all of a first sync: the bulk writer's statements, no savepoint, no
      // deletes for a new customer (a delete from the contentless search tables costs a tombstone).
      this.afterCustomer(change, this.writer.write(customer, existing?.id));
      return true;
    }
    let record: CustomerRecord = {
      ...customer,
      phones: phones.map((phone) => ({ number: phone.e164, label: phone.label })),
    };
    for (const edit of edits) record = applyDraft(record, JSON.parse(edit) as CustomerDraft);
    this.afterCustomer(change, this.repo.upsertCustomer(record, region));
    return true;
  }

  /** The CRM's version on the row, and the cases and calls that waited for this customer. */
  private afterCustomer(change: SyncRecord, id: number): void {
    this.sql.setVersion.run(change.version, id);
    for (const waiting of this.sql.waitingFor.all(change.id) as string[]) {
      this.applyCustomerPart(JSON.parse(waiting) as SyncRecord, id);
    }
    this.sql.stopWaitingFor.run(change.id);
  }

  /** A case or an interaction: stored with its customer, or kept until the customer arrives. */
  private applyCustomerPart(change: SyncRecord, knownCustomerId?: number): boolean {
    if (change.deleted) {
      this.sql.stopWaiting.run(change.id);
      (change.kind === 'case' ? this.sql.deleteCase : this.sql.deleteInteraction).run(change.id);
      return true;
    }
    const parsed = (change.kind === 'case' ? CaseData : InteractionData).safeParse(change.data ?? {});
    if (!parsed.success) return false;
    const data = parsed.data;
    const customerId = knownCustomerId ?? (this.sql.customerKey.get(data.customerId) as { id: number } | undefined)?.id;
    if (customerId === undefined) {
      this.sql.wait.run(change.id, data.customerId, JSON.stringify(change));
      return true;
    }
    if (change.kind === 'case') {
      const c = data as CaseData;
      this.repo.upsertCase(customerId, {
        externalId: change.id,
        subject: c.subject,
        category: c.category,
        status: c.status,
        open: c.open,
        openedAt: c.openedAt,
        updatedAt: change.updatedAt,
      });
    } else {
      const i = data as InteractionData;
      const caseId = i.caseId ? (this.sql.caseId.get(i.caseId) as number | undefined) : undefined;
      this.repo.recordInteraction(customerId, {
        externalId: change.id,
        caseId,
        channel: i.channel,
        direction: i.direction,
        startedAt: i.startedAt,
        endedAt: i.endedAt,
        outcome: i.outcome,
        summary: i.summary,
      });
    }
    return true;
  }

  private applyLine(change: SyncRecord): boolean {
    if (change.deleted) {
      this.sql.deleteLine.run(change.id);
      return true;
    }
    const parsed = LineData.safeParse(change.data ?? {});
    if (!parsed.success) return false;
    this.repo.upsertLine(parsed.data, this.region(), change.id);
    return true;
  }

  private applyOutboundList(change: SyncRecord): boolean {
    if (change.deleted)
      return this.outbound.apply(change.id, change.version, change.updatedAt, undefined, this.region());
    const parsed = OutboundListData.safeParse(change.data ?? {});
    if (!parsed.success) return false;
    return this.outbound.apply(change.id, change.version, change.updatedAt, parsed.data, this.region());
  }

  private applyDocument(change: SyncRecord, kind: keyof typeof DOCUMENT_KINDS): boolean {
    const current = this.sql.documentVersion.get(change.id) as number | undefined;
    if (current !== undefined && current > change.version) return false;
    if (change.deleted) {
      this.sql.deleteDocument.run(change.id);
      return true;
    }
    const parsed = DOCUMENT_KINDS[kind].safeParse(change.data ?? {});
    if (!parsed.success) return false;
    this.sql.upsertDocument.run(change.id, kind, change.version, change.updatedAt, JSON.stringify(parsed.data));
    return true;
  }

  // ---- The outbox ---------------------------------------------------------------------------

  /**
   * The next changes to send, oldest first: every pending change whose stream has no earlier change
   * waiting for the agent's decision (a stream goes in order or not at all).
   */
  nextBatch(limit: number, upToSeq = Number.MAX_SAFE_INTEGER): OutboxRow[] {
    return this.sql.nextBatch.all(upToSeq, limit) as OutboxRow[];
  }

  /** The newest change's seq: a push round sends what was written before it started. */
  lastSeq(): number {
    return (this.sql.lastSeq.get() as number | null) ?? 0;
  }

  static mutation(row: OutboxRow): Mutation {
    return {
      id: row.mutation_id,
      kind: row.kind,
      recordId: row.record_id,
      baseVersion: row.base_version ?? undefined,
      stream: row.stream,
      seq: row.seq,
      createdAt: row.created_at,
      data: JSON.parse(row.data) as Record<string, unknown>,
    };
  }

  /** Records what the CRM answered for a batch; returns how many were applied and how many refused. */
  recordResults(rows: readonly OutboxRow[], results: readonly MutationResult[], at: number) {
    const bySeq = new Map(rows.map((row) => [row.mutation_id, row]));
    return this.db
      .transaction(() => {
        let applied = 0;
        let refused = 0;
        for (const result of results) {
          const row = bySeq.get(result.id);
          if (!row) continue;
          switch (result.status) {
            case 'applied': {
              this.sql.delivered.run(row.mutation_id);
              if (row.kind.startsWith('customer.')) {
                const version = result.record.version;
                this.sql.raiseVersion.run(version, row.record_id);
                // Later corrections were made on top of this one: they are based on its version now.
                this.sql.rebase.run(version, row.stream, row.record_id, row.seq, version);
              }
              applied += 1;
              break;
            }
            case 'conflict':
              this.sql.refused.run('conflict', JSON.stringify({ current: result.current }), row.mutation_id, 'pending');
              refused += 1;
              break;
            case 'rejected':
              this.sql.refused.run(
                'rejected',
                JSON.stringify({ code: result.code, message: result.message, fields: result.fields }),
                row.mutation_id,
                'pending',
              );
              refused += 1;
              break;
            case 'skipped':
              this.sql.tried.run(row.mutation_id);
              break;
          }
        }
        if (applied > 0) this.setState('lastPushAt', String(at));
        return { applied, refused };
      })
      .immediate();
  }

  /**
   * The agent's decision on a change the CRM did not take. `mine`: send it again (over the CRM's
   * current version, for a conflict). `theirs`: drop it (kept in the table as `dropped`) and, for
   * a conflict, show the CRM's record as it is now. Returns whether customers changed.
   */
  decide(mutationId: string, choice: 'mine' | 'theirs', at: number): { customersChanged: boolean } {
    return this.db
      .transaction(() => {
        const row = this.sql.row.get(mutationId) as OutboxRow | undefined;
        if (!row || (row.state !== 'conflict' && row.state !== 'rejected')) {
          throw new SyncDecisionError('This change is no longer waiting for a decision.');
        }
        const answer = row.answer ? (JSON.parse(row.answer) as { current?: SyncRecord }) : {};
        if (choice === 'mine') {
          const base = row.state === 'conflict' ? (answer.current?.version ?? row.base_version) : row.base_version;
          this.sql.decide.run('pending', base ?? null, null, at, mutationId);
          return { customersChanged: false };
        }
        this.sql.decide.run('dropped', row.base_version, row.answer, at, mutationId);
        if (row.state === 'conflict' && answer.current) {
          this.applyRecord(answer.current);
          return { customersChanged: true };
        }
        return { customersChanged: false };
      })
      .immediate();
  }

  /** Changes not taken by the CRM yet (problems included). */
  waiting(): number {
    return this.sql.waitingCount.get() as number;
  }

  customers(): number {
    return this.sql.customerCount.get() as number;
  }

  problems(): SyncProblem[] {
    type Row = OutboxRow & {
      title: string | null;
      given_name: string | null;
      family_name: string | null;
      company: string | null;
    };
    return (this.sql.problems.all() as Row[]).map((row) => {
      const data = JSON.parse(row.data) as Record<string, unknown>;
      const answer = row.answer
        ? (JSON.parse(row.answer) as {
            current?: SyncRecord;
            code?: string;
            message?: string;
            fields?: Record<string, string>;
          })
        : {};
      const name = [row.title, row.given_name, row.family_name].filter(Boolean).join(' ');
      const problem: SyncProblem = {
        mutationId: row.mutation_id,
        type: row.state === 'conflict' ? 'conflict' : 'rejected',
        kind: row.kind,
        customerId: row.customer_id ?? undefined,
        label: name || row.company || undefined,
        createdAt: row.created_at,
        code: row.state === 'conflict' ? 'conflict' : answer.code,
        message: rejectionMessage(answer.message, answer.fields),
        fields: fieldDiffs(data, answer.current?.data),
      };
      return problem;
    });
  }
}

/** The CRM's words, with what it said of each field. */
function rejectionMessage(message: string | undefined, fields: Record<string, string> | undefined) {
  const parts = Object.entries(fields ?? {}).map(([path, text]) => `${path}: ${text}`);
  if (parts.length === 0) return message;
  return `${message ?? ''} (${parts.join('; ')})`.trim();
}

/** The fields a change touches, flattened one level (identification.postcode), with the CRM's values. */
function fieldDiffs(mine: Record<string, unknown>, theirs: Record<string, unknown> | undefined): SyncFieldDiff[] {
  const diffs: SyncFieldDiff[] = [];
  for (const [field, value] of Object.entries(mine)) {
    if (field === 'identification' && value && typeof value === 'object') {
      const theirsId = (theirs?.identification ?? {}) as Record<string, unknown>;
      for (const [key, part] of Object.entries(value as Record<string, unknown>)) {
        diffs.push({ field: `identification.${key}`, mine: part, theirs: theirs ? theirsId[key] : undefined });
      }
    } else diffs.push({ field, mine: value, theirs: theirs?.[field] });
  }
  return diffs;
}
