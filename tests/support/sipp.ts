/**
 * Runs one SIPp scenario (tests/sipp/*.xml) as a child process against the local PBX's UDP
 * port, so a test can play a SIP peer that is neither sip.js nor a browser: a late offer, an
 * offer WebRTC cannot answer, an old RTP/AVP desk phone.
 *
 *   const sipp = await startSipp({ scenario: 'late-offer.xml', pbx, service: '1001' });
 *   // ... drive the desk in the browser while SIPp waits for it ...
 *   const result = await sipp.done;
 *   expect(result.exitCode, result.describe()).toBe(0);
 *   expect(result.received('SIP/2.0 200')[0]?.body).toContain('m=audio');
 *
 * One call (-m 1 -l 1), every port of its own (SIP, media and control port picked free), a global
 * -timeout so it never hangs, and the message trace (-trace_msg) parsed into `messages`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { canBindUdp, findFreeUdpPort } from '../../tools/pbx/pbx.js';
import { tempDir } from './tmp.js';

const HOST = '127.0.0.1';
/** The scenarios live next to the tests: tests/sipp. */
export const SIPP_SCENARIO_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../sipp');

export class SippNotInstalledError extends Error {
  constructor(detail: string) {
    super(`SIPp is not installed (${detail}); install it with: apt-get install sip-tester (or set SIPP_BIN)`);
    this.name = 'SippNotInstalledError';
  }
}

/** Locates the sipp binary: env SIPP_BIN if set (nothing else then), else PATH, /usr/bin, /usr/local/bin. */
export function findSipp(): string {
  const candidates = process.env.SIPP_BIN
    ? [process.env.SIPP_BIN]
    : [
        ...(process.env.PATH ?? '')
          .split(path.delimiter)
          .filter(Boolean)
          .map((dir) => path.join(dir, 'sipp')),
        '/usr/bin/sipp',
        '/usr/local/bin/sipp',
      ];
  const found = candidates.find((p) => {
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return fs.statSync(p).isFile();
    } catch {
      return false;
    }
  });
  if (!found) throw new SippNotInstalledError(`no executable sipp at ${candidates.join(', ')}`);
  return found;
}

export interface SippOptions {
  /** A file in tests/sipp, or any path to a scenario. */
  scenario: string;
  /** Where to send: the PBX's UDP listener. */
  pbx: { udpPort: number; domain?: string };
  /** The user called (-s, the scenario's [service]). */
  service: string;
  /** SIPp's global -timeout: it gives up (and fails) after this long. Default 30 s. */
  timeoutSeconds?: number;
  /** Custom keywords for the scenario (-key name value): [name]. `domain` defaults to the PBX's. */
  keys?: Record<string, string>;
  /** Keep the work dir (scenario logs) after the run; env SIPP_KEEP=1 does the same. */
  keep?: boolean;
}

/** One SIP message from the -trace_msg log. */
export interface SippMessage {
  direction: 'sent' | 'received';
  /** The whole message, CRLFs turned into LFs. */
  text: string;
  /** 'INVITE sip:1001@pbx.test SIP/2.0', 'SIP/2.0 488 Not Acceptable Here', ... */
  startLine: string;
  /** Every value of a header (case-insensitive name, compact forms not expanded). */
  headers(name: string): string[];
  body: string;
}

export interface SippResult {
  /** SIPp's exit status: 0 every call succeeded, 1 a call failed, 97/99 no call, 255 fatal, 254 bind error. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Our watchdog had to kill it (SIPp's own -timeout did not end it). */
  killed: boolean;
  /** stop() ended it. SIPp exits 0 on SIGTERM: its exit code then says nothing. */
  stopped: boolean;
  messages: SippMessage[];
  /** Messages SIPp received whose start line begins with `startLine` (e.g. 'SIP/2.0 488', 'BYE'). */
  received(startLine: string): SippMessage[];
  sent(startLine: string): SippMessage[];
  messageLog: string;
  errorLog: string;
  /** SIPp's stdout and stderr (its statistics screen), the last 64 KB. */
  output: string;
  ports: SippPorts;
  /** A readable account of the run, for assertion messages. */
  describe(): string;
}

export interface SippPorts {
  sip: number;
  media: number;
  control: number;
}

export interface SippRun {
  ports: () => SippPorts;
  /** Resolves when SIPp has exited (never rejects: look at exitCode). */
  done: Promise<SippResult>;
  /** Ends SIPp if it still runs (SIGTERM, then SIGKILL). Idempotent. */
  stop(): Promise<void>;
}

const EXIT_MEANING: Record<number, string> = {
  0: 'all calls succeeded',
  1: 'at least one call failed',
  97: 'exit on internal command, calls may have been processed',
  99: 'normal exit without calls processed',
  255: 'fatal error',
  254: 'fatal error binding a socket',
};

const OUTPUT_LIMIT = 64 * 1024;
const BIND_ERROR_EXIT = 254;

/** SIPp binds its RTP echo on -mp and -mp+2 (video): both must be free. */
async function pickPorts(): Promise<SippPorts> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const sip = await findFreeUdpPort();
    const control = await findFreeUdpPort();
    const media = await findFreeUdpPort();
    const distinct = new Set([sip, control, media, media + 2]).size === 4;
    if (distinct && media + 2 <= 65535 && (await canBindUdp(media + 2))) return { sip, media, control };
  }
  throw new Error('SIPp: could not find free UDP ports on 127.0.0.1');
}

function readFileSafe(file: string): string {
  try {
    return fs.readFileSync(file, 'latin1');
  } catch {
    return '';
  }
}

const SEPARATOR = /^-{47} .*\n(UDP|TCP|TLS|SCTP) message (sent|received)[^\n]*:\n\n/gm;

/** Splits SIPp's -trace_msg log into messages. */
export function parseSippMessageLog(log: string): SippMessage[] {
  const text = log.replace(/\r\n/g, '\n');
  const heads = [...text.matchAll(SEPARATOR)];
  return heads.map((head, i) => {
    const start = head.index + head[0].length;
    const end = i + 1 < heads.length ? heads[i + 1]!.index : text.length;
    // Unexpected messages are logged in the error log, never here; the chunk ends with blank lines.
    const raw = text.slice(start, end).replace(/\n+$/, '\n');
    const split = raw.indexOf('\n\n');
    const head_ = split >= 0 ? raw.slice(0, split) : raw;
    const body = split >= 0 ? raw.slice(split + 2) : '';
    const lines = head_.split('\n');
    return {
      direction: head[2] === 'sent' ? 'sent' : 'received',
      text: raw,
      startLine: lines[0] ?? '',
      body,
      headers(name: string) {
        const wanted = name.toLowerCase();
        return lines
          .slice(1)
          .map((line) => /^([^:\s]+)\s*:\s*(.*)$/.exec(line))
          .filter((m): m is RegExpExecArray => !!m && m[1]!.toLowerCase() === wanted)
          .map((m) => m[2]!);
      },
    } satisfies SippMessage;
  });
}

function summarize(messages: SippMessage[]): string {
  return messages.map((m) => `  ${m.direction === 'sent' ? '-->' : '<--'} ${m.startLine}`).join('\n');
}

/**
 * Starts SIPp on one call of `scenario` towards the PBX's UDP port. If SIPp cannot bind its
 * ports (someone took them since they were picked), it is started again on others, up to 3 times.
 */
export async function startSipp(options: SippOptions): Promise<SippRun> {
  const binary = findSipp();
  const scenario = path.isAbsolute(options.scenario)
    ? options.scenario
    : path.join(SIPP_SCENARIO_DIR, options.scenario);
  if (!fs.existsSync(scenario)) throw new Error(`SIPp scenario not found: ${scenario}`);
  const timeoutSeconds = options.timeoutSeconds ?? 30;
  const keys = { domain: options.pbx.domain ?? 'pbx.test', ...options.keys };
  const keep = options.keep === true || process.env.SIPP_KEEP === '1';

  let child: ChildProcess | undefined;
  let ports = await pickPorts();
  let stopped = false;

  const once = async (): Promise<SippResult> => {
    const { dir, cleanup } = tempDir('softphone-sipp-');
    const messageFile = path.join(dir, 'messages.log');
    const errorFile = path.join(dir, 'errors.log');
    const args = [
      '-sf',
      scenario,
      '-m',
      '1',
      '-l',
      '1',
      '-i',
      HOST,
      '-p',
      String(ports.sip),
      '-mi',
      HOST,
      '-mp',
      String(ports.media),
      '-cp',
      String(ports.control),
      '-s',
      options.service,
      '-timeout',
      `${timeoutSeconds}s`,
      '-timeout_error',
      '-nostdin',
      '-trace_msg',
      '-message_file',
      messageFile,
      '-trace_err',
      '-error_file',
      errorFile,
      ...Object.entries(keys).flatMap(([name, value]) => ['-key', name, value]),
      `${HOST}:${options.pbx.udpPort}`,
    ];
    let output = '';
    const collect = (chunk: Buffer): void => {
      output = (output + chunk.toString('latin1')).slice(-OUTPUT_LIMIT);
    };
    const proc = spawn(binary, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    proc.stdout.on('data', collect);
    proc.stderr.on('data', collect);
    let killed = false;
    // SIPp's -timeout should end it; this is for a SIPp that does not listen to it.
    const watchdog = setTimeout(
      () => {
        killed = true;
        proc.kill('SIGKILL');
      },
      (timeoutSeconds + 10) * 1000,
    );
    const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      proc.once('error', (error) => {
        output += `\nspawn failed: ${error.message}`;
        resolve({ code: null, signal: null });
      });
      proc.once('exit', (exitCode, exitSignal) => resolve({ code: exitCode, signal: exitSignal }));
    });
    clearTimeout(watchdog);
    const messageLog = readFileSafe(messageFile);
    const errorLog = readFileSafe(errorFile);
    const messages = parseSippMessageLog(messageLog);
    if (!keep) cleanup();
    const usedPorts = { ...ports };
    // As it was when SIPp exited: a later stop() does not make a finished run "stopped".
    const wasStopped = stopped;
    const result: SippResult = {
      exitCode: code,
      signal,
      killed,
      stopped: wasStopped,
      messages,
      messageLog,
      errorLog,
      output,
      ports: usedPorts,
      received: (start) => messages.filter((m) => m.direction === 'received' && m.startLine.startsWith(start)),
      sent: (start) => messages.filter((m) => m.direction === 'sent' && m.startLine.startsWith(start)),
      describe: () =>
        [
          `SIPp ${path.basename(scenario)} -s ${options.service} -> ${HOST}:${options.pbx.udpPort} ` +
            `(sip ${usedPorts.sip}, media ${usedPorts.media}, control ${usedPorts.control}): ` +
            `exit ${code ?? 'none'}${code !== null && EXIT_MEANING[code] ? ` (${EXIT_MEANING[code]})` : ''}` +
            `${signal ? `, signal ${signal}` : ''}${killed ? ', killed by the test watchdog' : ''}` +
            `${wasStopped ? ', stopped by the test' : ''}` +
            `${keep ? `, logs kept in ${dir}` : ''}`,
          'messages:',
          summarize(messages) || '  (none)',
          errorLog.trim() ? `--- errors ---\n${errorLog.trim().slice(-8000)}` : '',
          code !== 0 ? `--- output (tail) ---\n${output.trim().split('\n').slice(-30).join('\n')}` : '',
        ]
          .filter(Boolean)
          .join('\n'),
    };
    return result;
  };

  const done = (async (): Promise<SippResult> => {
    for (let attempt = 1; ; attempt++) {
      const result = await once();
      if (stopped || result.exitCode !== BIND_ERROR_EXIT || result.messages.length > 0 || attempt >= 3) return result;
      ports = await pickPorts();
    }
  })();

  return {
    ports: () => ({ ...ports }),
    done,
    async stop() {
      stopped = true;
      const proc = child;
      if (proc && proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        const timer = setTimeout(() => proc.kill('SIGKILL'), 3000);
        await done;
        clearTimeout(timer);
      }
      await done;
    },
  };
}

/** Runs a scenario to its end. */
export async function runSipp(options: SippOptions): Promise<SippResult> {
  return (await startSipp(options)).done;
}
