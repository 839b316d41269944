import type { Logger } from '../log/logger.js';
import { isBusyError } from '../storage/database.js';

/**
 * Writes that must not be lost, in order: each runs at once when nothing waits before it; when
 * another connection holds the lock (the CRM sync writing a page, an import) it waits in memory
 * and is tried again shortly, never dropped, and the caller's promise settles only once it is
 * committed. The core's event loop never waits on a lock longer than the connection's busy
 * timeout (kept short: the line's SIP runs on the same loop).
 */
export class WriteQueue {
  private readonly waiting: {
    run: () => unknown;
    resolve: (value: unknown) => void;
    reject: (error: unknown) => void;
  }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly logger: Logger,
    private readonly retryMs = 100,
  ) {}

  /** Runs `write` (a whole transaction) now or, behind earlier ones, as soon as the lock allows. */
  run<T>(write: () => T): Promise<T> {
    if (this.closed) return Promise.reject(new Error('the work store is closed'));
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ run: write, resolve: resolve as (value: unknown) => void, reject });
      if (this.waiting.length === 1) this.drain();
    });
  }

  /** How many writes wait for the lock. */
  get pending(): number {
    return this.waiting.length;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    for (const entry of this.waiting.splice(0)) entry.reject(new Error('the work store is closed'));
  }

  private drain(): void {
    this.timer = undefined;
    while (this.waiting.length > 0) {
      const head = this.waiting[0]!;
      try {
        const value = head.run();
        this.waiting.shift();
        head.resolve(value);
      } catch (error) {
        if (isBusyError(error)) {
          this.logger.debug({ waiting: this.waiting.length }, 'work write waits for the database lock');
          this.timer = setTimeout(() => this.drain(), this.retryMs);
          return;
        }
        this.waiting.shift();
        head.reject(error);
      }
    }
  }
}
