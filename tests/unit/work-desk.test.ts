import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import Database from 'better-sqlite3';
import type { Call, CoreEvent, ScreenPop } from '../../src/contract/index.js';
import { EMPTY_WRAPUP, wrapUpSchema, localDateTime } from '../../src/contract/wrapup.js';
import { DEFAULT_SETTINGS } from '../../src/config/defaults.js';
import type { Settings } from '../../src/contract/settings.js';
import { silentLogger } from '../../src/log/logger.js';
import { migrate, openDatabase } from '../../src/storage/database.js';
import { CUSTOMER_MIGRATIONS } from '../../src/storage/migrations/index.js';
import { CustomerRepository } from '../../src/customers/repository.js';
import { OutboundListWriter } from '../../src/work/outbound-sync.js';
import { WorkStore } from '../../src/work/store.js';
import { WorkDesk } from '../../src/work/work-desk.js';
import { tempDir } from '../support/tmp.js';

let dir: string;
let cleanup: () => void;
let file: string;
let store: WorkStore;
let desk: WorkDesk;
let events: CoreEvent[];
let settings: Settings;
let now: number;
let customerId: number;
const dialled: string[] = [];

function call(id: string, overrides: Partial<Call> = {}): Call {
  return {
    id,
    direction: 'in',
    state: 'active',
    remote: { number: '+393471234567', displayName: 'Giulia', uri: 'sip:+393471234567@pbx.test' },
    startedAt: now - 60_000,
    answeredAt: now - 55_000,
    hold: { local: false, remote: false },
    muted: false,
    ...overrides,
  };
}
const ended = (c: Call): Call => ({ ...c, state: 'ended', endedAt: now, end: { cause: 'remote-hangup' } });

function pop(callId: string, requiredChecks: string[] = []): ScreenPop {
  return {
    callId,
    lookup: { kind: 'none', number: '+393471234567' },
    card: {
      customer: {
        id: customerId,
        givenName: 'Giulia',
        familyName: 'Bianchi',
        flags: [],
        openCases: 0,
        emails: [],
        identification: {},
        phones: [],
      },
      cases: [],
      interactions: [],
    },
    line: { called: '800100200', serviceName: 'Billing', requiredChecks },
  };
}

function makeDesk(): WorkDesk {
  return new WorkDesk({
    store,
    settings: () => settings,
    dispositions: () => [],
    dial: async (target) => {
      dialled.push(target);
      return { ok: true, value: { callId: `out-${dialled.length}` } };
    },
    linkPop: async () => ({ ok: true }),
    emit: (event) => events.push(event),
    logger: silentLogger(),
    now: () => now,
  });
}

beforeEach(() => {
  ({ dir, cleanup } = tempDir('work-desk-'));
  file = path.join(dir, 'customers.sqlite');
  const db = openDatabase(file);
  migrate(db, CUSTOMER_MIGRATIONS);
  customerId = new CustomerRepository(db).upsertCustomer(
    {
      externalId: 'crm-1',
      givenName: 'Giulia',
      familyName: 'Bianchi',
      phones: [{ number: '+393471234567' }],
      updatedAt: 1,
    },
    'IT',
  );
  db.close();
  now = new Date(2026, 10, 26, 10, 0).getTime();
  settings = structuredClone(DEFAULT_SETTINGS);
  events = [];
  dialled.length = 0;
  store = new WorkStore(file, silentLogger(), () => now);
  store.open();
  desk = makeDesk();
  desk.start();
});

afterEach(() => {
  desk.close();
  store.close();
  cleanup();
});

const valid = {
  ...EMPTY_WRAPUP,
  disposition: 'resolved',
  summary: 'Explained the March bill.',
  resolved: 'yes' as const,
};

describe('a call and its wrap-up', () => {
  it('answered → on call → wrap-up with a draft on disk → saved with its outbox entry → available', async () => {
    const c = call('c1');
    desk.callsChanged([c]);
    expect(desk.agentState().state).toBe('on-call');
    await desk.callEnded(ended(c), { pop: pop('c1'), callsLeft: 0 });
    expect(desk.agentState()).toMatchObject({ state: 'wrap-up', wrapUps: ['c1'], wrapUpDueAt: now + 120_000 });
    const [view] = desk.wrapUpViews();
    expect(view).toMatchObject({
      callId: 'c1',
      customerName: 'Giulia Bianchi',
      service: 'Billing',
      dueAt: now + 120_000,
    });
    expect(view!.draft.callbackNumber).toBe('+393471234567');
    expect(view!.rules.required).toEqual(['summary']);

    expect(
      await desk.dispatch({ type: 'wrapup.draft', callId: 'c1', draft: { ...EMPTY_WRAPUP, summary: 'half' } }),
    ).toMatchObject({ ok: true });
    // A restart finds the draft as typed.
    expect(new WorkStore(file, silentLogger()).pendingWrapUps).toBeDefined();
    const reopened = new WorkStore(file, silentLogger());
    reopened.open();
    expect(reopened.pendingWrapUps()[0]!.draft.summary).toBe('half');
    reopened.close();

    const result = await desk.dispatch({ type: 'wrapup.submit', callId: 'c1', form: valid });
    expect(result.ok).toBe(true);
    expect(desk.agentState().state).toBe('available');
    expect(desk.wrapUpViews()).toEqual([]);
    const db = new Database(file, { readonly: true });
    const outbox = db.prepare("SELECT kind, stream, data FROM outbox WHERE kind = 'wrapup.create'").all() as {
      stream: string;
      data: string;
    }[];
    expect(outbox).toHaveLength(1);
    expect(outbox[0]!.stream).toBe('customer:crm-1');
    expect(JSON.parse(outbox[0]!.data)).toMatchObject({
      customerId: 'crm-1',
      interactionId: 'call:c1',
      disposition: 'resolved',
      dispositionLabel: 'Resolved',
      resolvedFirstContact: true,
      summary: 'Explained the March bill.',
    });
    // The customer's history shows it at once.
    expect(db.prepare("SELECT outcome, summary FROM interactions WHERE external_id = 'call:c1'").get()).toEqual({
      outcome: 'Resolved',
      summary: 'Explained the March bill.',
    });
    expect(db.prepare('SELECT count(*) FROM wrapup_drafts').pluck().get()).toBe(0);
    expect(db.prepare('SELECT state FROM agent_states ORDER BY id').pluck().all()).toEqual([
      'available',
      'on-call',
      'wrap-up',
      'available',
    ]);
    db.close();
  });

  it('checked with the line’s rules: refused with the fields to fix, nothing lost, still in wrap-up', async () => {
    const c = call('c1');
    desk.callsChanged([c]);
    await desk.callEnded(ended(c), { pop: pop('c1', ['wrapup.reason', 'identify.postcode']), callsLeft: 0 });
    expect(desk.wrapUpViews()[0]!.rules.required).toEqual(['reason']);
    const result = await desk.dispatch({
      type: 'wrapup.submit',
      callId: 'c1',
      form: {
        ...EMPTY_WRAPUP,
        disposition: 'made-up',
        callback: true,
        callbackDate: '2026-11-26',
        callbackTime: '09:00',
      },
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid', message: 'wrapup-invalid' } });
    const issues = !result.ok ? result.error.issues!.map((issue) => `${issue.path}:${issue.message}`) : [];
    expect(issues).toEqual(
      expect.arrayContaining([
        'disposition:wrapup.invalid.disposition',
        'reason:wrapup.invalid.required',
        'callbackTime:wrapup.invalid.past',
        'callbackNumber:wrapup.invalid.number',
      ]),
    );
    expect(desk.agentState().state).toBe('wrap-up');
    expect(desk.wrapUpViews()).toHaveLength(1);
  });

  it('a promised callback is created with the wrap-up, in the same transaction, with the customer’s time zone', async () => {
    const c = call('c1');
    desk.callsChanged([c]);
    await desk.callEnded(ended(c), { pop: pop('c1'), callsLeft: 0 });
    const result = await desk.dispatch({
      type: 'wrapup.submit',
      callId: 'c1',
      form: {
        ...desk.wrapUpViews()[0]!.draft,
        ...valid,
        callback: true,
        callbackNumber: '+39 347 123 4567',
        callbackDate: '2026-11-27',
        callbackTime: '15:30',
        callbackNote: 'After the meter check',
      },
    });
    expect(result.ok ? 'ok' : JSON.stringify(result.error)).toBe('ok');
    const [callback] = desk.callbacksView().open;
    expect(callback).toMatchObject({
      number: '+393471234567',
      customerName: 'Giulia Bianchi',
      dueAt: localDateTime('2026-11-27', '15:30'),
      timeZone: 'Europe/Rome',
      note: 'After the meter check',
      source: 'wrapup',
    });
  });

  it('a call nobody answered needs no wrap-up; a declined one is listed with the state that declined it', async () => {
    const missed = call('m1', { answeredAt: undefined, state: 'ringing-in' });
    desk.callsChanged([missed]);
    await desk.callEnded({ ...ended(missed), end: { cause: 'missed' } }, { callsLeft: 0 });
    expect(desk.agentState().state).toBe('available');
    expect(desk.refuseIncoming(call('x'))).toBeUndefined();
    await desk.dispatch({ type: 'agent.state', state: 'break' });
    expect(desk.refuseIncoming(call('x'))).toMatch(/not available \(break\)/);
    expect(desk.declinedCalls()[0]).toMatchObject({ number: '+393471234567', state: 'break' });
    settings.work.whenNotAvailable = 'ring';
    expect(desk.refuseIncoming(call('y'))).toBeUndefined();
  });
});

describe('timers', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('the wrap-up time limit: warned and kept (stay), or on to Available with the draft kept', async () => {
    desk.close();
    settings.work.wrapUpSeconds = 30;
    settings.work.wrapUpExpiry = 'available';
    desk = makeDesk();
    desk.start();
    const c = call('c1');
    desk.callsChanged([c]);
    await desk.callEnded(ended(c), { pop: pop('c1'), callsLeft: 0 });
    expect(desk.agentState().state).toBe('wrap-up');
    now += 30_000;
    await vi.advanceTimersByTimeAsync(30_010);
    expect(desk.agentState()).toMatchObject({ state: 'available', wrapUps: ['c1'] });
    expect(desk.wrapUpViews()).toHaveLength(1);
  });

  it('a callback’s reminder comes the configured minutes before it is due', async () => {
    const dueAt = now + 20 * 60_000;
    await desk.dispatch({ type: 'callback.create', number: '+302101234567', dueAt, note: 'Bill question' });
    expect(desk.callbacksView().open[0]!.timeZone).toBe('Europe/Athens');
    now += 14 * 60_000;
    await vi.advanceTimersByTimeAsync(14 * 60_000);
    expect(desk.callbacksView().reminding).toEqual([]);
    now += 60_000 + 10;
    await vi.advanceTimersByTimeAsync(60_010);
    expect(desk.callbacksView().reminding).toEqual([desk.callbacksView().open[0]!.id]);
  });

  it('the screen-break reminder after the configured stretch of work; a break resets it', async () => {
    desk.close();
    settings.work.breakReminderMinutes = 50;
    desk = makeDesk();
    desk.start();
    now += 50 * 60_000;
    await vi.advanceTimersByTimeAsync(50 * 60_000 + 10);
    expect(desk.agentState().breakDue).toBe(true);
    await desk.dispatch({ type: 'agent.state', state: 'break' });
    expect(desk.agentState()).toMatchObject({ state: 'break', breakDue: false });
  });
});

describe('the state log', () => {
  it('a stop writes Offline, so the figures do not count the time the app was closed', async () => {
    now += 60_000;
    await desk.shutdown();
    const db = new Database(file, { readonly: true });
    expect(db.prepare('SELECT state, started_at AS at FROM agent_states ORDER BY id').all()).toEqual([
      { state: 'available', at: now - 60_000 },
      { state: 'offline', at: now },
    ]);
    db.close();
  });
});

describe('a run that ends without a clean stop', () => {
  it('is closed with Offline at its last heartbeat when the app starts again', async () => {
    desk.close();
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const started = now;
      const crashed = makeDesk();
      crashed.start();
      // Two heartbeats a minute apart, then the process dies (no shutdown, nothing else written).
      now += 60_000;
      vi.advanceTimersByTime(60_000);
      now += 60_000;
      vi.advanceTimersByTime(60_000);
      await vi.waitFor(() => {
        const db = new Database(file, { readonly: true });
        const seen = db.prepare('SELECT seen_at FROM desk_heartbeat').pluck().get();
        db.close();
        expect(seen).toBe(started + 120_000);
      });
      // Three hours later the app starts again.
      now += 3 * 3_600_000;
      desk = makeDesk();
      desk.start();
      await vi.waitFor(() => {
        const db = new Database(file, { readonly: true });
        const rows = db.prepare('SELECT state, started_at AS at FROM agent_states ORDER BY id').all();
        db.close();
        expect(rows).toEqual([
          // The run of beforeEach, left without a stop too: closed when `crashed` started.
          { state: 'available', at: started },
          { state: 'offline', at: started },
          { state: 'available', at: started },
          { state: 'offline', at: started + 120_000 },
          { state: 'available', at: now },
        ]);
      });
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('callbacks', () => {
  it('dialled with one action: the number is called and the attempt counted; then done', async () => {
    await desk.dispatch({
      type: 'callback.create',
      number: '+393471234567',
      customerId,
      dueAt: now + 60_000,
      note: '',
    });
    const { id } = desk.callbacksView().open[0]!;
    const result = await desk.dispatch({ type: 'callback.dial', id });
    expect(result).toMatchObject({ ok: true, value: { callId: 'out-1' } });
    expect(dialled).toEqual(['+393471234567']);
    expect(desk.callbacksView().open[0]!.attempts).toBe(1);
    await desk.dispatch({ type: 'callback.update', id, action: 'done' });
    expect(desk.callbacksView().open).toEqual([]);
    expect(await desk.dispatch({ type: 'callback.dial', id })).toMatchObject({ ok: false });
  });
});

describe('the shared form schema', () => {
  it('accepts a complete wrap-up and refuses a complaint without its details', () => {
    const schema = wrapUpSchema({ dispositions: [{ code: 'resolved', label: 'Resolved' }], required: [] });
    expect(schema.safeParse(valid).success).toBe(true);
    const complaint = schema.safeParse({ ...valid, complaint: true });
    expect(complaint.success ? [] : complaint.error.issues.map((issue) => issue.path.join('.'))).toEqual([
      'complaintCategory',
      'complaintSeverity',
    ]);
  });

  it('a date that does not exist is not one', () => {
    expect(localDateTime('2026-02-30', '10:00')).toBeUndefined();
    expect(localDateTime('2026-11-27', '25:00')).toBeUndefined();
    expect(localDateTime('2026-11-27', '09:05')).toBe(new Date(2026, 10, 27, 9, 5).getTime());
  });
});

describe('outbound lists', () => {
  const csv = [
    'Name,Number,Note',
    'Giulia Bianchi,347 123 4567,Renewal offer',
    'Nobody,not-a-number,',
    '"Rossi, Mario",+39 06 1234 5678,"Asked about ""green"" tariffs"',
    ',,',
  ].join('\n');

  it('imported from CSV in order (bad rows refused with their line), worked in order, each outcome kept', async () => {
    const imported = await desk.dispatch({ type: 'outbound.import', name: 'Renewals', content: csv });
    expect(imported).toMatchObject({
      ok: true,
      value: {
        imported: 2,
        rejected: [
          { line: 3, reason: '"not-a-number" is not a phone number' },
          { line: 5, reason: 'the number is missing' },
        ],
      },
    });
    const [list] = desk.outboundLists();
    expect(list!.entries.map((entry) => [entry.position, entry.number, entry.name, entry.customerId])).toEqual([
      [0, '+393471234567', 'Giulia Bianchi', customerId],
      [1, '+390612345678', 'Rossi, Mario', undefined],
    ]);
    expect(list!.entries[1]!.note).toBe('Asked about "green" tariffs');

    const first = await desk.dispatch({ type: 'outbound.next', listId: list!.id });
    expect(first).toMatchObject({ ok: true, value: { callId: 'out-1' } });
    expect(dialled).toEqual(['+393471234567']);
    expect(desk.outboundLists()[0]!.entries[0]).toMatchObject({ status: 'calling', attempts: 1 });
    // Not a good time: a callback at the agreed time, from the list.
    expect(
      await desk.dispatch({ type: 'outbound.outcome', entryId: list!.entries[0]!.id, outcome: 'not-now' }),
    ).toMatchObject({
      ok: false,
      error: { message: 'due-time-needed' },
    });
    await desk.dispatch({
      type: 'outbound.outcome',
      entryId: list!.entries[0]!.id,
      outcome: 'not-now',
      dueAt: now + 3_600_000,
    });
    expect(desk.callbacksView().open[0]).toMatchObject({
      number: '+393471234567',
      source: 'outbound',
      note: 'Renewal offer',
    });

    await desk.dispatch({ type: 'outbound.next', listId: list!.id });
    expect(dialled.at(-1)).toBe('+390612345678');
    await desk.dispatch({ type: 'outbound.outcome', entryId: list!.entries[1]!.id, outcome: 'reached' });
    expect(desk.outboundLists()[0]!.entries.map((entry) => entry.outcome)).toEqual(['not-now', 'reached']);
    expect(await desk.dispatch({ type: 'outbound.next', listId: list!.id })).toMatchObject({
      ok: false,
      error: { message: 'list-done' },
    });
  });

  it('a list from the CRM is linked by customer id, cannot be removed at the desk, and its outcomes go to the outbox', async () => {
    const db = openDatabase(file);
    new OutboundListWriter(db).apply(
      'outbound:renewals',
      1,
      now,
      { name: 'Renewals', entries: [{ id: 'e1', number: '347 123 4567', customerId: 'crm-1', note: 'Offer' }] },
      'IT',
    );
    desk.outboundChanged();
    const [list] = desk.outboundLists();
    expect(list).toMatchObject({ source: 'crm', entries: [{ number: '+393471234567', customerId, note: 'Offer' }] });
    expect(await desk.dispatch({ type: 'outbound.remove', listId: list!.id })).toMatchObject({
      ok: false,
      error: { message: 'crm-list' },
    });
    await desk.dispatch({ type: 'outbound.next', listId: list!.id });
    await desk.dispatch({ type: 'outbound.outcome', entryId: list!.entries[0]!.id, outcome: 'wrong-number' });
    const sent = db.prepare("SELECT kind, stream, data FROM outbox WHERE kind = 'outbound.outcome'").all() as {
      stream: string;
      data: string;
    }[];
    db.close();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.stream).toBe('customer:crm-1');
    expect(JSON.parse(sent[0]!.data)).toMatchObject({
      listId: 'outbound:renewals',
      entryId: 'e1',
      outcome: 'wrong-number',
      attempts: 1,
      customerId: 'crm-1',
    });
  });

  it('a file without a number column is refused in plain words', async () => {
    const result = await desk.dispatch({ type: 'outbound.import', name: 'x', content: 'name,phone\nA,123' });
    expect(result).toMatchObject({ ok: false, error: { message: 'outbound-file' } });
    expect(!result.ok && result.error.issues![0]!.message).toMatch(/column.*"number"/);
  });
});
