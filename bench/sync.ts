/**
 * The CRM sync at size (`BENCH_ONLY=sync`): the first sync of a large CRM from the reference server
 * (tools/crm) over loopback HTTP, end to end (the server's pages, JSON, the worker's writes into the
 * cache, search index included), and the delay of the core's event loop meanwhile. Beside it, in
 * the same run, the same sync on the main thread (the comparison: what the worker saves the event
 * loop, where SIP runs), stopped after BENCH_SYNC_MAIN_RECORDS. Meanwhile the desk saves a correction
 * every 250 ms, and the bench counts those that found the cache busy. Then incremental pulls of 1,000
 * changed customers: from "Sync now" to the cache having them.
 *
 *   BENCH_SYNC_CUSTOMERS      customers in the CRM (1,000,000; no cases or past contacts)
 *   BENCH_SYNC_MAIN_RECORDS   records the main-thread comparison pulls before it stops (100,000)
 *   BENCH_SYNC_INCREMENTS     incremental pulls of 1,000 changes (5)
 *
 * The CRM's database is seeded once and kept in the temp folder; each run works on a copy.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { SyncStatus } from '../src/contract/sync.js';
import { CustomerCache, CustomerChangeError } from '../src/customers/cache.js';
import { silentLogger } from '../src/log/logger.js';
import { migrate, openDatabase } from '../src/storage/database.js';
import { CUSTOMER_MIGRATIONS } from '../src/storage/migrations/index.js';
import { SyncClient } from '../src/sync/client.js';
import { SyncEngine } from '../src/sync/engine.js';
import { HttpSyncConnector } from '../src/sync/http-connector.js';
import { SyncLocalStore } from '../src/sync/local-store.js';
import { startCrmServer } from '../tools/crm/server.js';
import { CrmStore } from '../tools/crm/store.js';
import { ms, quantile } from './stats.js';

const BENCH_DIR = path.join(os.tmpdir(), 'headset-softphone-bench');
const TOKEN = 'bench-token-0123456789';

const count = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number of at least 1`);
  return value;
};
const n = (value: number) => Math.round(value).toLocaleString('en');

/** A CRM database with `customers` generated customers, made once and kept; returns a fresh copy. */
function crmCopy(customers: number, work: string): string {
  fs.mkdirSync(BENCH_DIR, { recursive: true });
  const kept = path.join(BENCH_DIR, `crm-${customers}-seed1.sqlite`);
  if (!fs.existsSync(kept)) {
    const partial = `${kept}.partial`;
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(partial + suffix, { force: true });
    process.stderr.write(`  seeding the bench CRM with ${n(customers)} customers (once)…\n`);
    const store = new CrmStore(partial);
    store.seed({ customers, seed: 1, history: false });
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    store.close();
    for (const suffix of ['-wal', '-shm']) fs.rmSync(partial + suffix, { force: true });
    fs.renameSync(partial, kept);
  }
  const copy = path.join(work, 'crm.sqlite');
  fs.copyFileSync(kept, copy);
  return copy;
}

function freshCache(file: string): void {
  const db = openDatabase(file);
  migrate(db, CUSTOMER_MIGRATIONS);
  db.close();
}

export async function runSyncBench(signal?: AbortSignal): Promise<void> {
  const customers = count('BENCH_SYNC_CUSTOMERS', 1_000_000);
  const mainRecords = count('BENCH_SYNC_MAIN_RECORDS', 100_000);
  const increments = count('BENCH_SYNC_INCREMENTS', 5);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-sync-'));
  const crm = await startCrmServer({ dbFile: crmCopy(customers, work), tokens: [TOKEN] });
  const total = crm.store.count();
  try {
    // 1. The app's way: the sync worker, as the core runs it.
    const cacheFile = path.join(work, 'customers.sqlite');
    freshCache(cacheFile);
    const loop = monitorEventLoopDelay({ resolution: 1 });
    let status: SyncStatus | undefined;
    let wake: (() => void) | undefined;
    const client = new SyncClient({
      dbFile: cacheFile,
      logger: silentLogger(),
      onStatus: (next) => {
        status = next;
        wake?.();
      },
      onCustomersChanged: () => {},
    });
    const until = (check: () => boolean) =>
      new Promise<void>((resolve, reject) => {
        const test = () => {
          if (signal?.aborted) return reject(signal.reason as Error);
          if (check()) return resolve();
          wake = test;
        };
        test();
      });
    // The agent meanwhile: a correction every 250 ms on the core's connection, as the desk saves one
    // (it waits at most 50 ms for the sync's lock, then answers "busy" and the form keeps the text).
    const desk = new CustomerCache(cacheFile, silentLogger());
    desk.open();
    const reader = openDatabase(cacheFile);
    const newest = reader.prepare('SELECT max(id) FROM customers').pluck();
    const edits = { saved: 0, busy: 0 };
    const editing = setInterval(() => {
      const id = newest.get() as number | null;
      if (!id) return;
      try {
        desk.update(id, { notes: `edited during the first sync ${edits.saved + edits.busy}` }, 'IT', Date.now());
        edits.saved += 1;
      } catch (error) {
        if (error instanceof CustomerChangeError && error.code === 'busy') edits.busy += 1;
        else throw error;
      }
    }, 250);
    const started = performance.now();
    loop.enable();
    await client.configure({ url: crm.url, token: TOKEN, region: 'IT', pullIntervalSeconds: 3600 });
    await until(() => status?.state === 'idle' && status.lastPullAt !== undefined);
    loop.disable();
    clearInterval(editing);
    reader.close();
    desk.close();
    const seconds = (performance.now() - started) / 1000;
    const worker = { seconds, perSecond: total / seconds, p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 };

    // 3. Incremental pulls: 1,000 customers changed in the CRM, then "Sync now".
    const changes: number[] = [];
    for (let round = 0; round < increments; round++) {
      const before = status?.lastPullAt ?? 0;
      crm.store.db.transaction(() => {
        for (let k = 0; k < 1000; k++) {
          const id = `CUST-${String(1 + ((round * 7919 + k * 104_729) % customers)).padStart(7, '0')}`;
          crm.store.patchRecord('customer', id, { notes: `bench round ${round}` });
        }
      })();
      const at = performance.now();
      client.syncNow();
      await until(() => status?.state === 'idle' && (status.lastPullAt ?? 0) > before);
      changes.push(performance.now() - at);
    }
    await client.close();

    // 2. The comparison: the same first sync on the main thread, stopped after `mainRecords`.
    const mainFile = path.join(work, 'customers-main.sqlite');
    freshCache(mainFile);
    const db = openDatabase(mainFile);
    const store = new SyncLocalStore(db, () => 'IT');
    const mainLoop = monitorEventLoopDelay({ resolution: 1 });
    let received = 0;
    let engine: SyncEngine | undefined;
    const mainStarted = performance.now();
    mainLoop.enable();
    await new Promise<void>((resolve) => {
      engine = new SyncEngine({
        store,
        connector: new HttpSyncConnector({ url: crm.url, token: TOKEN }),
        logger: silentLogger(),
        pullIntervalMs: 3600_000,
        onStatus: (next) => {
          received = next.firstSync?.received ?? received;
          if (received >= mainRecords || next.state === 'idle') resolve();
        },
      });
      engine.start();
    });
    mainLoop.disable();
    const mainSeconds = (performance.now() - mainStarted) / 1000;
    await engine!.stop();
    db.close();

    console.log(
      `\nCRM sync, reference CRM on loopback HTTP, ${n(customers)} customers (${n(total)} records with lines, ` +
        `dispositions, knowledge); load average ${os.loadavg()[0]!.toFixed(1)} on ${os.availableParallelism()} CPUs\n`,
    );
    console.table({
      'first sync in the sync worker (the app)': {
        records: n(total),
        seconds: worker.seconds.toFixed(1),
        'records/s': n(worker.perSecond),
        'event loop p99': ms(worker.p99),
        'event loop max': ms(worker.max),
      },
      'the same on the main thread (comparison)': {
        records: n(received),
        seconds: mainSeconds.toFixed(1),
        'records/s': n(received / mainSeconds),
        'event loop p99': ms(mainLoop.percentile(99) / 1e6),
        'event loop max': ms(mainLoop.max / 1e6),
      },
    });
    console.log(
      `event-loop delay p99 during the first sync: ${ms(worker.p99)} (target ≤ 20 ms: ` +
        `${worker.p99 <= 20 ? 'within' : 'over'}); the desk's corrections meanwhile (one every 250 ms): ` +
        `${n(edits.saved)} saved at once, ${n(edits.busy)} answered "busy"`,
    );
    console.log(`\nIncremental pull of 1,000 changed customers, "Sync now" → in the cache, ${increments} rounds\n`);
    console.table({
      'incremental pull': {
        median: ms(quantile(changes, 0.5)),
        p90: ms(quantile(changes, 0.9)),
        max: ms(Math.max(...changes)),
      },
    });
  } finally {
    await crm.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}
