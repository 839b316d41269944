/**
 * The customer cache at size: lookup by number, search, and the core's event loop while a large
 * import runs, each beside a comparison run in the same process:
 *   - lookup: the desk's lookup (every form a PBX may send, the chooser's order, the summary) beside
 *     the bare index seek on `phones(e164)`: the floor;
 *   - search: FTS5 beside a plain LIKE scan of the same table (what search would cost without the
 *     index; a few queries only, it is slow);
 *   - import: the event-loop delay of a process that keeps looking callers up while the bulk worker
 *     imports a CSV, beside the same import run on the main thread (a smaller file: it blocks).
 *
 * The large cache is generated once (src/customers/generator.ts) and kept in the temp folder for the
 * next runs, keyed on its size, seed and schema.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { seedCustomersInWorker, importCustomersInWorker, writeCustomersCsvInWorker } from '../src/customers/bulk.js';
import { importCustomersCsv } from '../src/customers/csv-import.js';
import { normaliseNumber } from '../src/customers/numbers.js';
import { CustomerRepository } from '../src/customers/repository.js';
import { migrate, openDatabase, type Db } from '../src/storage/database.js';
import { CUSTOMER_MIGRATIONS } from '../src/storage/migrations/index.js';

const BENCH_DIR = path.join(os.tmpdir(), 'headset-softphone-bench');

export interface Sampled {
  values: number[];
}

/** A cache of `count` synthetic customers, generated on first use and kept for the next runs. */
export async function largeCache(count: number, seed: number): Promise<{ file: string; seededInMs?: number }> {
  fs.mkdirSync(BENCH_DIR, { recursive: true });
  const file = path.join(BENCH_DIR, `customers-${count}-seed${seed}-v${CUSTOMER_MIGRATIONS.length}.sqlite`);
  if (fs.existsSync(file)) return { file };
  const partial = `${file}.partial`;
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(partial + suffix, { force: true });
  const started = performance.now();
  let shown = 0;
  await seedCustomersInWorker({
    dbFile: partial,
    count,
    seed,
    progressEvery: 50_000,
    onProgress: (progress) => {
      if (progress.rowsRead - shown >= 100_000) {
        shown = progress.rowsRead;
        process.stderr.write(`  seeding the bench cache: ${progress.rowsRead.toLocaleString('en')} customers\n`);
      }
    },
  });
  const seededInMs = performance.now() - started;
  // Fold the WAL in, so that the file stands alone and can be moved into place.
  const db = openDatabase(partial);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  for (const suffix of ['-wal', '-shm']) fs.rmSync(partial + suffix, { force: true });
  fs.renameSync(partial, file);
  return { file, seededInMs };
}

/** A deterministic sample of `n` rows (by rowid, spread over the table). */
function sampleRows<T>(db: Db, sql: string, n: number, seed: number): T[] {
  const max = db.prepare('SELECT max(id) FROM customers').pluck().get() as number;
  const statement = db.prepare(sql);
  const rows: T[] = [];
  let x = seed >>> 0 || 1;
  for (let i = 0; rows.length < n && i < n * 20; i++) {
    // xorshift32: the same sample every run.
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const row = statement.get(((x >>> 0) % max) + 1) as T | undefined;
    if (row) rows.push(row);
  }
  return rows;
}

function time(work: () => void): number {
  const started = performance.now();
  work();
  return performance.now() - started;
}

/** The forms a PBX sends a number in, for an E.164 one (see src/customers/numbers.ts). */
function pbxForms(e164: string, index: number): string {
  switch (index % 4) {
    case 0:
      return e164;
    case 1:
      return e164.slice(1); // no "+"
    case 2:
      return `00${e164.slice(1)}`; // international prefix
    default:
      return `sip:${e164}@pbx.test`;
  }
}

export interface LookupFigures {
  desk: number[];
  bareSeek: number[];
  unknown: number[];
  found: number;
}

export function benchLookup(file: string, rounds: number): LookupFigures {
  const db = openDatabase(file);
  try {
    migrate(db, CUSTOMER_MIGRATIONS);
    const repo = new CustomerRepository(db);
    const numbers = sampleRows<{ e164: string }>(db, 'SELECT e164 FROM phones WHERE customer_id = ?', rounds, 7).map(
      (row) => row.e164,
    );
    const bare = db.prepare('SELECT customer_id FROM phones WHERE e164 = ?');
    const figures: LookupFigures = { desk: [], bareSeek: [], unknown: [], found: 0 };
    // Warm the page cache the same way for both.
    for (const number of numbers.slice(0, 50)) repo.lookupByNumber(number, 'IT');
    numbers.forEach((number, index) => {
      const form = pbxForms(number, index);
      let kind = '';
      figures.desk.push(time(() => (kind = repo.lookupByNumber(form, 'IT').kind)));
      if (kind === 'one' || kind === 'many') figures.found++;
      figures.bareSeek.push(time(() => bare.all(number)));
    });
    // Numbers nobody has: every candidate form is tried before "not in the list".
    for (let i = 0; i < numbers.length; i++) {
      const unknown = normaliseNumber(`+39 0${String(1000000 + i * 7919).slice(0, 7)}9`, 'IT') ?? '+390612345678';
      figures.unknown.push(time(() => repo.lookupByNumber(unknown.slice(1), 'IT')));
    }
    return figures;
  } finally {
    db.close();
  }
}

export interface SearchFigures {
  fts: number[];
  likeScan: number[];
  queries: number;
  emptyResults: number;
}

export function benchSearch(file: string, rounds: number): SearchFigures {
  const db = openDatabase(file);
  try {
    const repo = new CustomerRepository(db);
    type Row = { family_name: string | null; given_name: string | null; company: string | null; emails: string };
    const rows = sampleRows<Row>(
      db,
      'SELECT family_name, given_name, company, emails FROM customers WHERE id = ?',
      rounds,
      11,
    );
    // What agents type: a surname's first letters, a full name, a company word, the start of an
    // e-mail address, a name without its accents, a run of a number's digits.
    const queries = rows.map((row, index) => {
      const family = row.family_name ?? row.company ?? 'rossi';
      switch (index % 6) {
        case 0:
          return family.slice(0, 3);
        case 1:
          return `${row.given_name ?? ''} ${family}`.trim();
        case 2:
          return (row.company ?? family).split(' ')[0]!;
        case 3:
          return ((JSON.parse(row.emails) as string[])[0] ?? family).split('@')[0]!.slice(0, 6);
        case 4:
          return family.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
        default:
          return String(340 + (index % 60)) + String(index % 1000).padStart(3, '0');
      }
    });
    const like = db.prepare(
      `SELECT id FROM customers WHERE family_name LIKE @q OR given_name LIKE @q OR company LIKE @q OR emails LIKE @q LIMIT 20`,
    );
    const figures: SearchFigures = { fts: [], likeScan: [], queries: queries.length, emptyResults: 0 };
    for (const query of queries.slice(0, 20)) repo.search(query, 20);
    for (const query of queries) {
      let found = 0;
      figures.fts.push(time(() => (found = repo.search(query, 20).length)));
      if (found === 0) figures.emptyResults++;
    }
    // The scan is what FTS saves; a handful shows it (each reads the whole table).
    for (const query of queries.slice(0, 5)) figures.likeScan.push(time(() => like.all({ q: `%${query}%` })));
    return figures;
  } finally {
    db.close();
  }
}

/** A CSV of `count` synthetic customers in the import format, kept for the next runs. */
export async function largeCsv(count: number, seed: number): Promise<string> {
  fs.mkdirSync(BENCH_DIR, { recursive: true });
  const file = path.join(BENCH_DIR, `customers-${count}-seed${seed}.csv`);
  if (fs.existsSync(file)) return file;
  await writeCustomersCsvInWorker({ csvFile: `${file}.partial`, count, seed });
  fs.renameSync(`${file}.partial`, file);
  return file;
}

export interface ImportLoopFigures {
  rows: number;
  importMs: number;
  /** Event-loop delay samples' p99 and max, ms. */
  loopP99: number;
  loopMax: number;
  lookups: number[];
}

/**
 * Imports `csvFile` into a fresh cache — in the bulk worker, or on this thread — while this
 * thread looks a caller up every 20 ms on its own connection, as the core does when a call rings.
 */
export async function benchImportLoop(csvFile: string, where: 'worker' | 'main thread'): Promise<ImportLoopFigures> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'softphone-bench-import-'));
  const dbFile = path.join(dir, 'customers.sqlite');
  const core = openDatabase(dbFile);
  migrate(core, CUSTOMER_MIGRATIONS);
  const repo = new CustomerRepository(core);
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  const lookups: number[] = [];
  const ticker = setInterval(() => lookups.push(time(() => repo.lookupByNumber('+393471234567', 'IT'))), 20);
  try {
    histogram.enable();
    const started = performance.now();
    let rows = 0;
    if (where === 'worker') {
      rows = (await importCustomersInWorker({ dbFile, csvFile, region: 'IT' })).imported;
    } else {
      const db = openDatabase(dbFile, { busyTimeoutMs: 10_000 });
      try {
        rows = (await importCustomersCsv(db, csvFile, { region: 'IT' })).imported;
      } finally {
        db.close();
      }
    }
    const importMs = performance.now() - started;
    histogram.disable();
    return {
      rows,
      importMs,
      loopP99: histogram.percentile(99) / 1e6,
      loopMax: histogram.max / 1e6,
      lookups,
    };
  } finally {
    clearInterval(ticker);
    core.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
