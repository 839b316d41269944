import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { maskText, maskValue } from './mask.js';

export type Logger = pino.Logger;

/**
 * The core's logger: JSON lines, every string and object passed through the mask, so that numbers,
 * names and credentials never reach the file unmasked, whoever calls it.
 */
export function createLogger(options: { file?: string; level?: string; name?: string } = {}): Logger {
  const streams: pino.StreamEntry[] = [];
  if (options.file) {
    fs.mkdirSync(path.dirname(options.file), { recursive: true });
    streams.push({ stream: pino.destination({ dest: options.file, sync: false, mkdir: true }) });
  }
  const level = options.level ?? process.env.HEADSET_SOFTPHONE_LOG_LEVEL ?? 'info';
  return pino(
    {
      name: options.name ?? 'core',
      level,
      hooks: {
        logMethod(args, method) {
          const masked = args.map((arg) => (typeof arg === 'string' ? maskText(arg) : maskValue(arg))) as Parameters<
            typeof method
          >;
          method.apply(this, masked);
        },
      },
    },
    streams.length > 0 ? pino.multistream(streams) : pino.destination({ fd: 2, sync: false }),
  );
}

/** A logger that drops everything, for tests that do not look at logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
