/**
 * The bulk worker: a worker thread with its own connection to the customer cache, for the work
 * that must never run on the core's event loop (where SIP runs): a CSV import, the seed. Started
 * by `importCustomersInWorker` / `seedCustomersInWorker` (bulk.ts); it does one job and ends.
 * In the Electron build this file is its own entry, out/main/customer-bulk-worker.js.
 */
import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { CUSTOMER_MIGRATIONS } from '../storage/migrations/index.js';
import { DatabaseTooNewError, migrate, openDatabase, type Db } from '../storage/database.js';
import { CustomerImportError, importCustomersCsv } from './csv-import.js';
import { seedCustomers, writeCustomersCsv } from './seed.js';
import {
  BULK_WORKER_TAG,
  type BulkJob,
  type BulkMessage,
  type BulkWorkerData,
  type SerialisedError,
} from './bulk-protocol.js';

function serialise(error: unknown): SerialisedError {
  if (error instanceof DatabaseTooNewError) {
    return {
      name: error.name,
      message: error.message,
      code: error.code,
      file: error.file,
      fileVersion: error.fileVersion,
      knownVersion: error.knownVersion,
    };
  }
  if (error instanceof CustomerImportError) {
    return { name: error.name, message: error.message, code: error.code, line: error.line };
  }
  const e = error instanceof Error ? error : new Error(String(error));
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('SQLITE_')) {
    return { name: e.name, code: 'database', message: `Writing to the customer cache failed: ${e.message}.` };
  }
  return { name: e.name, message: e.message, code: typeof code === 'string' ? code : undefined };
}

/** Opens the cache for bulk work: migrated like the core's, with a bigger page cache. */
function openForBulk(file: string): Db {
  const db = openDatabase(file, { busyTimeoutMs: 10_000 });
  try {
    migrate(db, CUSTOMER_MIGRATIONS);
    // 256 MB of page cache: a million-row transaction then spills little to the WAL before its commit.
    db.pragma('cache_size = -262144');
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/** After a big commit: fold the WAL back into the file and shrink it, without making readers wait. */
function checkpoint(db: Db): void {
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
  } catch {
    // A reader or writer kept it busy: SQLite checkpoints on its own later.
  }
}

async function run(job: BulkJob, cancel: Int32Array): Promise<unknown> {
  const cancelled = () => Atomics.load(cancel, 0) !== 0;
  const post = (message: BulkMessage) => parentPort?.postMessage(message);
  const seedProgress = (rows: number) =>
    post({ type: 'progress', progress: { rowsRead: rows, imported: rows, rejected: 0, bytesRead: 0 } });
  switch (job.kind) {
    case 'import': {
      const db = openForBulk(job.dbFile);
      try {
        const report = await importCustomersCsv(db, job.csvFile, {
          region: job.region,
          strict: job.strict,
          listRejected: job.listRejected,
          progressEvery: job.progressEvery,
          cancelled,
          onProgress: (progress) => post({ type: 'progress', progress }),
        });
        checkpoint(db);
        return report;
      } finally {
        db.close();
      }
    }
    case 'seed': {
      const db = openForBulk(job.dbFile);
      try {
        const report = seedCustomers(db, { ...job, cancelled, onProgress: seedProgress });
        checkpoint(db);
        return report;
      } finally {
        db.close();
      }
    }
    case 'seed-csv':
      return { customers: writeCustomersCsv(job.csvFile, { ...job, cancelled, onProgress: seedProgress }) };
  }
}

const data = workerData as (BulkWorkerData & { tag?: string }) | undefined;
if (parentPort && data?.tag === BULK_WORKER_TAG) {
  const port = parentPort;
  // On a two-core desk an import must not take CPU from the core's thread (SIP, the screen-pop).
  // On Linux the nice value belongs to the thread, and setpriority(0) names the calling thread;
  // elsewhere it would slow the whole app down, so it is left alone there.
  if (process.platform === 'linux') {
    try {
      os.setPriority(10);
    } catch {
      // Not allowed here: the import runs at the usual priority.
    }
  }
  run(data.job, new Int32Array(data.cancel)).then(
    (result) => port.postMessage({ type: 'done', result } satisfies BulkMessage),
    (error: unknown) => port.postMessage({ type: 'error', error: serialise(error) } satisfies BulkMessage),
  );
}
