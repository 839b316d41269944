import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { maskText, maskValue } from './mask.js';

export type Logger = pino.Logger;

/**
 * The core's logger: JSON lines, every string and object passed through the mask, so that numbers,
 * names and credentials never reach the file unmasked, whoever calls it.
 */
export function createLogger(
  options: {
    file?: string;
    level?: string;
    name?: string;
    /** Rotation of the file: past this size it becomes core.1.log (…, up to `keep` old files). */
    rotation?: { maxBytes: number; keep: number; checkEveryMs: number };
  } = {},
): Logger {
  const streams: pino.StreamEntry[] = [];
  if (options.file) {
    const file = options.file;
    const rotation = options.rotation ?? DEFAULT_ROTATION;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // A file grown large by the last run is moved aside before this one writes.
    if (fileSize(file) > rotation.maxBytes) rotateFiles(file, rotation.keep);
    const destination = pino.destination({ dest: file, sync: false, mkdir: true });
    streams.push({ stream: destination });
    // A desk runs for days: the size is looked at regularly, and a large file is rotated while
    // the app runs (the destination reopens the path, so the next lines start a new file).
    const timer = setInterval(() => {
      if (fileSize(file) <= rotation.maxBytes) return;
      try {
        rotateFiles(file, rotation.keep);
        destination.reopen();
      } catch {
        // A file another program holds open (Windows): tried again at the next check.
      }
    }, rotation.checkEveryMs);
    timer.unref();
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

/** Five files of 5 MB at most: enough for IT to look back over days, small enough to send. */
const DEFAULT_ROTATION = { maxBytes: 5 * 1024 * 1024, keep: 5, checkEveryMs: 60_000 };

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

/** core.log → core.1.log, core.1.log → core.2.log, …; the oldest beyond `keep` is removed. */
export function rotateFiles(file: string, keep: number): void {
  const { dir, name, ext } = path.parse(file);
  const numbered = (n: number) => path.join(dir, `${name}.${n}${ext}`);
  fs.rmSync(numbered(keep), { force: true });
  for (let n = keep - 1; n >= 1; n--) {
    if (fs.existsSync(numbered(n))) fs.renameSync(numbered(n), numbered(n + 1));
  }
  fs.renameSync(file, numbered(1));
}

/** A logger that drops everything, for tests that do not look at logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
