/**
 * The sync worker: the CRM sync runs in a worker thread with its own connection to the customer
 * cache, so that parsing and writing a first sync of a million customers never holds up the core's
 * event loop, where SIP runs. In the Electron build this file is its own entry,
 * out/main/sync-worker.js.
 */
import { parentPort, workerData } from 'node:worker_threads';
import pino from 'pino';
import type { SyncStatus } from '../contract/sync.js';
import { migrate, openDatabase } from '../storage/database.js';
import { CUSTOMER_MIGRATIONS } from '../storage/migrations/index.js';
import { SyncEngine } from './engine.js';
import { HttpSyncConnector } from './http-connector.js';
import { SyncLocalStore } from './local-store.js';

export const SYNC_WORKER_TAG = 'headset-softphone/sync-worker';

export interface SyncWorkerData {
  tag: typeof SYNC_WORKER_TAG;
  dbFile: string;
  url: string;
  /** Held in this thread's memory only, never written anywhere. */
  token: string;
  region: string;
  pullIntervalMs: number;
  pageSize?: number;
  backoff?: { baseMs: number; maxMs: number };
  timeoutMs?: number;
}

export type SyncWorkerRequest =
  | { type: 'nudge' }
  | { type: 'now' }
  | { type: 'region'; region: string }
  | { type: 'resolve'; id: number; mutationId: string; choice: 'mine' | 'theirs' }
  | { type: 'stop' };

export type SyncWorkerReply =
  | { type: 'status'; status: SyncStatus }
  | { type: 'customers' }
  | { type: 'outbound' }
  | { type: 'resolved'; id: number; ok: true }
  | { type: 'resolved'; id: number; ok: false; message: string }
  | { type: 'log'; line: string }
  | { type: 'stopped' };

const data = workerData as SyncWorkerData | undefined;
if (parentPort && data?.tag === SYNC_WORKER_TAG) {
  const port = parentPort;
  const send = (reply: SyncWorkerReply) => port.postMessage(reply);
  // Log lines go to the core's logger, which masks them and writes the log file.
  const logger = pino({ level: 'info' }, { write: (line: string) => send({ type: 'log', line }) });
  let region = data.region;
  let engine: SyncEngine | undefined;
  let db: ReturnType<typeof openDatabase> | undefined;
  try {
    // A writer that waits: the desk's own writes are short, an import's are not, and waiting here
    // costs the agent nothing.
    db = openDatabase(data.dbFile, { busyTimeoutMs: 10_000 });
    // The core has migrated it already when it runs us; a tool or a bench may not have.
    migrate(db, CUSTOMER_MIGRATIONS);
    const store = new SyncLocalStore(db, () => region);
    engine = new SyncEngine({
      store,
      connector: new HttpSyncConnector({ url: data.url, token: data.token, timeoutMs: data.timeoutMs }),
      logger,
      pullIntervalMs: data.pullIntervalMs,
      pageSize: data.pageSize,
      backoff: data.backoff,
      onStatus: (status) => send({ type: 'status', status }),
      onCustomersChanged: () => send({ type: 'customers' }),
      onOutboundChanged: () => send({ type: 'outbound' }),
    });
    engine.start();
  } catch (error) {
    const message = (error as Error).message;
    const code = (error as { code?: string }).code === 'insecure-url' ? 'insecure-url' : 'database';
    send({ type: 'status', status: { state: 'failing', pending: 0, problems: [], error: { code, message } } });
  }
  port.on('message', (request: SyncWorkerRequest) => {
    switch (request.type) {
      case 'nudge':
        engine?.nudge();
        break;
      case 'now':
        engine?.syncNow();
        break;
      case 'region':
        region = request.region;
        break;
      case 'resolve':
        try {
          if (!engine) throw new Error('The sync is not running.');
          engine.decide(request.mutationId, request.choice);
          send({ type: 'resolved', id: request.id, ok: true });
        } catch (error) {
          send({ type: 'resolved', id: request.id, ok: false, message: (error as Error).message });
        }
        break;
      case 'stop':
        void (engine?.stop() ?? Promise.resolve()).then(() => {
          db?.close();
          send({ type: 'stopped' });
          port.close();
        });
        break;
    }
  });
}
