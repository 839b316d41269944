import type { Worker } from 'node:worker_threads';
import { SYNC_OFF, type SyncStatus } from '../contract/sync.js';
import { locateWorker, startWorker } from '../customers/bulk.js';
import type { Logger } from '../log/logger.js';
import { SyncError } from './connector.js';
import { syncBaseUrl } from './http-connector.js';
import { SYNC_WORKER_TAG, type SyncWorkerData, type SyncWorkerReply, type SyncWorkerRequest } from './sync-worker.js';

/** The sync worker's file name in the Electron build: an entry of its own beside out/main/index.js. */
export const SYNC_WORKER_BUNDLE_FILE = 'sync-worker.js';

/** After the worker died (a defect), it is started again after this long. */
const RESTART_AFTER_MS = 5000;

export interface SyncConfig {
  url: string;
  token: string | undefined;
  region: string;
  pullIntervalSeconds: number;
}

export interface SyncClientOptions {
  dbFile: string;
  logger: Logger;
  onStatus: (status: SyncStatus) => void;
  onCustomersChanged: () => void;
  onOutboundChanged?: () => void;
  /** Faster retries and smaller pages for tests. */
  tuning?: Pick<SyncWorkerData, 'pageSize' | 'backoff' | 'timeoutMs'>;
}

/**
 * The core's side of the CRM sync: runs the sync worker for the configured CRM (and stops it when
 * there is none), relays its status, and passes on the desk's nudges and the agent's decisions.
 */
export class SyncClient {
  private worker: Worker | undefined;
  private workerKey: string | undefined;
  private config: SyncConfig | undefined;
  private current: SyncStatus = SYNC_OFF;
  private nextId = 1;
  private readonly decisions = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  private restartTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: SyncClientOptions) {}

  status(): SyncStatus {
    return this.current;
  }

  /** Applies the settings: starts, restarts or stops the worker as they require. */
  async configure(config: SyncConfig): Promise<void> {
    this.config = config;
    if (!config.url) {
      await this.stopWorker();
      return this.setStatus(SYNC_OFF);
    }
    let server: string;
    try {
      server = syncBaseUrl(config.url).host;
    } catch (error) {
      await this.stopWorker();
      const message = error instanceof SyncError ? error.message : String(error);
      return this.setStatus({ ...SYNC_OFF, state: 'failing', error: { code: 'insecure-url', message } });
    }
    if (!config.token) {
      await this.stopWorker();
      return this.setStatus({
        ...SYNC_OFF,
        state: 'failing',
        server,
        error: { code: 'no-token', message: `Enter the CRM token for ${server} in Settings to start the sync.` },
      });
    }
    const key = JSON.stringify([config.url, config.token, config.pullIntervalSeconds]);
    if (this.worker && key === this.workerKey) {
      this.post({ type: 'region', region: config.region });
      return;
    }
    await this.stopWorker();
    this.startWorker(config, key);
  }

  /** The desk wrote a change: push it soon. */
  nudge(): void {
    this.post({ type: 'nudge' });
  }

  syncNow(): boolean {
    if (!this.worker) return false;
    this.post({ type: 'now' });
    return true;
  }

  resolve(mutationId: string, choice: 'mine' | 'theirs'): Promise<void> {
    const worker = this.worker;
    if (!worker) return Promise.reject(new Error('The sync is not running: set up the CRM in Settings first.'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.decisions.set(id, { resolve, reject });
      this.post({ type: 'resolve', id, mutationId, choice });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.restartTimer);
    await this.stopWorker();
  }

  private post(request: SyncWorkerRequest): void {
    this.worker?.postMessage(request);
  }

  private setStatus(status: SyncStatus): void {
    this.current = status;
    this.options.onStatus(status);
  }

  private startWorker(config: SyncConfig, key: string): void {
    const entry = locateWorker('sync-worker', SYNC_WORKER_BUNDLE_FILE, import.meta.url, 'The CRM sync is off.');
    const data: SyncWorkerData = {
      tag: SYNC_WORKER_TAG,
      dbFile: this.options.dbFile,
      url: config.url,
      token: config.token!,
      region: config.region,
      pullIntervalMs: config.pullIntervalSeconds * 1000,
      ...this.options.tuning,
    };
    const worker = startWorker(entry, data);
    this.worker = worker;
    this.workerKey = key;
    this.setStatus({ ...this.current, state: 'connecting', error: undefined });
    // A worker being stopped still talks; only the current one's status counts.
    worker.on('message', (reply: SyncWorkerReply) => {
      if (this.worker === worker) this.received(reply);
    });
    worker.on('error', (error) => this.options.logger.error({ err: error }, 'the sync worker failed'));
    worker.on('exit', (code) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.workerKey = undefined;
      this.failDecisions('The sync stopped before the decision was applied; try again.');
      if (this.closed) return;
      this.options.logger.error({ code }, 'the sync worker stopped; starting it again');
      this.setStatus({
        ...this.current,
        state: 'failing',
        error: { code: 'database', message: 'The sync stopped unexpectedly; it starts again in a few seconds.' },
      });
      this.restartTimer = setTimeout(() => {
        if (!this.closed && !this.worker && this.config) void this.configure(this.config);
      }, RESTART_AFTER_MS);
      this.restartTimer.unref();
    });
  }

  private received(reply: SyncWorkerReply): void {
    switch (reply.type) {
      case 'status':
        return this.setStatus(reply.status);
      case 'customers':
        return this.options.onCustomersChanged();
      case 'outbound':
        return this.options.onOutboundChanged?.();
      case 'resolved': {
        const waiting = this.decisions.get(reply.id);
        this.decisions.delete(reply.id);
        if (reply.ok) waiting?.resolve();
        else waiting?.reject(new Error(reply.message));
        return;
      }
      case 'log':
        return this.relayLog(reply.line);
      case 'stopped':
        return;
    }
  }

  private relayLog(line: string): void {
    try {
      const {
        level,
        msg,
        time: _time,
        pid: _pid,
        hostname: _host,
        ...fields
      } = JSON.parse(line) as {
        level: number;
        msg?: string;
        [key: string]: unknown;
      };
      const method = level >= 50 ? 'error' : level >= 40 ? 'warn' : level >= 30 ? 'info' : 'debug';
      this.options.logger[method]({ ...fields, part: 'sync' }, msg ?? '');
    } catch {
      this.options.logger.info({ part: 'sync' }, line);
    }
  }

  private failDecisions(message: string): void {
    for (const waiting of this.decisions.values()) waiting.reject(new Error(message));
    this.decisions.clear();
  }

  private async stopWorker(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    this.workerKey = undefined;
    this.failDecisions('The sync was restarted before the decision was applied; try again.');
    const stopped = new Promise<void>((resolve) => {
      worker.once('exit', () => resolve());
      worker.on('message', (reply: SyncWorkerReply) => {
        if (reply.type === 'stopped') resolve();
      });
    });
    worker.postMessage({ type: 'stop' } satisfies SyncWorkerRequest);
    // A pull stuck in a request ends with its abort; a worker that still does not stop is ended.
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, 3000).unref());
    await Promise.race([stopped, timeout]);
    await worker.terminate();
  }
}
