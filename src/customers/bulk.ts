import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { DatabaseTooNewError } from '../storage/database.js';
import {
  BULK_WORKER_TAG,
  type BulkJob,
  type BulkMessage,
  type BulkWorkerData,
  type SerialisedError,
} from './bulk-protocol.js';
import { CustomerImportError, type ImportErrorCode, type ImportProgress, type ImportReport } from './csv-import.js';
import type { SeedReport } from './seed.js';

/**
 * The core's way to bulk work on the customer cache: each job runs in a worker thread with its
 * own database connection (bulk-worker.ts), so that the core's event loop, where SIP runs, only
 * ever receives a progress message now and then. The core's own connection keeps reading (a
 * lookup while a call rings) throughout: in WAL mode readers never wait for the writer, and see
 * the import's rows only once it commits.
 *
 * While a job's transaction is open, the cache's write lock is the worker's: a write from the
 * core (a call's record) waits up to its busy timeout (5 s), then fails with SQLITE_BUSY.
 */

/** The worker's file name in the Electron build: an entry of its own beside out/main/index.js. */
export const BULK_WORKER_BUNDLE_FILE = 'customer-bulk-worker.js';

/** Where the worker's code is, and whether it is TypeScript to be loaded through tsx. */
export interface BulkWorkerEntry {
  url: URL;
  typescript: boolean;
}

/**
 * Finds the worker's entry for the way this module runs:
 * - from the TypeScript source (tsx: the web host and the CLIs; vitest): bulk-worker.ts beside
 *   this file, which the worker loads after registering tsx's loader in itself (tsx's loader does
 *   not reach worker threads by itself);
 * - bundled by electron-vite: out/main/customer-bulk-worker.js, an extra entry of the main build
 *   (electron.vite.config.ts), beside the bundle or one folder up when this code sits in a chunk;
 * - compiled file by file: bulk-worker.js beside this file.
 */
export function locateBulkWorker(from: string = import.meta.url): BulkWorkerEntry {
  return locateWorker('bulk-worker', BULK_WORKER_BUNDLE_FILE, from, 'Nothing was imported.');
}

/** The same for any worker of src/customers: `source` is its file name without extension. */
export function locateWorker(
  source: string,
  bundleFile: string,
  from: string = import.meta.url,
  consequence = '',
): BulkWorkerEntry {
  if (/\.[cm]?ts$/.test(new URL(from).pathname)) return { url: new URL(`./${source}.ts`, from), typescript: true };
  const candidates = [`./${bundleFile}`, `../${bundleFile}`, `./${source}.js`];
  for (const candidate of candidates) {
    const url = new URL(candidate, from);
    if (fs.existsSync(url)) return { url, typescript: false };
  }
  throw new CustomerImportError(
    'worker',
    `The customer worker ${bundleFile} is not beside ${fileURLToPath(from)}: the build ` +
      `must emit it as an entry of its own (see electron.vite.config.ts). ${consequence}`.trim(),
  );
}

/**
 * Loads a TypeScript worker through tsx's API. The parent's tsx loader (when there is one) is not
 * inherited by worker threads, and vitest's transform never is. Registered for the whole worker
 * (it is ours alone): twice as fast to start as `tsImport`'s namespace, about half a second.
 */
const TYPESCRIPT_BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
const { entry, tsxApi } = workerData.bootstrap;
import(tsxApi).then((api) => {
  api.register();
  return import(entry);
});
`;

/** Starts a worker of src/customers, through tsx when it is TypeScript. */
export function startWorker(entry: BulkWorkerEntry, data: object): Worker {
  if (!entry.typescript) return new Worker(entry.url, { workerData: data });
  // tsx is a development dependency: only the TypeScript sources need it, never the build.
  const tsxApi = import.meta.resolve('tsx/esm/api');
  return new Worker(TYPESCRIPT_BOOTSTRAP, {
    eval: true,
    workerData: { ...data, bootstrap: { tsxApi, entry: entry.url.href } },
  });
}

export interface BulkJobOptions {
  /** Called with the rows done so far, every `progressEvery` rows. Runs on the caller's thread. */
  onProgress?: (progress: ImportProgress) => void;
  /**
   * Cancels the job: it stops at the next row and rolls back, and the promise rejects with a
   * CustomerImportError of code `cancelled`. A job that had already committed resolves as usual.
   */
  signal?: AbortSignal;
  /** Where the worker is, when the host knows better than `locateBulkWorker` (e.g. `?modulePath`). */
  workerEntry?: BulkWorkerEntry;
  progressEvery?: number;
}

export interface ImportInWorkerOptions extends BulkJobOptions {
  /** The cache's file (`path.join(dataDir, CUSTOMER_DB_FILE)`); created and migrated if needed. */
  dbFile: string;
  csvFile: string;
  /** Region for numbers without a country code (the setting `phone.defaultRegion`). */
  region: string;
  /** Any rejected row fails the whole import. */
  strict?: boolean;
  /** How many rejected rows the report lists. Default 100. */
  listRejected?: number;
}

/**
 * Imports a customer CSV file (docs/customer-import.md) into the cache in a worker thread, all in
 * one transaction. Resolves with the report (rows read, imported, rejected with lines and
 * reasons); rejects with a CustomerImportError (or DatabaseTooNewError) when nothing was imported.
 */
export function importCustomersInWorker(options: ImportInWorkerOptions): Promise<ImportReport> {
  return runBulkJob<ImportReport>(
    {
      kind: 'import',
      dbFile: options.dbFile,
      csvFile: options.csvFile,
      region: options.region,
      strict: options.strict,
      listRejected: options.listRejected,
      progressEvery: options.progressEvery,
    },
    options,
  );
}

export interface SeedInWorkerOptions extends BulkJobOptions {
  dbFile: string;
  count: number;
  seed: number;
  /** The "today" of the generated data. Default 2026-01-01. */
  now?: number;
}

/** Writes `count` synthetic customers (generator.ts) into the cache in a worker, in one transaction. */
export function seedCustomersInWorker(options: SeedInWorkerOptions): Promise<SeedReport> {
  const { dbFile, count, seed, now, progressEvery } = options;
  return runBulkJob<SeedReport>({ kind: 'seed', dbFile, count, seed, now, progressEvery }, options);
}

/** Writes `count` synthetic customers as a CSV file in the import format, in a worker. */
export function writeCustomersCsvInWorker(
  options: BulkJobOptions & { csvFile: string; count: number; seed: number; now?: number },
): Promise<{ customers: number }> {
  const { csvFile, count, seed, now, progressEvery } = options;
  return runBulkJob<{ customers: number }>({ kind: 'seed-csv', csvFile, count, seed, now, progressEvery }, options);
}

const IMPORT_ERROR_CODES = new Set<string>([
  'not-found',
  'unreadable',
  'empty',
  'header',
  'csv-syntax',
  'rejected-rows',
  'cancelled',
  'database',
  'worker',
] satisfies ImportErrorCode[]);

function revive(error: SerialisedError): Error {
  if (error.code === 'database-too-new' && error.file !== undefined) {
    return new DatabaseTooNewError(error.file, error.fileVersion ?? 0, error.knownVersion ?? 0);
  }
  if (error.code !== undefined && IMPORT_ERROR_CODES.has(error.code)) {
    return new CustomerImportError(error.code as ImportErrorCode, error.message, error.line);
  }
  return new CustomerImportError('worker', `The customer bulk worker failed: ${error.message}`);
}

function runBulkJob<T>(job: BulkJob, options: BulkJobOptions): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const nothing = job.kind === 'import' ? 'Nothing was imported.' : 'Nothing was written.';
    if (options.signal?.aborted) {
      reject(new CustomerImportError('cancelled', `Cancelled before it started. ${nothing}`));
      return;
    }
    let worker: Worker;
    const cancel = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
    try {
      worker = startWorker(options.workerEntry ?? locateBulkWorker(), {
        tag: BULK_WORKER_TAG,
        job,
        cancel,
      } satisfies BulkWorkerData & { tag: string });
    } catch (error) {
      reject(error);
      return;
    }
    let settled = false;
    const onAbort = () => Atomics.store(new Int32Array(cancel), 0, 1);
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      outcome();
      // The worker closed its connection before answering; nothing of it is needed any more.
      void worker.terminate();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (message: BulkMessage) => {
      if (message.type === 'progress') options.onProgress?.(message.progress);
      else if (message.type === 'done') settle(() => resolve(message.result as T));
      else settle(() => reject(revive(message.error)));
    });
    worker.on('error', (error) =>
      settle(() =>
        reject(new CustomerImportError('worker', `The customer bulk worker failed: ${error.message}. ${nothing}`)),
      ),
    );
    worker.on('exit', (code) =>
      settle(() =>
        reject(new CustomerImportError('worker', `The customer bulk worker stopped (exit code ${code}). ${nothing}`)),
      ),
    );
  });
}
