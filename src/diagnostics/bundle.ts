import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import type { Settings } from '../contract/settings.js';
import { maskText, maskValue } from '../log/mask.js';
import { maskTail } from './sip-mask.js';
import type { SipTrace } from './sip-trace.js';

export interface DiagnosticsBundleOptions {
  /** The folder the zip is written to (created if missing). */
  dir: string;
  /** `host` is the kind of host ('electron', 'web'), never the machine's name. */
  app: { name: string; version: string; host: string };
  /** The effective settings; identifying fields are masked here. */
  settings: Settings;
  /** What the line reports (a LineState, say); masked here. */
  lineHealth?: unknown;
  /** Recent calls; numbers, names and notes are masked here. */
  calls?: unknown;
  /** `<dataDir>/logs/core.log`; its rotated `core.log.1` is taken too when it exists. */
  logFile?: string;
  trace: SipTrace;
  now?: () => Date;
  /** How much of the end of each log file to take; 2 MiB unless told. */
  maxLogBytes?: number;
}

export interface DiagnosticsBundle {
  file: string;
  bytes: number;
}

export const DEFAULT_MAX_LOG_BYTES = 2 * 1024 * 1024;

/**
 * Writes `<dir>/diagnostics-<YYYYMMDD-HHMMSS>.zip` (UTC; `-2`, `-3`... if that name is taken), all
 * at once (a temp file renamed into place), for an agent to send to IT or support. It holds what
 * explains a line or call problem and no personal data: see README_TEXT for what is in it.
 *
 * Only what is passed in, plus the log files, is read: never the secret store nor its file.
 */
export async function writeDiagnosticsBundle(options: DiagnosticsBundleOptions): Promise<DiagnosticsBundle> {
  const now = (options.now ?? (() => new Date()))();
  const maxLogBytes = options.maxLogBytes ?? DEFAULT_MAX_LOG_BYTES;

  const logs: { name: string; text: string }[] = [];
  if (options.logFile) {
    for (const [name, file] of [
      ['core.log', options.logFile],
      ['core.log.1', `${options.logFile}.1`],
    ] as const) {
      const tail = await readTail(file, maxLogBytes);
      if (tail !== undefined) logs.push({ name, text: maskLogText(tail) });
    }
  }

  const json = (value: unknown) => strToU8(`${JSON.stringify(value, null, 2)}\n`);
  const files: Record<string, Uint8Array> = {
    'README.txt': strToU8(
      readme(
        options,
        now,
        logs.map((log) => log.name),
      ),
    ),
    'versions.json': json(collectVersions(options.app, now)),
    'settings.json': json(maskSettings(options.settings)),
    'line-health.json': json(maskRecord(options.lineHealth ?? null)),
    'recent-calls.json': json(maskRecord(options.calls ?? [])),
    'sip-trace.txt': strToU8(options.trace.toText()),
  };
  for (const log of logs) files[log.name] = strToU8(log.text);

  const zip = zipSync(files, { level: 6, mtime: now });
  await fs.mkdir(options.dir, { recursive: true });
  const file = await freeName(options.dir, `diagnostics-${stamp(now)}`);
  await writeAtomic(file, zip);
  return { file, bytes: zip.byteLength };
}

/** `20261125-143005`, in UTC like every time in the bundle. */
function stamp(date: Date): string {
  const iso = date.toISOString(); // 2026-11-25T14:30:05.123Z
  return `${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 19).replaceAll(':', '')}`;
}

async function freeName(dir: string, base: string): Promise<string> {
  for (let n = 1; ; n += 1) {
    const file = path.join(dir, `${base}${n === 1 ? '' : `-${n}`}.zip`);
    try {
      await fs.access(file);
    } catch {
      return file;
    }
  }
}

async function writeAtomic(file: string, data: Uint8Array): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomUUID()}.tmp`);
  try {
    const handle = await fs.open(tmp, 'wx', 0o600);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, file);
  } catch (error) {
    await fs.rm(tmp, { force: true });
    throw error;
  }
}

/**
 * The last `maxBytes` of a file, from the first whole line on; undefined when there is no such file
 * or it cannot be read (a bundle without its log is still worth sending).
 */
async function readTail(file: string, maxBytes: number): Promise<string | undefined> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(file, 'r');
    const { size } = await handle.stat();
    const start = Math.max(0, size - maxBytes);
    const buffer = Buffer.alloc(size - start);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, start);
    const text = buffer.subarray(0, bytesRead).toString('utf8');
    if (start === 0) return text;
    // Started inside a line (maybe inside a character): drop that piece.
    const newline = text.indexOf('\n');
    return newline === -1 ? '' : text.slice(newline + 1);
  } catch {
    return undefined;
  } finally {
    await handle?.close();
  }
}

const SECRET_KEY = /password|passwd|secret|token|credential/i;
/**
 * Keys whose text is about a person: names, e-mail, free notes, the machine's name (often the
 * agent's). Their values are left out. A plain `name` counts only in records (calls, line health):
 * in a pino line it is the logger's name.
 */
const PERSONAL_KEY =
  /^(?:displayName|fullName|firstName|lastName|callerName|calleeName|agentName|customerName|email|note|notes|handoverNote|comment|comments|subject|hostname)$/i;

/**
 * Masks a log again, line by line (defence in depth: the logger masked it when writing). A pino
 * JSON line is masked field by field, so that its numbers (time, pid, codes) survive; every string
 * goes through `maskText`, secret and personal keys (and pino's `hostname`) are redacted. Any other
 * line goes through `maskText` whole.
 */
export function maskLogText(text: string): string {
  return text
    .split('\n')
    .map((line) => maskLogLine(line))
    .join('\n');
}

export function maskLogLine(line: string): string {
  const trimmed = line.trim();
  if (trimmed.startsWith('{') && trimmed.endsWith('}')) {
    try {
      return JSON.stringify(JSON.parse(trimmed, maskJsonField));
    } catch {
      // Not JSON after all: mask it as text.
    }
  }
  return maskText(line);
}

function maskJsonField(key: string, value: unknown): unknown {
  if (SECRET_KEY.test(key)) return '[redacted]';
  if (PERSONAL_KEY.test(key) && typeof value === 'string' && value !== '') return '[redacted]';
  return typeof value === 'string' ? maskText(value) : value;
}

/**
 * Masks any value for the bundle: strings through `maskText` (numbers, SIP users, display names,
 * credentials), secret keys and personal keys (names, notes, e-mail) redacted, at any depth.
 */
export function maskRecord(value: unknown, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return maskText(value);
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') return typeof value === 'function' ? undefined : value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Error) return maskValue(value);
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => maskRecord(item, seen));
  if (value instanceof Map) return maskRecord(Object.fromEntries(value), seen);
  if (value instanceof Set) return maskRecord([...value], seen);
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (SECRET_KEY.test(key)) out[key] = '[redacted]';
    else if ((key === 'name' || PERSONAL_KEY.test(key)) && typeof item === 'string' && item !== '')
      out[key] = '[redacted]';
    else out[key] = maskRecord(item, seen);
  }
  return out;
}

/** Fields that identify the agent. Empty values stay empty: "not set" is worth knowing. */
const IDENTIFYING_SETTINGS: Record<string, 'tail' | 'name'> = {
  'sip.user': 'tail',
  'sip.authUser': 'tail',
  'sip.displayName': 'name',
  'agent.name': 'name',
};
/** Server addresses: needed as they are, and `maskText` would cut an IP address as if a number. */
const PLAIN_SETTINGS = new Set(['sip.wsUrl', 'sip.wsUrlSecondary', 'sip.domain']);

/**
 * The settings as the bundle shows them. User names keep their last two characters, like SIP user
 * parts in the trace (so both can be matched), names become "[name]", server addresses stay, every
 * other value goes through `maskValue`. (`maskValue` alone would keep "1001" or "Mario Rossi": it
 * masks only long digit runs, URIs and quoted names.)
 */
export function maskSettings(settings: Settings): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [section, values] of Object.entries(settings as unknown as Record<string, unknown>)) {
    if (!values || typeof values !== 'object' || Array.isArray(values)) {
      out[section] = SECRET_KEY.test(section) ? '[redacted]' : maskValue(values);
      continue;
    }
    const masked: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(values)) {
      const dotted = `${section}.${key}`;
      const identifying = IDENTIFYING_SETTINGS[dotted];
      if (SECRET_KEY.test(key)) masked[key] = '[redacted]';
      else if (identifying && typeof value === 'string' && value !== '')
        masked[key] = identifying === 'tail' ? maskTail(value) : '[name]';
      else if (PLAIN_SETTINGS.has(dotted) && typeof value === 'string') masked[key] = value;
      else masked[key] = maskValue(value);
    }
    out[section] = SECRET_KEY.test(section) ? '[redacted]' : masked;
  }
  return out;
}

function sipJsVersion(): string {
  try {
    const require = createRequire(import.meta.url);
    return (require('sip.js/package.json') as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** What the app runs on. No host name, user name or network interface: they identify a person. */
export function collectVersions(app: DiagnosticsBundleOptions['app'], now: Date): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    createdAt: now.toISOString(),
    app: { name: app.name, version: app.version, host: app.host },
    node: process.versions.node,
    ...(process.versions.electron
      ? { electron: process.versions.electron, chrome: process.versions.chrome ?? null }
      : {}),
    sipJs: sipJsVersion(),
    os: { platform: os.platform(), release: os.release(), version: os.version(), arch: os.arch() },
    cpus: { count: cpus.length, model: cpus[0]?.model.trim() ?? null },
    memory: {
      totalBytes: os.totalmem(),
      freeBytes: os.freemem(),
      processRssBytes: process.memoryUsage.rss(),
    },
    uptimeSeconds: { system: Math.round(os.uptime()), process: Math.round(process.uptime()) },
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    utcOffsetMinutes: -now.getTimezoneOffset(),
  };
}

function readme(options: DiagnosticsBundleOptions, now: Date, logs: string[]): string {
  const { app, trace } = options;
  const maxMb = Math.round((options.maxLogBytes ?? DEFAULT_MAX_LOG_BYTES) / (1024 * 1024));
  const lines = [
    `${app.name} diagnostics`,
    `Made on ${now.toISOString()} (UTC) by ${app.name} ${app.version} (${app.host}).`,
    '',
    'This file helps IT and support understand a problem with the phone line or with a call.',
    'Personal data is taken out: phone numbers and user names keep only their last two',
    'characters, names are replaced by [name], and passwords, keys and other credentials are',
    'removed. The SIP password is never put in this file.',
    'The network addresses (IP addresses) of this computer and of the phone servers are kept:',
    'they are needed to understand connection and audio problems.',
    '',
    'What is inside:',
    '- README.txt: this text.',
    '- versions.json: the versions of the app and of what it runs on (Node.js, Electron, sip.js,',
    '  the operating system), the number of processors and the memory.',
    '- settings.json: the settings in use. The user name, login name, display name and agent',
    '  name are masked; the server address and the domain are kept.',
    '- line-health.json: the state of the phone line when this file was made: connected or not,',
    '  and why (empty, "null", if the app had nothing to report).',
    '- recent-calls.json: the latest calls: when, which way, how they ended and how the audio',
    '  was, with numbers masked and names and notes removed.',
  ];
  if (logs.includes('core.log')) {
    lines.push(`- core.log: the last part (${maxMb} MB at most) of the app's log, masked again line by line.`);
  }
  if (logs.includes('core.log.1')) {
    lines.push(`- core.log.1: the last part (${maxMb} MB at most) of the previous log file, masked the same way.`);
  }
  lines.push(
    `- sip-trace.txt: the last SIP messages the app sent to and received from the phone server`,
    `  (up to ${trace.capacity}), oldest first, each with its time and direction. SIP is how the`,
    '  app talks to the phone system: signing in, making, answering and ending calls. The',
    '  messages were masked as they were recorded.',
  );
  if (!logs.includes('core.log')) lines.push('', 'Not included: the app log (no log file was found).');
  return `${lines.join('\n')}\n`;
}
