import { randomUUID } from 'node:crypto';
import type { Call } from '../contract/calls.js';
import type { AgentStateName } from '../contract/agent.js';
import type {
  Callback,
  CallbackStatus,
  OutboundEntry,
  OutboundList,
  OutboundOutcome,
  WrapUpDraft,
} from '../contract/wrapup.js';
import type { OutboundRow } from './outbound-csv.js';
import { WrapUpDraft as WrapUpDraftSchema } from '../contract/wrapup.js';
import type { Logger } from '../log/logger.js';
import { migrate, openDatabase, type Db } from '../storage/database.js';
import { CUSTOMER_MIGRATIONS } from '../storage/migrations/index.js';
import { customerStream, OutboxWriter } from '../sync/outbox.js';
import type { OutboundOutcomeData } from '../sync/protocol.js';
import { WriteQueue } from './write-queue.js';
import type { CallbackRow as CallbackFigureRow, CallRow, StateRow, WrapUpRow } from './figures.js';

/** What the wrap-up of a call shows beside the form, kept with its draft. */
export interface WrapUpContext {
  customerId?: number;
  customerName?: string;
  service?: string;
  /** The number or queue the call came in on (the line's rules are looked up by it). */
  called?: string;
  trailSummary: string[];
}

export interface PendingWrapUp {
  call: Call;
  context: WrapUpContext;
  draft: WrapUpDraft;
  startedAt: number;
  savedAt: number;
}

export interface NewCallback {
  number: string;
  customerId?: number;
  dueAt: number;
  timeZone?: string;
  note: string;
  source: Callback['source'];
  callId?: string;
}

export type CallbackAction = 'done' | 'failed' | 'reschedule' | 'cancel' | 'attempt';

export class WorkError extends Error {
  constructor(
    readonly code: 'no-such-wrapup' | 'no-such-callback' | 'no-such-entry' | 'closed' | 'unavailable',
    message: string,
  ) {
    super(message);
  }
}

interface CallbackRow {
  external_id: string;
  customer_id: number | null;
  number: string;
  due_at: number;
  time_zone: string | null;
  note: string;
  status: CallbackStatus;
  attempts: number;
  last_attempt_at: number | null;
  source: Callback['source'];
  created_at: number;
  given_name: string | null;
  family_name: string | null;
  company: string | null;
}

const CALLBACK_SELECT = `
  SELECT cb.*, c.given_name, c.family_name, c.company
  FROM callbacks cb LEFT JOIN customers c ON c.id = cb.customer_id`;

/**
 * The agent's work in the customer database, on a connection of its own with synchronous=FULL:
 * once a write's promise resolves, it is on disk and survives a crash or a power cut. Writes go
 * through a queue that waits out another connection's lock (the sync, an import) instead of
 * failing; a wrap-up and its outbox entry (and its callback and that one's entry) commit together.
 */
export class WorkStore {
  private db: Db | undefined;
  private queue: WriteQueue;
  private sql: ReturnType<WorkStore['prepare']> | undefined;
  private outbox: OutboxWriter | undefined;

  constructor(
    private readonly file: string,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.queue = new WriteQueue(logger);
  }

  open(): void {
    const db = openDatabase(this.file, { synchronous: 'FULL', busyTimeoutMs: 100 });
    try {
      migrate(db, CUSTOMER_MIGRATIONS);
      this.sql = this.prepare(db);
      this.outbox = new OutboxWriter(db);
      this.db = db;
    } catch (error) {
      db.close();
      throw error;
    }
  }

  close(): void {
    this.queue.close();
    this.db?.close();
    this.db = undefined;
    this.sql = undefined;
  }

  get available(): boolean {
    return this.db !== undefined;
  }

  /** Writes waiting for another connection's lock. */
  get waitingWrites(): number {
    return this.queue.pending;
  }

  // ---- wrap-ups ----------------------------------------------------------------------------------

  /** The calls whose wrap-up is still to be written, oldest first (after a restart too). */
  pendingWrapUps(): PendingWrapUp[] {
    const sql = this.sql;
    if (!sql) return [];
    return (sql.drafts.all() as { call: string; draft: string; started_at: number; saved_at: number }[]).map((row) => {
      const kept = JSON.parse(row.call) as { call: Call; context: WrapUpContext };
      const draft = WrapUpDraftSchema.safeParse(JSON.parse(row.draft));
      return {
        call: kept.call,
        context: kept.context,
        draft: draft.success ? draft.data : (JSON.parse(row.draft) as WrapUpDraft),
        startedAt: row.started_at,
        savedAt: row.saved_at,
      };
    });
  }

  /** A call ended that needs a wrap-up: its draft row, pre-filled (kept as it is if one exists). */
  startWrapUp(call: Call, context: WrapUpContext, draft: WrapUpDraft, at: number): Promise<void> {
    return this.write((sql) => {
      sql.startDraft.run(call.id, JSON.stringify({ call, context }), JSON.stringify(draft), at, at);
    });
  }

  /** The form as typed: on disk when the promise resolves. Returns when it was kept. */
  saveDraft(callId: string, draft: WrapUpDraft): Promise<number> {
    return this.write((sql) => {
      const at = this.now();
      if (sql.saveDraft.run(JSON.stringify(draft), at, callId).changes === 0)
        throw new WorkError('no-such-wrapup', 'There is no wrap-up waiting for this call.');
      return at;
    });
  }

  /**
   * The finished wrap-up, in one transaction: the wrap-up, the interaction's outcome and summary
   * (so the customer's history shows it at once), the outbox entries for the CRM, the callback
   * when one was promised, and the draft gone. Resolves once all of it is on disk.
   */
  submit(
    callId: string,
    form: WrapUpDraft,
    extra: { dispositionLabel: string; callbackDueAt?: number; callbackTimeZone?: string },
  ): Promise<{ wrapUpId: string; callbackId?: string }> {
    return this.write((sql, outbox) => {
      const row = sql.draft.get(callId) as { call: string; started_at: number } | undefined;
      if (!row) throw new WorkError('no-such-wrapup', 'There is no wrap-up waiting for this call.');
      const { call, context } = JSON.parse(row.call) as { call: Call; context: WrapUpContext };
      const at = this.now();
      const wrapUpId = randomUUID();
      const customer =
        context.customerId !== undefined
          ? (sql.customerKey.get(context.customerId) as { external_id: string } | undefined)
          : undefined;
      const stream = customer ? customerStream(customer.external_id) : `call:${callId}`;
      sql.insertWrapUp.run(
        callId,
        wrapUpId,
        customer ? context.customerId! : null,
        JSON.stringify(form),
        row.started_at,
        at,
      );
      const interactionId = `call:${callId}`;
      if (customer) {
        // The interaction was kept at the hang-up; if not (the record was linked late), now.
        sql.upsertInteraction.run({
          customerId: context.customerId!,
          externalId: interactionId,
          direction: call.direction,
          startedAt: call.startedAt,
          endedAt: call.endedAt ?? at,
          outcome: extra.dispositionLabel,
          summary: form.summary.trim() || null,
        });
      }
      outbox.add({
        kind: 'wrapup.create',
        recordId: wrapUpId,
        stream,
        ...(customer ? { customerId: context.customerId! } : {}),
        data: {
          ...(customer ? { customerId: customer.external_id, interactionId } : {}),
          callId,
          direction: call.direction,
          number: call.remote.number,
          callStartedAt: call.startedAt,
          callEndedAt: call.endedAt,
          startedAt: row.started_at,
          submittedAt: at,
          reason: form.reason.trim(),
          disposition: form.disposition,
          dispositionLabel: extra.dispositionLabel,
          resolvedFirstContact: form.resolved === '' ? undefined : form.resolved === 'yes',
          summary: form.summary.trim(),
          steps: form.steps.trim(),
          ...(form.complaint
            ? { complaint: { category: form.complaintCategory.trim(), severity: form.complaintSeverity } }
            : {}),
          ...(form.satisfaction ? { satisfaction: Number(form.satisfaction) } : {}),
        },
        createdAt: at,
      });
      let callbackId: string | undefined;
      if (form.callback && extra.callbackDueAt !== undefined) {
        callbackId = this.insertCallback(sql, outbox, {
          number: form.callbackNumber.trim(),
          ...(customer ? { customerId: context.customerId! } : {}),
          dueAt: extra.callbackDueAt,
          ...(extra.callbackTimeZone ? { timeZone: extra.callbackTimeZone } : {}),
          note: form.callbackNote.trim(),
          source: 'wrapup',
          callId,
        });
      }
      sql.deleteDraft.run(callId);
      return { wrapUpId, ...(callbackId ? { callbackId } : {}) };
    });
  }

  // ---- callbacks ---------------------------------------------------------------------------------

  createCallback(input: NewCallback): Promise<Callback> {
    return this.write((sql, outbox) => {
      const id = this.insertCallback(sql, outbox, input);
      return toCallback(sql.callback.get(id) as CallbackRow);
    });
  }

  /** Done, a failed attempt (stays open), rescheduled, cancelled, or an attempt being dialled. */
  updateCallback(id: string, action: CallbackAction, dueAt?: number): Promise<Callback> {
    return this.write((sql, outbox) => {
      const row = sql.callback.get(id) as CallbackRow | undefined;
      if (!row) throw new WorkError('no-such-callback', 'There is no such callback.');
      const at = this.now();
      const status: CallbackStatus =
        action === 'done' ? 'done' : action === 'cancel' ? 'cancelled' : row.status === 'open' ? 'open' : row.status;
      const attempts = row.attempts + (action === 'attempt' ? 1 : 0);
      const nextDue = action === 'reschedule' && dueAt !== undefined ? dueAt : row.due_at;
      sql.updateCallback.run(status, attempts, action === 'attempt' ? at : row.last_attempt_at, nextDue, at, id);
      const customer =
        row.customer_id !== null
          ? (sql.customerKey.get(row.customer_id) as { external_id: string } | undefined)
          : undefined;
      outbox.add({
        kind: 'callback.update',
        recordId: id,
        stream: customer ? customerStream(customer.external_id) : `callback:${id}`,
        ...(customer ? { customerId: row.customer_id! } : {}),
        data: {
          ...(customer ? { customerId: customer.external_id } : {}),
          status,
          attempts,
          dueAt: nextDue,
          ...(action === 'failed' ? { lastOutcome: 'no-answer' } : {}),
          updatedAt: at,
        },
        createdAt: at,
      });
      return toCallback(sql.callback.get(id) as CallbackRow);
    });
  }

  openCallbacks(): Callback[] {
    return ((this.sql?.openCallbacks.all() ?? []) as CallbackRow[]).map(toCallback);
  }

  callback(id: string): Callback | undefined {
    const row = this.sql?.callback.get(id) as CallbackRow | undefined;
    return row ? toCallback(row) : undefined;
  }

  // ---- the agent's day ---------------------------------------------------------------------------

  recordState(state: AgentStateName, reason: string | undefined, at: number): Promise<void> {
    return this.write((sql) => {
      sql.insertState.run(state, reason ?? null, at);
    });
  }

  /** The desk is running at `at` (see migration 008). */
  heartbeat(at: number): Promise<void> {
    return this.write((sql) => {
      sql.heartbeat.run(at);
    });
  }

  /**
   * At start: when the last run ended without writing Offline (a crash, a power cut), closes its
   * state log with Offline at the last heartbeat. Returns that time, or undefined when nothing
   * needed closing.
   */
  closeUnfinishedSession(): Promise<number | undefined> {
    return this.write((sql) => {
      const last = sql.lastState.get() as { state: string; started_at: number } | undefined;
      const seenAt = sql.lastSeen.get() as number | undefined;
      if (!last || last.state === 'offline' || seenAt === undefined) return undefined;
      const at = Math.max(seenAt, last.started_at);
      sql.insertState.run('offline', null, at);
      return at;
    });
  }

  /** Every ended call, for the agent's figures (known customer or not). */
  logCall(call: Call, customerId: number | undefined, holdMs: number): Promise<void> {
    return this.write((sql) => {
      sql.logCall.run(
        call.id,
        call.direction,
        call.remote.number,
        customerId ?? null,
        call.startedAt,
        call.answeredAt ?? null,
        call.endedAt ?? this.now(),
        call.end?.cause ?? 'failed',
        Math.round(holdMs),
      );
    });
  }

  // ---- outbound lists ----------------------------------------------------------------------------

  /** A list from a CSV file, its entries in order; a number that is a customer's is linked to them. */
  importOutbound(name: string, rows: OutboundRow[]): Promise<number> {
    return this.write((sql) => {
      const listId = Number(sql.insertList.run(name, this.now()).lastInsertRowid);
      rows.forEach((row, position) => {
        const customerId = (sql.customerByNumber.get(row.number) as number | undefined) ?? null;
        sql.insertEntry.run(listId, position, row.number, row.name ?? null, customerId, row.note);
      });
      return listId;
    });
  }

  outboundLists(): OutboundList[] {
    const sql = this.sql;
    if (!sql) return [];
    return (sql.lists.all() as { id: number; name: string; imported_at: number; external_id: string | null }[]).map(
      (list) => ({
        id: list.id,
        name: list.name,
        importedAt: list.imported_at,
        source: list.external_id === null ? ('file' as const) : ('crm' as const),
        entries: (sql.entries.all(list.id) as EntryRow[]).map(toEntry),
      }),
    );
  }

  /** The list's next entry in order, marked as being called; undefined when none is left. */
  claimNextEntry(listId: number): Promise<OutboundEntry | undefined> {
    return this.write((sql) => {
      // An entry left "calling" (the app stopped during its call) goes back in the queue first.
      const row = sql.nextEntry.get(listId) as EntryRow | undefined;
      if (!row) return undefined;
      sql.claimEntry.run(this.now(), row.id);
      return toEntry(sql.entry.get(row.id) as EntryRow);
    });
  }

  /** Back to pending (the dial failed before a call existed). */
  releaseEntry(entryId: number): Promise<void> {
    return this.write((sql) => {
      sql.releaseEntry.run(entryId);
    });
  }

  /** The outcome of an entry's call; with `not-now`, the callback at the agreed time, together. */
  recordOutcome(
    entryId: number,
    outcome: OutboundOutcome,
    callback?: Omit<NewCallback, 'source'>,
  ): Promise<OutboundEntry> {
    return this.write((sql, outbox) => {
      const row = sql.entry.get(entryId) as EntryRow | undefined;
      if (!row) throw new WorkError('no-such-entry', 'There is no such entry in the outbound lists.');
      sql.entryOutcome.run(outcome, entryId);
      const callbackId = callback ? this.insertCallback(sql, outbox, { ...callback, source: 'outbound' }) : undefined;
      const listKey = sql.listKey.get(row.list_id) as string | null | undefined;
      if (listKey && row.external_id) {
        // A CRM list's entry: its outcome goes back to the CRM, with the customer's other changes.
        const customer =
          row.customer_id !== null
            ? (sql.customerKey.get(row.customer_id) as { external_id: string } | undefined)
            : undefined;
        const at = this.now();
        const data: OutboundOutcomeData = {
          listId: listKey,
          entryId: row.external_id,
          outcome,
          attempts: row.attempts,
          at,
          number: row.number,
          ...(customer ? { customerId: customer.external_id } : {}),
          ...(callbackId ? { callbackId } : {}),
        };
        outbox.add({
          kind: 'outbound.outcome',
          recordId: randomUUID(),
          stream: customer ? customerStream(customer.external_id) : `outbound:${listKey}`,
          ...(customer ? { customerId: row.customer_id! } : {}),
          data,
          createdAt: at,
        });
      }
      return toEntry(sql.entry.get(entryId) as EntryRow);
    });
  }

  removeOutboundList(listId: number): Promise<void> {
    return this.write((sql) => {
      sql.deleteList.run(listId);
    });
  }

  /** What the figures of a period are computed from (the state in force at its start included). */
  figureRows(
    from: number,
    to: number,
  ): { calls: CallRow[]; wrapUps: WrapUpRow[]; states: StateRow[]; callbacks: CallbackFigureRow[] } {
    const sql = this.sql;
    if (!sql) return { calls: [], wrapUps: [], states: [], callbacks: [] };
    return {
      calls: sql.figureCalls.all(from, to) as CallRow[],
      wrapUps: (
        sql.figureWrapUps.all(from, to) as (Omit<WrapUpRow, 'resolved' | 'disposition'> & { form: string })[]
      ).map(({ form, ...row }) => {
        const parsed = JSON.parse(form) as { resolved?: WrapUpRow['resolved']; disposition?: string };
        return { ...row, resolved: parsed.resolved ?? '', disposition: parsed.disposition ?? '' };
      }),
      states: sql.figureStates.all(from, from, to) as StateRow[],
      callbacks: sql.figureCallbacks.all(from) as CallbackFigureRow[],
    };
  }

  // ---- inside ------------------------------------------------------------------------------------

  private insertCallback(sql: NonNullable<WorkStore['sql']>, outbox: OutboxWriter, input: NewCallback): string {
    const id = randomUUID();
    const at = this.now();
    sql.insertCallback.run(
      id,
      input.customerId ?? null,
      input.number,
      input.dueAt,
      input.timeZone ?? null,
      input.note,
      input.source,
      input.callId ?? null,
      at,
      at,
    );
    const customer =
      input.customerId !== undefined
        ? (sql.customerKey.get(input.customerId) as { external_id: string } | undefined)
        : undefined;
    outbox.add({
      kind: 'callback.create',
      recordId: id,
      stream: customer ? customerStream(customer.external_id) : `callback:${id}`,
      ...(customer ? { customerId: input.customerId! } : {}),
      data: {
        ...(customer ? { customerId: customer.external_id } : {}),
        number: input.number,
        dueAt: input.dueAt,
        ...(input.timeZone ? { timeZone: input.timeZone } : {}),
        note: input.note,
        source: input.source,
        ...(input.callId ? { callId: input.callId } : {}),
        createdAt: at,
      },
      createdAt: at,
    });
    return id;
  }

  /** One IMMEDIATE transaction through the queue (the lock first: no SQLITE_BUSY_SNAPSHOT). */
  private write<T>(change: (sql: NonNullable<WorkStore['sql']>, outbox: OutboxWriter) => T): Promise<T> {
    const db = this.db;
    const sql = this.sql;
    const outbox = this.outbox;
    if (!db || !sql || !outbox)
      return Promise.reject(new WorkError('unavailable', 'The work database could not be opened.'));
    return this.queue.run(() => db.transaction(() => change(sql, outbox)).immediate());
  }

  private prepare(db: Db) {
    return {
      drafts: db.prepare('SELECT call, draft, started_at, saved_at FROM wrapup_drafts ORDER BY started_at, call_id'),
      draft: db.prepare('SELECT call, started_at FROM wrapup_drafts WHERE call_id = ?'),
      startDraft: db.prepare(
        'INSERT INTO wrapup_drafts (call_id, call, draft, started_at, saved_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (call_id) DO NOTHING',
      ),
      saveDraft: db.prepare('UPDATE wrapup_drafts SET draft = ?, saved_at = ? WHERE call_id = ?'),
      deleteDraft: db.prepare('DELETE FROM wrapup_drafts WHERE call_id = ?'),
      insertWrapUp: db.prepare(
        'INSERT INTO wrapups (call_id, external_id, customer_id, form, started_at, submitted_at) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      upsertInteraction: db.prepare(`
        INSERT INTO interactions (customer_id, external_id, channel, direction, started_at, ended_at, outcome, summary)
        VALUES (@customerId, @externalId, 'call', @direction, @startedAt, @endedAt, @outcome, @summary)
        ON CONFLICT (external_id) DO UPDATE SET outcome = excluded.outcome,
          summary = coalesce(excluded.summary, interactions.summary)`),
      customerKey: db.prepare('SELECT external_id FROM customers WHERE id = ?'),
      insertCallback: db.prepare(`
        INSERT INTO callbacks (external_id, customer_id, number, due_at, time_zone, note, status, source, call_id,
          created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?)`),
      callback: db.prepare(`${CALLBACK_SELECT} WHERE cb.external_id = ?`),
      openCallbacks: db.prepare(`${CALLBACK_SELECT} WHERE cb.status = 'open' ORDER BY cb.due_at`),
      updateCallback: db.prepare(
        'UPDATE callbacks SET status = ?, attempts = ?, last_attempt_at = ?, due_at = ?, updated_at = ? WHERE external_id = ?',
      ),
      insertList: db.prepare('INSERT INTO outbound_lists (name, imported_at) VALUES (?, ?)'),
      insertEntry: db.prepare(
        "INSERT INTO outbound_entries (list_id, position, number, name, customer_id, note, status) VALUES (?, ?, ?, ?, ?, ?, 'pending')",
      ),
      customerByNumber: db
        .prepare('SELECT customer_id FROM phones WHERE e164 = ? ORDER BY customer_id LIMIT 1')
        .pluck(),
      lists: db.prepare('SELECT id, name, imported_at, external_id FROM outbound_lists ORDER BY imported_at, id'),
      listKey: db.prepare('SELECT external_id FROM outbound_lists WHERE id = ?').pluck(),
      entries: db.prepare('SELECT * FROM outbound_entries WHERE list_id = ? ORDER BY position'),
      entry: db.prepare('SELECT * FROM outbound_entries WHERE id = ?'),
      nextEntry: db.prepare(
        "SELECT * FROM outbound_entries WHERE list_id = ? AND status IN ('calling', 'pending') ORDER BY status = 'pending', position LIMIT 1",
      ),
      claimEntry: db.prepare(
        "UPDATE outbound_entries SET status = 'calling', attempts = attempts + 1, last_attempt_at = ? WHERE id = ?",
      ),
      releaseEntry: db.prepare("UPDATE outbound_entries SET status = 'pending' WHERE id = ?"),
      entryOutcome: db.prepare("UPDATE outbound_entries SET status = 'done', outcome = ? WHERE id = ?"),
      deleteList: db.prepare('DELETE FROM outbound_lists WHERE id = ?'),
      figureCalls: db.prepare(`
        SELECT call_id AS callId, direction, number, started_at AS startedAt, answered_at AS answeredAt,
          ended_at AS endedAt, end_cause AS endCause, hold_ms AS holdMs
        FROM call_log WHERE started_at >= ? AND started_at < ? ORDER BY started_at`),
      figureWrapUps: db.prepare(`
        SELECT call_id AS callId, started_at AS startedAt, submitted_at AS submittedAt, form
        FROM wrapups WHERE started_at >= ? AND started_at < ?`),
      figureStates: db.prepare(`
        SELECT state, reason, started_at AS startedAt FROM agent_states
        WHERE started_at >= coalesce((SELECT max(started_at) FROM agent_states WHERE started_at <= ?), ?)
          AND started_at < ? ORDER BY started_at, id`),
      figureCallbacks: db.prepare(`
        SELECT status, due_at AS dueAt, updated_at AS updatedAt FROM callbacks
        WHERE status = 'open' OR updated_at >= ?`),
      insertState: db.prepare('INSERT INTO agent_states (state, reason, started_at) VALUES (?, ?, ?)'),
      lastState: db.prepare('SELECT state, started_at FROM agent_states ORDER BY started_at DESC, id DESC LIMIT 1'),
      lastSeen: db.prepare('SELECT seen_at FROM desk_heartbeat WHERE id = 1').pluck(),
      heartbeat: db.prepare(
        'INSERT INTO desk_heartbeat (id, seen_at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at',
      ),
      logCall: db.prepare(`
        INSERT INTO call_log (call_id, direction, number, customer_id, started_at, answered_at, ended_at, end_cause, hold_ms)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (call_id) DO NOTHING`),
    };
  }
}

interface EntryRow {
  id: number;
  list_id: number;
  external_id: string | null;
  position: number;
  number: string;
  name: string | null;
  customer_id: number | null;
  note: string;
  status: OutboundEntry['status'];
  outcome: OutboundOutcome | null;
  attempts: number;
  last_attempt_at: number | null;
}

function toEntry(row: EntryRow): OutboundEntry {
  return {
    id: row.id,
    position: row.position,
    number: row.number,
    ...(row.name ? { name: row.name } : {}),
    ...(row.customer_id !== null ? { customerId: row.customer_id } : {}),
    note: row.note,
    status: row.status,
    ...(row.outcome ? { outcome: row.outcome } : {}),
    attempts: row.attempts,
    ...(row.last_attempt_at !== null ? { lastAttemptAt: row.last_attempt_at } : {}),
  };
}

function toCallback(row: CallbackRow): Callback {
  const name = [row.given_name, row.family_name].filter(Boolean).join(' ') || row.company || undefined;
  return {
    id: row.external_id,
    number: row.number,
    ...(row.customer_id !== null ? { customerId: row.customer_id } : {}),
    ...(name ? { customerName: name } : {}),
    dueAt: row.due_at,
    ...(row.time_zone ? { timeZone: row.time_zone } : {}),
    note: row.note,
    status: row.status,
    attempts: row.attempts,
    ...(row.last_attempt_at !== null ? { lastAttemptAt: row.last_attempt_at } : {}),
    source: row.source,
    createdAt: row.created_at,
  };
}
