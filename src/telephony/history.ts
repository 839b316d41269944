import fs from 'node:fs';
import { z } from 'zod';
import { Call, isMissedCall, type CallHistory } from '../contract/index.js';
import { writeFileAtomic } from '../config/store.js';
import type { Logger } from '../log/logger.js';

/** How many ended calls the list keeps. */
const KEEP = 100;

const Stored = z.object({ version: z.literal(1), calls: z.array(Call), seenAt: z.number() });

/**
 * The recent calls, newest first, kept in the data folder so that a missed call is still there
 * after a restart. (The customer database of a later issue will hold the full interaction record;
 * this is the phone's own short list.) A file that cannot be read is set aside, never fatal.
 */
export class CallHistoryStore {
  private calls: Call[] = [];
  private seenAt = 0;

  constructor(
    private readonly file: string,
    private readonly logger: Logger,
  ) {
    if (!fs.existsSync(file)) return;
    try {
      const stored = Stored.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
      this.calls = stored.calls;
      this.seenAt = stored.seenAt;
    } catch (error) {
      const aside = `${file}.broken-${Date.now()}`;
      logger.warn({ err: error, aside }, 'the call history could not be read; starting a new one');
      fs.renameSync(file, aside);
    }
  }

  view(): CallHistory {
    return {
      calls: this.calls,
      unseenMissed: this.calls.filter((call) => isMissedCall(call) && (call.endedAt ?? 0) > this.seenAt).length,
    };
  }

  add(call: Call): void {
    // Live figures are of no use in a list; the handover note and the end cause are.
    const { quality: _quality, ...kept } = call;
    this.calls = [kept, ...this.calls.filter((c) => c.id !== call.id)].slice(0, KEEP);
    this.save();
  }

  markSeen(now: number): void {
    this.seenAt = now;
    this.save();
  }

  private save(): void {
    try {
      writeFileAtomic(this.file, JSON.stringify({ version: 1, calls: this.calls, seenAt: this.seenAt }));
    } catch (error) {
      this.logger.error({ err: error }, 'the call history could not be saved');
    }
  }
}
