/**
 * The search worker: a worker thread with its own read-only connection to the customer cache, so
 * that a search (an FTS5 query over a million customers can take a few hundred milliseconds for a
 * two-letter prefix) never holds up the core's event loop, where SIP runs. It lives as long as the
 * cache is open and answers one query at a time. In the Electron build this file is its own entry,
 * out/main/customer-search-worker.js.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { CustomerSummary } from '../contract/customers.js';
import { openDatabase } from '../storage/database.js';
import { CustomerRepository } from './repository.js';

export const SEARCH_WORKER_TAG = 'headset-softphone/customer-search-worker';

export type SearchRequest = { id: number; query: string; limit: number };
export type SearchReply =
  { id: number; ok: true; results: CustomerSummary[] } | { id: number; ok: false; error: string };

const data = workerData as { tag?: string; dbFile: string } | undefined;
if (parentPort && data?.tag === SEARCH_WORKER_TAG) {
  const port = parentPort;
  // The core's connection has migrated the file already; this one only reads.
  const db = openDatabase(data.dbFile);
  db.pragma('query_only = ON');
  const repo = new CustomerRepository(db);
  port.on('message', (request: SearchRequest) => {
    let reply: SearchReply;
    try {
      reply = { id: request.id, ok: true, results: repo.search(request.query, request.limit) };
    } catch (error) {
      reply = { id: request.id, ok: false, error: (error as Error).message };
    }
    port.postMessage(reply);
  });
  port.postMessage({ ready: true });
}
