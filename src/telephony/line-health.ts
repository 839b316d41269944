import type { LineHealth, LineState } from '../contract/line.js';

const KEEP = 50;

/**
 * Follows the line's states and keeps what the agent and the team lead want to know about it:
 * since when it is up, where, how often today it broke and came back (and why), the last failure.
 */
export class LineHealthTracker {
  private health: LineHealth = { onSecondary: false, reconnects: [] };
  /** When the registered line broke, and why, until it is registered again. */
  private downSince: number | undefined;
  private breakReason: { reason: LineHealth['reconnects'][number]['reason']; detail?: string } | undefined;

  constructor(
    private readonly primary: () => string,
    private readonly now: () => number = Date.now,
  ) {}

  view(): LineHealth {
    const midnight = new Date(this.now());
    midnight.setHours(0, 0, 0, 0);
    return { ...this.health, reconnects: this.health.reconnects.filter((r) => r.at >= midnight.getTime()) };
  }

  /** Returns true when something the panel shows changed. */
  observe(line: LineState): boolean {
    const at = this.now();
    const before = JSON.stringify(this.health);
    if (line.status === 'registered') {
      // What broke the line counts, not the failed tries while it was down.
      const failure = this.breakReason;
      if (this.downSince !== undefined && failure) {
        this.health.reconnects = [
          { at, reason: failure.reason, detail: failure.detail, downMs: at - this.downSince },
          ...this.health.reconnects,
        ].slice(0, KEEP);
      }
      this.downSince = undefined;
      this.health.registeredSince = line.since;
    } else if (line.status === 'failed') {
      if (this.health.registeredSince !== undefined) {
        this.downSince = at;
        this.breakReason = { reason: line.reason, detail: line.detail };
      }
      this.health.registeredSince = undefined;
      const { reason, code, phrase, detail } = line;
      this.health.lastFailure = { at, reason, code, phrase, detail };
    } else if (line.status === 'unregistered') {
      // Offline by choice or stopped: not a failure, and nothing to count on the way back.
      this.health.registeredSince = undefined;
      this.downSince = undefined;
    }
    if (line.status !== 'unregistered') {
      this.health.server = line.server ?? this.health.server;
      this.health.onSecondary = Boolean(line.server) && line.server !== this.primary();
    }
    return JSON.stringify(this.health) !== before;
  }
}
