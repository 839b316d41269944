import type { SyncProgress, SyncStatus } from '../contract/sync.js';
import type { Logger } from '../log/logger.js';
import { SyncError, type CrmConnector, type SyncErrorCode } from './connector.js';
import { SyncLocalStore } from './local-store.js';
import { DEFAULT_PULL_LIMIT, MAX_MUTATIONS_PER_REQUEST, type SyncRecord } from './protocol.js';

export interface SyncEngineOptions {
  store: SyncLocalStore;
  connector: CrmConnector;
  logger: Logger;
  /** How long to wait between pulls when nothing asks for one sooner. */
  pullIntervalMs: number;
  pageSize?: number;
  batchSize?: number;
  /** Records written per transaction while pulling (default 100). */
  writeChunk?: number;
  /** Retry delays after failures: base, doubling, capped (default 1 s → 60 s), with jitter. */
  backoff?: { baseMs: number; maxMs: number };
  onStatus: (status: SyncStatus) => void;
  /** Customers were added, changed or removed in the cache (the desk refreshes its count). */
  onCustomersChanged?: () => void;
  /** Outbound lists came, changed or went (the desk shows them anew). */
  onOutboundChanged?: () => void;
  now?: () => number;
  random?: () => number;
}

/** How each connector failure shows in the status. */
const STATUS_CODES: Record<SyncErrorCode, NonNullable<SyncStatus['error']>['code']> = {
  unreachable: 'unreachable',
  unauthorized: 'unauthorized',
  server: 'server',
  protocol: 'protocol',
  'bad-cursor': 'protocol',
  refused: 'protocol',
  'insecure-url': 'insecure-url',
};

/** Records written per transaction while pulling (see `applyInParts`). */
const DEFAULT_WRITE_CHUNK = 100;

/** The first sync's progress goes out at most this often. */
const PROGRESS_EVERY_MS = 250;

/**
 * The sync loop: push what the desk wrote, then pull what the CRM changed, then wait for the next
 * interval or for a change at the desk. Network and server failures back off and retry for ever;
 * a refused token waits for new settings or "Sync now". A long pull stops between pages to push
 * what the agent wrote meanwhile, so a first sync of a large CRM never holds back a call's record.
 */
export class SyncEngine {
  private stopped = false;
  private running: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private pushWanted = true;
  private phase: 'connecting' | 'syncing' | 'idle' | 'offline' | 'failing' = 'connecting';
  private error: SyncStatus['error'];
  private failures = 0;
  private progress: (SyncProgress & { startedAt: number; lastEmit: number }) | undefined;
  private readonly abort = new AbortController();
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(private readonly options: SyncEngineOptions) {
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
  }

  start(): void {
    this.running ??= this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    this.wake?.();
    await this.running;
  }

  /** The desk wrote a change: push it soon (not during a backoff: the CRM is down anyway). */
  nudge(): void {
    this.pushWanted = true;
    if (this.phase === 'idle' || this.phase === 'syncing') this.wake?.();
  }

  /** "Sync now": push and pull at once, even during a backoff or after a refused token. */
  syncNow(): void {
    this.pushWanted = true;
    this.wake?.();
  }

  /** The agent's decision on a problem, then the push it allows. */
  decide(mutationId: string, choice: 'mine' | 'theirs'): void {
    const { customersChanged } = this.options.store.decide(mutationId, choice, this.now());
    if (customersChanged) this.options.onCustomersChanged?.();
    this.emit();
    this.syncNow();
  }

  status(): SyncStatus {
    const store = this.options.store;
    const lastPull = store.state('lastPullAt');
    const lastPush = store.state('lastPushAt');
    const status: SyncStatus = {
      state: this.phase,
      server: this.options.connector.server,
      pending: store.waiting(),
      problems: store.problems(),
    };
    if (lastPull) status.lastPullAt = Number(lastPull);
    if (lastPush) status.lastPushAt = Number(lastPush);
    if (this.error) status.error = this.error;
    if (this.progress) {
      const { received, total, perSecond, secondsLeft } = this.progress;
      status.firstSync = { received, total, perSecond, secondsLeft };
    }
    return status;
  }

  emit(): void {
    try {
      this.options.onStatus(this.status());
    } catch (error) {
      this.options.logger.error({ err: error }, 'the sync status could not be read');
    }
  }

  private async loop(): Promise<void> {
    this.emit();
    while (!this.stopped) {
      let delay = this.options.pullIntervalMs;
      try {
        this.setPhase('syncing');
        await this.pushAll();
        await this.pullAll();
        // Written while we pulled: send it before resting.
        if (this.pushWanted && !this.stopped) continue;
        this.failures = 0;
        this.error = undefined;
        this.setPhase('idle');
      } catch (error) {
        if (this.stopped) break;
        delay = this.failed(error);
      }
      await this.sleep(delay);
    }
  }

  /**
   * Records a failure for the status; returns how long to wait before the next try, longer with
   * each failure in a row (any answer from the CRM ends the row).
   */
  private failed(error: unknown): number {
    this.failures += 1;
    const base = this.options.backoff?.baseMs ?? 1000;
    const max = this.options.backoff?.maxMs ?? 60_000;
    let delay = Math.min(max, base * 2 ** Math.min(this.failures - 1, 20)) * (0.5 + this.random() / 2);
    if (error instanceof SyncError) {
      if (error.retryAfterMs !== undefined) delay = Math.max(delay, error.retryAfterMs);
      if (error.code === 'unauthorized' || error.code === 'insecure-url') {
        // Only new settings (or "Sync now") can mend a refused token: no hammering meanwhile.
        delay = Math.max(delay, 5 * 60_000);
      }
      const code = STATUS_CODES[error.code];
      this.error = { code, message: error.message, retryAt: this.now() + delay };
      this.setPhase(code === 'unreachable' || code === 'server' ? 'offline' : 'failing');
      this.options.logger.warn({ code: error.code, failures: this.failures }, `sync failed: ${error.message}`);
    } else {
      const message = (error as Error)?.message ?? String(error);
      const busy = /SQLITE_BUSY|database is locked/i.test(message);
      this.error = {
        code: 'database',
        message: busy
          ? 'The customer list is busy (an import is running); the sync goes on after it.'
          : `The sync could not write to the customer list (${message}).`,
        retryAt: this.now() + delay,
      };
      this.setPhase('failing');
      this.options.logger.error({ err: error }, 'sync failed');
    }
    return delay;
  }

  private setPhase(phase: SyncEngine['phase']): void {
    const changed = phase !== this.phase;
    this.phase = phase;
    if (changed || phase !== 'syncing') this.emit();
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = undefined;
        done();
      };
    });
  }

  /** Sends the outbox in batches until it is empty or only problems are left. */
  private async pushAll(): Promise<void> {
    this.pushWanted = false;
    const { store, connector } = this.options;
    const size = Math.min(this.options.batchSize ?? MAX_MUTATIONS_PER_REQUEST, MAX_MUTATIONS_PER_REQUEST);
    // What was written before this round: a desk that keeps writing must not starve the pull.
    const upTo = store.lastSeq();
    for (;;) {
      const rows = store.nextBatch(size, upTo);
      if (rows.length === 0 || this.stopped) return;
      const results = await connector.push(
        { origin: store.origin(), mutations: rows.map(SyncLocalStore.mutation) },
        this.abort.signal,
      );
      this.failures = 0;
      const { applied, refused } = store.recordResults(rows, results, this.now());
      if (refused > 0) {
        this.options.logger.warn({ refused }, 'the CRM did not take some changes; they wait for the agent');
      }
      this.emit();
      // Nothing went (all skipped behind a problem of this batch): the rest waits for the agent too.
      if (applied === 0 && refused === 0) return;
    }
  }

  /** Pulls pages until the CRM has nothing newer. */
  private async pullAll(): Promise<void> {
    const { store, connector } = this.options;
    const limit = this.options.pageSize ?? DEFAULT_PULL_LIMIT;
    const fromScratch = store.cursor() === undefined;
    const fetchPage = (after: string | undefined, estimate: boolean) => {
      const request = connector.pull({ after, limit, estimate }, this.abort.signal);
      request.catch(() => {}); // awaited below, or dropped with a failed round
      return { after, request };
    };
    let next = fetchPage(store.cursor(), fromScratch);
    let firstPage = true;
    try {
      for (;;) {
        if (this.stopped) return;
        let page;
        try {
          page = await next.request;
        } catch (error) {
          if (error instanceof SyncError && error.code === 'bad-cursor' && next.after !== undefined) {
            this.options.logger.warn('the CRM did not know our cursor: pulling everything again');
            store.resetCursor();
            next = fetchPage(undefined, false);
            continue;
          }
          throw error;
        }
        this.failures = 0;
        // The next page is asked for before this one is written: the CRM serves it meanwhile.
        if (page.more) next = fetchPage(page.cursor, false);
        const report = await this.applyInParts(page.changes, page.cursor);
        if (fromScratch) this.advance(page.changes.length, firstPage ? page.remaining : undefined);
        firstPage = false;
        if (report.customersChanged > 0) this.options.onCustomersChanged?.();
        if (report.outboundChanged > 0) this.options.onOutboundChanged?.();
        if (!page.more) return;
        // The agent wrote something during a long pull: it goes first.
        if (this.pushWanted) await this.pushAll();
      }
    } finally {
      if (this.progress) {
        this.progress = undefined;
        this.emit();
      }
    }
  }

  /**
   * Writes a page in transactions of at most `writeChunk` records, the cursor with the last, and
   * lets the event loop turn between them: the desk's own writes (another connection, which waits
   * only briefly for the lock) get in between the parts of a large page.
   */
  private async applyInParts(changes: readonly SyncRecord[], cursor: string) {
    const chunk = this.options.writeChunk ?? DEFAULT_WRITE_CHUNK;
    const total = { applied: 0, skipped: 0, customersChanged: 0, outboundChanged: 0 };
    for (let start = 0; ; start += chunk) {
      const last = start + chunk >= changes.length;
      const part = this.options.store.applyPage(
        changes.slice(start, start + chunk),
        last ? cursor : undefined,
        this.now(),
      );
      total.applied += part.applied;
      total.skipped += part.skipped;
      total.customersChanged += part.customersChanged;
      total.outboundChanged += part.outboundChanged;
      if (last) return total;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private advance(received: number, total: number | undefined): void {
    const now = this.now();
    const progress = (this.progress ??= { received: 0, total, perSecond: 0, startedAt: now, lastEmit: 0 });
    progress.received += received;
    if (total !== undefined) progress.total = total;
    const seconds = (now - progress.startedAt) / 1000;
    progress.perSecond = seconds > 0 ? Math.round(progress.received / seconds) : 0;
    progress.secondsLeft =
      progress.total !== undefined && progress.perSecond > 0
        ? Math.max(0, Math.round((progress.total - progress.received) / progress.perSecond))
        : undefined;
    if (now - progress.lastEmit >= PROGRESS_EVERY_MS) {
      progress.lastEmit = now;
      this.emit();
    }
  }
}
