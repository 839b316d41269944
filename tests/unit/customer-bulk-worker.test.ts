import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  BULK_WORKER_BUNDLE_FILE,
  importCustomersInWorker,
  locateBulkWorker,
  seedCustomersInWorker,
} from '../../src/customers/bulk.js';
import { CustomerImportError, type ImportProgress } from '../../src/customers/csv-import.js';
import { CustomerRepository } from '../../src/customers/repository.js';
import { DatabaseTooNewError, migrate, openDatabase, type Db } from '../../src/storage/database.js';
import { CUSTOMER_MIGRATIONS } from '../../src/storage/migrations/index.js';
import { tempDir } from '../support/tmp.js';

// Each test starts a worker, which loads the TypeScript sources through tsx: about half a second.
vi.setConfig({ testTimeout: 30_000 });

let dir: string;
let dbFile: string;
let cleanup: () => void;
/** The core's own connection, on this (the main) thread. */
let core: Db;
let repo: CustomerRepository;

beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  dbFile = path.join(dir, 'customers.sqlite');
  core = openDatabase(dbFile);
  migrate(core, CUSTOMER_MIGRATIONS);
  repo = new CustomerRepository(core);
  repo.upsertCustomer(
    { externalId: 'OLD', givenName: 'Olga', familyName: 'Old', phones: [{ number: '+390612345678' }], updatedAt: 1 },
    'IT',
  );
});
afterEach(() => {
  core.close();
  cleanup();
});

const HEADER = 'external_id,given_name,family_name,phones';
const row = (i: number) => `N${i},New,Customer${i},+39 347 ${String(1_000_000 + i)}`;
const rows = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => row(from + k)).join('\n') + '\n';
const count = () => core.prepare('SELECT count(*) FROM customers').pluck().get() as number;

async function rejection(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

describe('the bulk worker', () => {
  it('imports a CSV file end to end in a worker thread, with progress, while this thread stays free', async () => {
    const csvFile = path.join(dir, 'in.csv');
    fs.writeFileSync(csvFile, `${HEADER}\n${rows(0, 1500)}N-bad,Bad,Row,12\n`);
    const progress: ImportProgress[] = [];
    let ticks = 0;
    const timer = setInterval(() => (ticks += 1), 5);
    const report = await importCustomersInWorker({
      dbFile,
      csvFile,
      region: 'IT',
      progressEvery: 500,
      onProgress: (p) => progress.push(p),
    }).finally(() => clearInterval(timer));
    expect(report).toMatchObject({ rowsRead: 1501, imported: 1500, created: 1500, rejected: 1 });
    expect(report.rejectedRows).toEqual([{ line: 1502, externalId: 'N-bad', reason: '"12" is not a phone number' }]);
    expect(progress.map((p) => p.rowsRead)).toEqual([500, 1000, 1500, 1501]);
    expect(progress.at(-1)).toMatchObject({
      bytesRead: fs.statSync(csvFile).size,
      bytesTotal: fs.statSync(csvFile).size,
    });
    // Timers kept firing here while the worker parsed and wrote.
    expect(ticks).toBeGreaterThan(2);
    expect(count()).toBe(1501);
    expect(repo.lookupByNumber('347 100 1499', 'IT')).toMatchObject({
      kind: 'one',
      matches: [{ familyName: 'Customer1499' }],
    });
  });

  it('lets this thread read while the import runs, and shows the rows only once it commits', async () => {
    // A named pipe: the import reads half the file and then waits, its transaction open.
    const fifo = path.join(dir, 'in.fifo');
    execFileSync('mkfifo', [fifo]);
    let halfway!: () => void;
    const reachedHalfway = new Promise<void>((resolve) => (halfway = resolve));
    const job = importCustomersInWorker({
      dbFile,
      csvFile: fifo,
      region: 'IT',
      progressEvery: 500,
      onProgress: (p) => p.rowsRead >= 1000 && halfway(),
    });
    const pipe = fs.createWriteStream(fifo);
    pipe.write(`${HEADER}\n${rows(0, 1200)}`);
    await reachedHalfway;

    const started = performance.now();
    expect(repo.lookupByNumber('06 1234 5678', 'IT')).toMatchObject({ kind: 'one', matches: [{ familyName: 'Old' }] });
    expect(repo.lookupByNumber('347 100 0001', 'IT')).toMatchObject({ kind: 'none' });
    expect(repo.search('customer1')).toEqual([]);
    expect(count()).toBe(1);
    // Readers never wait for the writer in WAL mode.
    expect(performance.now() - started).toBeLessThan(250);
    expect(core.prepare('SELECT count(*) FROM customers').pluck().get()).toBe(1);

    pipe.end(rows(1200, 2000));
    const report = await job;
    expect(report).toMatchObject({ imported: 2000, rejected: 0 });
    expect(count()).toBe(2001);
    expect(repo.lookupByNumber('347 100 0001', 'IT')).toMatchObject({ kind: 'one' });
  });

  it('cancelled: rolls back, says so, and the cache is as it was', async () => {
    const fifo = path.join(dir, 'in.fifo');
    execFileSync('mkfifo', [fifo]);
    const controller = new AbortController();
    const job = importCustomersInWorker({
      dbFile,
      csvFile: fifo,
      region: 'IT',
      progressEvery: 100,
      signal: controller.signal,
      onProgress: (p) => p.rowsRead >= 400 && controller.abort(),
    });
    const pipe = fs.createWriteStream(fifo);
    pipe.on('error', () => undefined); // the worker closes its end when it stops
    // It aborts at row 400; the worker reads on to the last row it has (the parser keeps the very
    // last until more comes), then waits for more that never comes, and stops all the same.
    pipe.write(`${HEADER}\n${rows(0, 500)}`);
    const error = await rejection(job).finally(() => pipe.destroy());
    expect(error).toBeInstanceOf(CustomerImportError);
    expect(error).toMatchObject({ code: 'cancelled', message: 'The import was cancelled. Nothing was imported.' });
    expect(count()).toBe(1);
    expect(core.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('refuses a cache written by a newer app, with the plain message, from the worker', async () => {
    core.pragma('user_version = 99');
    const csvFile = path.join(dir, 'in.csv');
    fs.writeFileSync(csvFile, `${HEADER}\n${rows(0, 2)}`);
    const error = await rejection(importCustomersInWorker({ dbFile, csvFile, region: 'IT' }));
    expect(error).toBeInstanceOf(DatabaseTooNewError);
    expect(error.message).toContain(
      `has schema version 99, but this version of the app knows versions up to ${CUSTOMER_MIGRATIONS.length}`,
    );
  });

  it('reports a header that does not fit as the import error it is', async () => {
    const csvFile = path.join(dir, 'in.csv');
    fs.writeFileSync(csvFile, 'id,name\n1,x\n');
    const error = await rejection(importCustomersInWorker({ dbFile, csvFile, region: 'IT' }));
    expect(error).toMatchObject({ code: 'header', line: 1 });
    expect(count()).toBe(1);
  });

  it('seeds in a worker, and an aborted seed writes nothing', async () => {
    const report = await seedCustomersInWorker({ dbFile, count: 500, seed: 3 });
    expect(report).toMatchObject({ customers: 500, created: 500 });
    expect(count()).toBe(501);

    const controller = new AbortController();
    const error = await rejection(
      seedCustomersInWorker({
        dbFile,
        count: 1_000_000,
        seed: 4,
        progressEvery: 1000,
        signal: controller.signal,
        onProgress: () => controller.abort(),
      }),
    );
    expect(error).toMatchObject({ code: 'cancelled', message: 'The seed was cancelled. Nothing was written.' });
    expect(count()).toBe(501);
  });
});

describe('finding the worker', () => {
  it('runs the TypeScript source from the sources (tsx, vitest)', () => {
    expect(locateBulkWorker()).toEqual({
      url: expect.objectContaining({ pathname: expect.stringMatching(/src\/customers\/bulk-worker\.ts$/) }),
      typescript: true,
    });
  });

  it('in a bundle, finds the worker entry beside it or one folder up from a chunk', () => {
    const out = path.join(dir, 'out', 'main');
    fs.mkdirSync(path.join(out, 'chunks'), { recursive: true });
    fs.writeFileSync(path.join(out, BULK_WORKER_BUNDLE_FILE), '');
    const worker = pathToFileURL(path.join(out, BULK_WORKER_BUNDLE_FILE)).href;
    expect(locateBulkWorker(pathToFileURL(path.join(out, 'index.js')).href)).toEqual({
      url: new URL(worker),
      typescript: false,
    });
    expect(locateBulkWorker(pathToFileURL(path.join(out, 'chunks', 'bulk-x1.js')).href).url.href).toBe(worker);
    const missing = () => locateBulkWorker(pathToFileURL(path.join(dir, 'elsewhere', 'index.js')).href);
    expect(missing).toThrow(CustomerImportError);
    expect(missing).toThrow(/customer-bulk-worker\.js is not beside/);
  });
});
