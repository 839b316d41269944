import type { ImportProgress } from './csv-import.js';

/** What the bulk worker (bulk-worker.ts) and its parent (bulk.ts) say to each other. */

export type BulkJob =
  | {
      kind: 'import';
      dbFile: string;
      csvFile: string;
      region: string;
      strict?: boolean;
      listRejected?: number;
      progressEvery?: number;
    }
  | { kind: 'seed'; dbFile: string; count: number; seed: number; now?: number; progressEvery?: number }
  | { kind: 'seed-csv'; csvFile: string; count: number; seed: number; now?: number; progressEvery?: number };

/** What the worker gets: the job, and a flag the parent sets to 1 to cancel (read between rows). */
export interface BulkWorkerData {
  job: BulkJob;
  cancel: SharedArrayBuffer;
}

/** An error as it crosses to the parent thread, with what is needed to make it again there. */
export interface SerialisedError {
  name: string;
  message: string;
  code?: string;
  line?: number;
  file?: string;
  fileVersion?: number;
  knownVersion?: number;
}

export type BulkMessage =
  | { type: 'progress'; progress: ImportProgress }
  | { type: 'done'; result: unknown }
  | { type: 'error'; error: SerialisedError };

/** Marks a bulk worker's data, so that bulk-worker.ts does nothing when imported anywhere else. */
export const BULK_WORKER_TAG = 'headset-softphone/customer-bulk-worker';
