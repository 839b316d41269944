/**
 * The CRM sync against the reference CRM (tools/crm), through a fault proxy of our own where the
 * network has to misbehave. Real SQLite on both sides, real HTTP on loopback.
 */
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SyncStatus } from '../../src/contract/sync.js';
import { CustomerCache } from '../../src/customers/cache.js';
import { silentLogger } from '../../src/log/logger.js';
import { migrate, openDatabase, type Db } from '../../src/storage/database.js';
import { CUSTOMER_MIGRATIONS } from '../../src/storage/migrations/index.js';
import { SyncEngine, type SyncEngineOptions } from '../../src/sync/engine.js';
import { HttpSyncConnector } from '../../src/sync/http-connector.js';
import { SyncLocalStore } from '../../src/sync/local-store.js';
import { customerStream, OutboxWriter } from '../../src/sync/outbox.js';
import { startCrmServer, type CrmServer } from '../../tools/crm/server.js';
import { CrmStore } from '../../tools/crm/store.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { tempDir } from '../support/tmp.js';
import { waitFor as waitUntil } from '../support/wait.js';

const TOKEN = 'test-token-0123456789';

let dir: string;
let cleanup: () => void;
let crm: CrmServer;
let proxy: FaultProxy | undefined;
let db: Db;
let store: SyncLocalStore;
let cache: CustomerCache;
let engine: SyncEngine | undefined;
let statuses: SyncStatus[];

beforeEach(async () => {
  ({ dir, cleanup } = tempDir('sync-it-'));
  crm = await startCrmServer({ store: new CrmStore(path.join(dir, 'crm.sqlite')), tokens: [TOKEN] });
  const file = path.join(dir, 'customers.sqlite');
  db = openDatabase(file, { busyTimeoutMs: 5000 });
  migrate(db, CUSTOMER_MIGRATIONS);
  store = new SyncLocalStore(db, () => 'IT');
  cache = new CustomerCache(file, silentLogger());
  cache.open();
  statuses = [];
});

afterEach(async () => {
  await engine?.stop();
  engine = undefined;
  await proxy?.close();
  proxy = undefined;
  cache.close();
  db.close();
  await crm.close();
  crm.store.close();
  cleanup();
});

function startEngine(url: string, options: Partial<SyncEngineOptions> = {}, token = TOKEN): SyncEngine {
  engine = new SyncEngine({
    store,
    connector: new HttpSyncConnector({ url, token, timeoutMs: 4000 }),
    logger: silentLogger(),
    pullIntervalMs: 200,
    pageSize: 100,
    backoff: { baseMs: 20, maxMs: 250 },
    onStatus: (status) => statuses.push(status),
    ...options,
  });
  engine.start();
  return engine;
}

/** Polls `check` until it holds (the shared helper, with the condition's text as its description). */
function waitFor(check: () => unknown, options: { timeoutMs: number; intervalMs?: number }): Promise<unknown> {
  return waitUntil(check.toString(), () => Boolean(check()) || undefined, options.timeoutMs, options.intervalMs ?? 50);
}

const last = () => statuses[statuses.length - 1];
const local = (sql: string) => db.prepare(sql).pluck().get();
const localId = (externalId: string) =>
  db.prepare('SELECT id FROM customers WHERE external_id = ?').pluck().get(externalId) as number;

async function settled(): Promise<void> {
  await waitFor(() => last()?.state === 'idle' && store.waiting() === 0, { timeoutMs: 60_000 });
}

describe('pull', () => {
  it('fills the cache from the CRM in pages, then takes only what changed, and removals', async () => {
    crm.store.seed({ customers: 300, seed: 7 });
    startEngine(crm.url, { pageSize: 37 });
    await settled();
    expect(local('SELECT count(*) FROM customers')).toBe(crm.store.count('customer'));
    expect(local('SELECT count(*) FROM cases')).toBe(crm.store.count('case'));
    expect(local('SELECT count(*) FROM interactions')).toBe(crm.store.count('interaction'));
    expect(local('SELECT count(*) FROM lines')).toBeGreaterThan(0);
    expect(local("SELECT count(*) FROM crm_documents WHERE kind = 'disposition'")).toBeGreaterThan(0);
    // The first sync showed its progress, with the CRM's estimate of the total.
    const progress = statuses.filter((status) => status.firstSync);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress[0]!.firstSync!.total).toBeGreaterThan(300);

    crm.store.patchRecord('customer', 'CUST-0000002', { notes: 'Moved to Turin' });
    crm.store.deleteRecord('customer', 'CUST-0000003');
    const cursor = store.cursor();
    engine!.syncNow();
    await waitFor(() => store.cursor() !== cursor && last()?.state === 'idle', { timeoutMs: 10_000 });
    expect(local("SELECT notes FROM customers WHERE external_id = 'CUST-0000002'")).toBe('Moved to Turin');
    expect(local("SELECT count(*) FROM customers WHERE external_id = 'CUST-0000003'")).toBe(0);
    expect(local('SELECT count(*) FROM customers')).toBe(crm.store.count('customer'));
  });

  it('does not depend on the desk’s clock: a clock hours off pulls the same', async () => {
    crm.store.seed({ customers: 50, seed: 3, history: false });
    startEngine(crm.url, { now: () => Date.now() - 6 * 3600_000 });
    await settled();
    crm.store.patchRecord('customer', 'CUST-0000010', { notes: 'changed after the first sync' });
    engine!.syncNow();
    await waitFor(
      () => local("SELECT notes FROM customers WHERE external_id = 'CUST-0000010'") === 'changed after the first sync',
      { timeoutMs: 10_000 },
    );
  });

  it('says so when the CRM refuses the token, and does not hammer it', async () => {
    startEngine(crm.url, {}, 'wrong-token');
    await waitFor(() => last()?.state === 'failing', { timeoutMs: 10_000 });
    expect(last()!.error).toMatchObject({ code: 'unauthorized' });
    expect(last()!.error!.message).toMatch(/did not accept the token/);
    const failures = statuses.filter((status) => status.error?.code === 'unauthorized').length;
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(statuses.filter((status) => status.error?.code === 'unauthorized').length).toBe(failures);
  });
});

describe('push', () => {
  it('delivers 10,000 changes through a network that drops, fails, duplicates and reorders: each exactly once, in order', async () => {
    crm.store.seed({ customers: 100, seed: 11, history: false });
    startEngine(crm.url);
    await settled();
    await engine!.stop();
    engine = undefined;

    // 5,000 corrections (50 per customer, so order matters) and 5,000 calls, as the desk writes
    // them (through the outbox), in one transaction here to keep the test short.
    const customers = db.prepare('SELECT id, external_id, version FROM customers ORDER BY id').all() as {
      id: number;
      external_id: string;
      version: number;
    }[];
    const outbox = new OutboxWriter(db);
    db.transaction(() => {
      for (let round = 0; round < 50; round++) {
        for (const customer of customers) {
          const stream = customerStream(customer.external_id);
          outbox.add({
            kind: 'customer.update',
            recordId: customer.external_id,
            stream,
            customerId: customer.id,
            baseVersion: customer.version,
            data: { notes: `note ${round}` },
            createdAt: Date.now(),
          });
          outbox.add({
            kind: 'interaction.create',
            recordId: `call:c${round}-${customer.id}`,
            stream,
            customerId: customer.id,
            data: { customerId: customer.external_id, channel: 'call', direction: 'in', startedAt: Date.now() },
            createdAt: Date.now(),
          });
        }
      }
    })();
    expect(store.waiting()).toBe(10_000);
    const written = db.prepare('SELECT mutation_id, stream, seq FROM outbox ORDER BY seq').all() as {
      mutation_id: string;
      stream: string;
      seq: number;
    }[];

    proxy = await startFaultProxy({
      upstream: new URL(crm.url).origin,
      seed: 42,
      slowMs: [100, 800],
      faults: {
        dropResponse: 0.3,
        error5xx: 0.1,
        reset: 0.05,
        slow: 0.1,
        duplicate: 0.1,
        reorder: 0.1,
        replayLater: 0.05,
      },
    });
    startEngine(`${proxy.url}/sync/v1`, { batchSize: 200, pageSize: 500, backoff: { baseMs: 20, maxMs: 100 } });
    await waitFor(() => store.waiting() === 0, { timeoutMs: 120_000, intervalMs: 100 });
    expect(last()!.problems).toEqual([]);
    // Let late duplicates and replays arrive before counting.
    proxy.setFaults({});
    await new Promise((resolve) => setTimeout(resolve, 2500));

    const applied = crm.store.appliedMutations();
    expect(applied).toHaveLength(10_000);
    expect(new Set(applied.map((m) => m.id))).toEqual(new Set(written.map((m) => m.mutation_id)));
    // Per record (stream), the CRM applied them in the order they were written.
    const byStream = new Map<string, number[]>();
    for (const m of applied) byStream.set(m.stream, [...(byStream.get(m.stream) ?? []), m.seq]);
    for (const seqs of byStream.values()) expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    // And the last correction won everywhere, with every call there once.
    for (const customer of customers) {
      expect(crm.store.getRecord('customer', customer.external_id)!.data!.notes).toBe('note 49');
    }
    expect(crm.store.count('interaction')).toBe(5000);
    const stats = proxy.stats();
    expect(stats.faults.dropResponse).toBeGreaterThan(0);
    expect(stats.faults.duplicate).toBeGreaterThan(0);
  }, 180_000);

  it('keeps a long shift’s wrap-ups while the CRM is unreachable, then drains the outbox', async () => {
    crm.store.seed({ customers: 20, seed: 5, history: false });
    proxy = await startFaultProxy({ upstream: new URL(crm.url).origin, seed: 1 });
    startEngine(`${proxy.url}/sync/v1`);
    await settled();
    proxy.cutAll();

    // A shift's worth of calls with their wrap-ups (the wrap-up form is to come: written here the
    // way it will write them, through the outbox, both in one transaction).
    const outbox = new OutboxWriter(db);
    const customers = db.prepare('SELECT id, external_id FROM customers').all() as {
      id: number;
      external_id: string;
    }[];
    for (let n = 0; n < 3000; n++) {
      const customer = customers[n % customers.length]!;
      db.transaction(() => {
        outbox.add({
          kind: 'interaction.create',
          recordId: `call:shift-${n}`,
          stream: customerStream(customer.external_id),
          customerId: customer.id,
          data: { customerId: customer.external_id, channel: 'call', direction: 'in', startedAt: Date.now() },
          createdAt: Date.now(),
        });
        outbox.add({
          kind: 'wrapup.create',
          recordId: `wrapup:shift-${n}`,
          stream: customerStream(customer.external_id),
          customerId: customer.id,
          data: { customerId: customer.external_id, interactionId: `call:shift-${n}`, summary: `Call ${n}` },
          createdAt: Date.now(),
        });
      })();
      engine!.nudge();
    }
    await waitFor(() => last()?.state === 'offline', { timeoutMs: 10_000 });
    expect(last()!.error!.code).toBe('unreachable');
    expect(store.waiting()).toBe(6000);

    proxy.restore();
    engine!.syncNow();
    await waitFor(() => store.waiting() === 0, { timeoutMs: 60_000, intervalMs: 100 });
    expect(crm.store.count('wrapup')).toBe(3000);
    expect(crm.store.count('interaction')).toBe(3000);
    await waitFor(() => last()?.state === 'idle', { timeoutMs: 10_000 });
    expect(last()!.pending).toBe(0);
  }, 120_000);
});

describe('conflicts', () => {
  it('catches a stale correction, shows both versions, and applies the agent’s choice', async () => {
    crm.store.seed({ customers: 5, seed: 9, history: false });
    startEngine(crm.url);
    await settled();
    const id = localId('CUST-0000001');
    const before = crm.store.getRecord('customer', 'CUST-0000001')!;

    // Someone edits the customer in the CRM; the agent, not yet seeing it, corrects the same field.
    await engine!.stop();
    engine = undefined;
    crm.store.patchRecord('customer', 'CUST-0000001', { notes: 'Changed in the CRM' });
    cache.update(id, { notes: 'Changed at the desk', company: 'Rossi SpA' }, 'IT', Date.now());
    startEngine(crm.url);
    await waitFor(() => (last()?.problems.length ?? 0) > 0, { timeoutMs: 10_000 });

    const problem = last()!.problems[0]!;
    expect(problem).toMatchObject({ type: 'conflict', kind: 'customer.update', customerId: id });
    expect(problem.fields).toContainEqual({
      field: 'notes',
      mine: 'Changed at the desk',
      theirs: 'Changed in the CRM',
    });
    // Nothing was overwritten in the CRM.
    const current = crm.store.getRecord('customer', 'CUST-0000001')!;
    expect(current.data!.notes).toBe('Changed in the CRM');
    expect(current.version).toBe(before.version + 1);

    engine!.decide(problem.mutationId, 'mine');
    await settled();
    const after = crm.store.getRecord('customer', 'CUST-0000001')!;
    expect(after.data).toMatchObject({ notes: 'Changed at the desk', company: 'Rossi SpA' });
    expect(after.version).toBe(before.version + 2);
    expect(local("SELECT version FROM customers WHERE external_id = 'CUST-0000001'")).toBe(after.version);
  });

  it('takes the CRM’s version when the agent chooses it, and the CRM keeps it', async () => {
    crm.store.seed({ customers: 5, seed: 9, history: false });
    startEngine(crm.url);
    await settled();
    await engine!.stop();
    engine = undefined;
    crm.store.patchRecord('customer', 'CUST-0000002', { notes: 'CRM wins' });
    cache.update(localId('CUST-0000002'), { notes: 'desk loses' }, 'IT', Date.now());
    startEngine(crm.url);
    await waitFor(() => (last()?.problems.length ?? 0) > 0, { timeoutMs: 10_000 });
    engine!.decide(last()!.problems[0]!.mutationId, 'theirs');
    await settled();
    expect(local("SELECT notes FROM customers WHERE external_id = 'CUST-0000002'")).toBe('CRM wins');
    expect(crm.store.getRecord('customer', 'CUST-0000002')!.data!.notes).toBe('CRM wins');
    expect(local("SELECT state FROM outbox WHERE kind = 'customer.update'")).toBe('dropped');
  });
});
