import type { Worker } from 'node:worker_threads';
import type { CustomerSummary } from '../contract/customers.js';
import type { Logger } from '../log/logger.js';
import { locateWorker, startWorker } from './bulk.js';
import { SEARCH_WORKER_TAG, type SearchReply, type SearchRequest } from './search-worker.js';

/** The search worker's file name in the Electron build: an entry of its own beside out/main/index.js. */
export const SEARCH_WORKER_BUNDLE_FILE = 'customer-search-worker.js';

/** A search that took longer than this is given up (the worker is restarted for the next one). */
const SEARCH_TIMEOUT_MS = 10_000;

/** The search could not be done (the worker failed or took too long); nothing else is affected. */
export class CustomerSearchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CustomerSearchError';
  }
}

/**
 * Customer search off the core's event loop: queries go to a worker thread with its own read-only
 * connection (search-worker.ts), started on first use and started again after a failure.
 */
export class CustomerSearch {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (results: CustomerSummary[]) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }
  >();

  constructor(
    private readonly dbFile: string,
    private readonly logger: Logger,
  ) {}

  search(query: string, limit: number): Promise<CustomerSummary[]> {
    let worker: Worker;
    try {
      worker = this.worker ?? this.start();
    } catch (error) {
      return Promise.reject(
        new CustomerSearchError(`The customer search could not start: ${(error as Error).message}`),
      );
    }
    const id = this.nextId++;
    return new Promise<CustomerSummary[]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(new CustomerSearchError('The customer search took too long and was stopped.'));
      }, SEARCH_TIMEOUT_MS);
      this.pending.set(id, { resolve, reject, timer });
      worker.postMessage({ id, query, limit } satisfies SearchRequest);
    });
  }

  close(): void {
    const worker = this.worker;
    this.worker = undefined;
    this.rejectAll(new CustomerSearchError('The customer list was closed.'));
    void worker?.terminate();
  }

  private start(): Worker {
    const worker = startWorker(locateWorker('search-worker', SEARCH_WORKER_BUNDLE_FILE, import.meta.url), {
      tag: SEARCH_WORKER_TAG,
      dbFile: this.dbFile,
    });
    // The core may exit while the worker waits for queries.
    worker.unref();
    worker.on('message', (reply: SearchReply | { ready: true }) => {
      if (!('id' in reply)) return;
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      clearTimeout(waiting.timer);
      if (reply.ok) waiting.resolve(reply.results);
      else waiting.reject(new CustomerSearchError(`The customer search failed: ${reply.error}`));
    });
    worker.on('error', (error) => {
      if (this.worker === worker) this.fail(new CustomerSearchError(`The customer search failed: ${error.message}`));
    });
    worker.on('exit', (code) => {
      if (this.worker === worker)
        this.fail(new CustomerSearchError(`The customer search stopped (exit code ${code}).`));
    });
    this.worker = worker;
    return worker;
  }

  /** The worker is no good any more: answer everyone waiting, and start afresh on the next search. */
  private fail(error: Error): void {
    this.logger.error({ err: error }, 'customer search worker failed');
    const worker = this.worker;
    this.worker = undefined;
    this.rejectAll(error);
    void worker?.terminate();
  }

  private rejectAll(error: Error): void {
    for (const [id, waiting] of this.pending) {
      this.pending.delete(id);
      clearTimeout(waiting.timer);
      waiting.reject(error);
    }
  }
}
