import type { Call } from '../contract/calls.js';
import type { CustomerCacheStatus, CustomerDraft, ScreenPop } from '../contract/customers.js';
import type { CommandResult, CoreEvent } from '../contract/messages.js';
import fs from 'node:fs';
import path from 'node:path';
import { importCustomersInWorker } from '../customers/bulk.js';
import { CustomerCache, CustomerChangeError } from '../customers/cache.js';
import type { Logger } from '../log/logger.js';

interface DeskOptions {
  file: string;
  logger: Logger;
  /** The region national numbers are read in (the setting `phone.defaultRegion`). */
  region: () => string;
  emit: (event: CoreEvent) => void;
  /** The desk wrote a change for the CRM (the sync pushes it soon). */
  onLocalChange?: () => void;
  now?: () => number;
  /** How long a customer change waits for the write lock before it says "busy" (default 20 s). */
  busyWaitMs?: number;
}

/**
 * The customer side of the desk: pops the record of each call as soon as the core sees it (before
 * the calls event, so that the ringing card and the record reach the screen together), keeps it
 * pinned to the call until the call leaves the list, and carries out the agent's customer commands.
 */
export class CustomerDesk {
  private readonly cache: CustomerCache;
  private pops = new Map<string, ScreenPop>();
  private readonly now: () => number;
  private importStatus: CustomerCacheStatus['import'];

  constructor(private readonly options: DeskOptions) {
    this.cache = new CustomerCache(options.file, options.logger);
    this.now = options.now ?? Date.now;
  }

  open(): void {
    this.cache.open();
  }

  close(): void {
    this.cache.close();
  }

  view(): ScreenPop[] {
    return [...this.pops.values()];
  }

  status(): CustomerCacheStatus {
    return { ...this.cache.status(), import: this.importStatus };
  }

  /** The calls changed: pop the new ones, let go of those that left the list. */
  callsChanged(calls: readonly Call[]): void {
    let changed = false;
    const next = new Map<string, ScreenPop>();
    for (const call of calls) {
      const pop = this.pops.get(call.id) ?? this.popFor(call);
      if (pop !== this.pops.get(call.id)) changed = true;
      next.set(call.id, pop);
    }
    if (next.size !== this.pops.size) changed = true;
    this.pops = next;
    if (changed) this.emitPops();
  }

  /** A call ended: keep it with its customer, and show it on the pinned card at once. */
  /** The cache's database connection (the guidance reads its documents there); none while unavailable. */
  connection() {
    return this.cache.connection();
  }

  callEnded(call: Call): void {
    const pop = this.pops.get(call.id);
    const customerId = pop?.card?.customer.id;
    if (!pop || customerId === undefined) return;
    if (this.cache.recordCall(call, customerId)) this.options.onLocalChange?.();
    this.relink(pop, customerId, pop.linkedBy ?? 'number');
  }

  async dispatch(
    command:
      | { type: 'customers.search'; query: string; limit?: number }
      | { type: 'customers.card'; customerId: number }
      | { type: 'pop.link'; callId: string; customerId: number }
      | { type: 'customers.create'; callId?: string; customer: CustomerDraft }
      | { type: 'customers.update'; customerId: number; changes: CustomerDraft }
      | { type: 'customers.import'; fileName: string; content: string },
  ): Promise<CommandResult> {
    switch (command.type) {
      case 'customers.import':
        return this.startImport(command.fileName, command.content);
      case 'customers.search':
        try {
          return { ok: true, value: await this.cache.search(command.query, command.limit) };
        } catch (error) {
          this.options.logger.error({ err: error }, 'customer search failed');
          return { ok: false, error: { code: 'internal', message: 'search-failed' } };
        }
      case 'customers.card': {
        const card = this.cache.card(command.customerId);
        return card ? { ok: true, value: card } : notFound();
      }
      case 'pop.link': {
        const pop = this.pops.get(command.callId);
        if (!pop) return { ok: false, error: { code: 'invalid', message: 'no-such-call' } };
        return this.relink(pop, command.customerId, 'agent') ? { ok: true } : notFound();
      }
      case 'customers.create':
        return await this.change(() => {
          const id = this.cache.create(command.customer, this.options.region(), this.now());
          const pop = command.callId ? this.pops.get(command.callId) : undefined;
          if (pop) this.relink(pop, id, 'created');
          return { customerId: id };
        });
      case 'customers.update':
        return await this.change(() => {
          this.cache.update(command.customerId, command.changes, this.options.region(), this.now());
          // Every pop showing this customer shows the correction.
          for (const pop of this.pops.values()) {
            if (pop.card?.customer.id === command.customerId)
              this.relink(pop, command.customerId, pop.linkedBy ?? 'agent');
          }
          return { card: this.cache.card(command.customerId) };
        });
    }
  }

  /**
   * Imports a CSV the agent picked, in the bulk worker (never on this event loop); answers at once,
   * and the progress and the report follow in `customers` events.
   */
  private async startImport(fileName: string, content: string): Promise<CommandResult> {
    if (this.importStatus?.state === 'running') {
      return { ok: false, error: { code: 'invalid', message: 'import-running' } };
    }
    const folder = path.join(path.dirname(this.options.file), 'imports');
    const csvFile = path.join(folder, `import-${this.now()}.csv`);
    try {
      await fs.promises.mkdir(folder, { recursive: true, mode: 0o700 });
      await fs.promises.writeFile(csvFile, content, { mode: 0o600 });
    } catch (error) {
      this.options.logger.error({ err: error }, 'the import file could not be written');
      return { ok: false, error: { code: 'internal', message: 'failed' } };
    }
    const status: NonNullable<CustomerCacheStatus['import']> = {
      fileName,
      state: 'running',
      rowsRead: 0,
      imported: 0,
      rejected: 0,
      rejections: [],
    };
    this.importStatus = status;
    this.emitStatus();
    let lastEmit = 0;
    this.options.logger.info({ bytes: content.length }, 'customer import started');
    void importCustomersInWorker({
      dbFile: this.options.file,
      csvFile,
      region: this.options.region(),
      listRejected: IMPORT_REJECTIONS_SHOWN,
      onProgress: (progress) => {
        Object.assign(status, {
          rowsRead: progress.rowsRead,
          imported: progress.imported,
          rejected: progress.rejected,
        });
        // A few updates a second are plenty for a progress line.
        if (this.now() - lastEmit >= 250) {
          lastEmit = this.now();
          this.emitStatus();
        }
      },
    })
      .then((report) => {
        Object.assign(status, {
          state: 'done',
          rowsRead: report.rowsRead,
          imported: report.imported,
          rejected: report.rejected,
          rejections: report.rejectedRows.map((row) => ({ line: row.line, reason: row.reason })),
        });
        this.options.logger.info(
          {
            rows: report.rowsRead,
            imported: report.imported,
            rejected: report.rejected,
            ms: Math.round(report.durationMs),
          },
          'customer import done',
        );
      })
      .catch((error: unknown) => {
        Object.assign(status, { state: 'failed', problem: (error as Error).message });
        this.options.logger.warn({ code: (error as { code?: string }).code }, 'customer import failed');
      })
      .finally(() => {
        this.cache.refresh();
        this.emitStatus();
        void fs.promises.rm(csvFile, { force: true });
      });
    return { ok: true };
  }

  private emitStatus(): void {
    this.options.emit({ type: 'customers', customers: this.status() });
  }

  /**
   * The sync changed customers in the cache: count them again, and show the new versions of the
   * records on screen (a record removed from the CRM stays on screen for the call it is linked to).
   */
  syncChanged(): void {
    this.cache.refresh();
    let changed = false;
    for (const pop of this.pops.values()) {
      const id = pop.card?.customer.id;
      const card = id === undefined ? undefined : this.cache.card(id);
      if (card && JSON.stringify(card) !== JSON.stringify(pop.card)) {
        this.pops.set(pop.callId, { ...pop, card });
        changed = true;
      }
    }
    if (changed) this.emitPops();
    this.emitStatus();
  }

  /**
   * A change the agent made to the customer list, written at once or, when another connection holds
   * the write lock (a page of the CRM's first sync, an import), tried again every 100 ms for up to
   * 20 s: the agent's Save waits a moment instead of failing. Each try is a whole transaction, so a try that failed changed nothing.
   */
  private async change(work: () => unknown): Promise<CommandResult> {
    const giveUpAt = Date.now() + (this.options.busyWaitMs ?? BUSY_WAIT_MS);
    for (;;) {
      try {
        const value = work();
        this.options.onLocalChange?.();
        this.options.emit({ type: 'customers', customers: this.status() });
        return { ok: true, value };
      } catch (error) {
        if (error instanceof CustomerChangeError && error.code === 'busy' && Date.now() < giveUpAt) {
          await new Promise((resolve) => setTimeout(resolve, BUSY_RETRY_MS));
          continue;
        }
        if (error instanceof CustomerChangeError) {
          this.options.logger.warn({ code: error.code }, 'customer change refused');
          return {
            ok: false,
            error: { code: 'invalid', message: error.code, issues: [{ path: '', message: error.message }] },
          };
        }
        this.options.logger.error({ err: error }, 'customer change failed');
        return { ok: false, error: { code: 'internal', message: 'customer-change-failed' } };
      }
    }
  }

  private popFor(call: Call): ScreenPop {
    const started = performance.now();
    const pop = this.cache.popFor(call, this.options.region());
    this.options.logger.debug(
      { callId: call.id, kind: pop.lookup.kind, ms: Math.round((performance.now() - started) * 100) / 100 },
      'screen-pop',
    );
    return pop;
  }

  private relink(pop: ScreenPop, customerId: number, linkedBy: NonNullable<ScreenPop['linkedBy']>): boolean {
    const card = this.cache.card(customerId);
    if (!card) return false;
    this.pops.set(pop.callId, { ...pop, card, linkedBy });
    this.emitPops();
    return true;
  }

  private emitPops(): void {
    this.options.emit({ type: 'pops', pops: this.view() });
  }
}

/** How many rejected rows the report on screen lists (all are counted). */
const IMPORT_REJECTIONS_SHOWN = 50;
/** How long a customer change waits for the write lock, and how often it tries. */
const BUSY_WAIT_MS = 20_000;
const BUSY_RETRY_MS = 100;

function notFound(): CommandResult {
  return { ok: false, error: { code: 'invalid', message: 'customer-not-found' } };
}
