/**
 * Starts and stops a throw-away Kamailio instance: the local PBX used for development
 * (`npm run pbx`) and by integration/e2e tests (each test file starts its own on free ports).
 *
 *   const pbx = await startPbx();            // free ports, fresh temp work dir
 *   // ... sip.js UserAgent({ transportOptions: { server: pbx.wsUrl } }) ...
 *   await pbx.stop();
 *
 * Everything Kamailio needs (cfg, pid file, runtime dir, log) lives in `workDir`; nothing in
 * /etc or /run is used. Kamailio binds 127.0.0.1 only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { PBX_DOMAIN, TEST_ACCOUNTS, type PbxAccount } from './accounts';
import { renderKamailioCfg } from './kamailio.cfg';

export interface StartPbxOptions {
  /** TCP port for SIP over WebSocket. Default: a free port. */
  wsPort?: number;
  /** UDP port for plain SIP (SIPp). Default: a free port. */
  udpPort?: number;
  /** Work directory (created if missing, kept on stop). Default: a fresh mkdtemp folder that stop() removes. */
  workDir?: string;
  /** Keep an auto-created work dir (cfg + log) after stop(). Default false; env PBX_KEEP_WORKDIR=1 also keeps it. */
  keepWorkDir?: boolean;
  /** How long to wait for the WebSocket listener to accept an upgrade. Default 15000 ms. */
  startTimeoutMs?: number;
  /** Kamailio debug level (1 warnings, 2 info = one line per request, 3 debug). Default 2; env PBX_DEBUG overrides. */
  debugLevel?: number;
  /** The account that answers for numbers outside the PBX (a trunk): see KamailioCfgOptions. */
  outsideLine?: string;
}

export interface Pbx {
  /** ws://127.0.0.1:<wsPort> */
  wsUrl: string;
  wsPort: number;
  udpPort: number;
  /** SIP domain and digest realm ('pbx.test'). */
  domain: string;
  accounts: readonly PbxAccount[];
  workDir: string;
  logFile: string;
  /** PID of the Kamailio main process. */
  pid: number;
  /** Resolves when the Kamailio main process has exited (after stop() or on its own). */
  exited: Promise<void>;
  /** Current content of the log file ('' if it is gone). */
  readLog(): string;
  /** SIGTERM, wait for exit (SIGKILL to the process group after 5 s). Idempotent. */
  stop(): Promise<void>;
}

export class KamailioNotInstalledError extends Error {
  constructor(detail: string) {
    super(
      `Kamailio is not installed (${detail}); install it with: apt-get install kamailio kamailio-websocket-modules`,
    );
    this.name = 'KamailioNotInstalledError';
  }
}

const HOST = '127.0.0.1';
const SHM_MB = 32;
const PKG_MB = 8;
const STOP_GRACE_MS = 5000;

const BINARY_CANDIDATES = [
  '/usr/sbin/kamailio',
  '/usr/local/sbin/kamailio',
  '/usr/bin/kamailio',
  '/usr/local/bin/kamailio',
  '/sbin/kamailio',
];

function multiarchTriplets(): string[] {
  switch (process.arch) {
    case 'x64':
      return ['x86_64-linux-gnu'];
    case 'arm64':
      return ['aarch64-linux-gnu'];
    case 'arm':
      return ['arm-linux-gnueabihf'];
    case 'ia32':
      return ['i386-linux-gnu'];
    default:
      return [];
  }
}

/** Locates the kamailio binary and its module directory (env KAMAILIO_BIN / KAMAILIO_MODULES_DIR override). */
export function findKamailio(): { binary: string; modulesDir: string } {
  const binCandidates = [
    process.env.KAMAILIO_BIN,
    ...(process.env.PATH ?? '')
      .split(path.delimiter)
      .filter(Boolean)
      .map((d) => path.join(d, 'kamailio')),
    ...BINARY_CANDIDATES,
  ].filter((p): p is string => !!p);
  const binary = binCandidates.find((p) => {
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return fs.statSync(p).isFile();
    } catch {
      return false;
    }
  });
  if (!binary) throw new KamailioNotInstalledError('no kamailio binary in PATH or /usr/sbin');

  const moduleCandidates = [
    process.env.KAMAILIO_MODULES_DIR,
    ...multiarchTriplets().map((t) => `/usr/lib/${t}/kamailio/modules`),
    '/usr/lib64/kamailio/modules',
    '/usr/lib/kamailio/modules',
    '/usr/local/lib64/kamailio/modules',
    '/usr/local/lib/kamailio/modules',
    // relative to the binary, e.g. /opt/kamailio/sbin/kamailio -> /opt/kamailio/lib64/kamailio/modules
    path.resolve(path.dirname(binary), '../lib64/kamailio/modules'),
    path.resolve(path.dirname(binary), '../lib/kamailio/modules'),
  ].filter((p): p is string => !!p);
  const hasTm = moduleCandidates.find((d) => fs.existsSync(path.join(d, 'tm.so')));
  const modulesDir = moduleCandidates.find(
    (d) => fs.existsSync(path.join(d, 'tm.so')) && fs.existsSync(path.join(d, 'websocket.so')),
  );
  if (!modulesDir) {
    throw new KamailioNotInstalledError(
      hasTm
        ? `websocket.so is missing in ${hasTm}`
        : `no module directory found (looked in ${moduleCandidates.join(', ')})`,
    );
  }
  return { binary, modulesDir };
}

// ---------------------------------------------------------------------------------------------
// ports

function canListenTcp(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host: HOST, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** Whether a UDP port on 127.0.0.1 can be bound right now (SIPp needs some next to each other). */
export function canBindUdp(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = dgram.createSocket('udp4');
    sock.once('error', () => {
      sock.close();
      resolve(false);
    });
    sock.bind({ port, address: HOST, exclusive: true }, () => sock.close(() => resolve(true)));
  });
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function findFreeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen({ port: 0, host: HOST, exclusive: true }, () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** A UDP port on 127.0.0.1 that was free a moment ago (e.g. for a SIPp `-p`). */
export function findFreeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const sock = dgram.createSocket('udp4');
    sock.once('error', reject);
    sock.bind({ port: 0, address: HOST, exclusive: true }, () => {
      const { port } = sock.address();
      sock.close(() => resolve(port));
    });
  });
}

async function pickPorts(wanted: { wsPort?: number; udpPort?: number }): Promise<{ wsPort: number; udpPort: number }> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const wsPort = wanted.wsPort || (await findFreeTcpPort());
    const udpPort = wanted.udpPort || (await findFreeUdpPort());
    if (wsPort !== udpPort || (wanted.wsPort && wanted.udpPort)) return { wsPort, udpPort };
  }
  throw new Error('Could not find two distinct free ports on 127.0.0.1');
}

// ---------------------------------------------------------------------------------------------
// process handling

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Last resort: never leave a Kamailio behind when the Node process exits without stop(). */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of running) killGroup(child, 'SIGKILL');
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal); // detached => own process group (main + its children)
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (hasExited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, timeoutMs);
    const onExit = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function readFileSafe(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function tail(text: string, lines = 40): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** Resolves true once a WebSocket upgrade with sub-protocol "sip" succeeds. */
function tryWebSocket(url: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    let done = false;
    const ws = new WebSocket(url, 'sip', { handshakeTimeout: timeoutMs });
    const finish = (ok: boolean): void => {
      if (done) return;
      done = true;
      ws.removeAllListeners();
      ws.on('error', () => undefined);
      if (ws.readyState === WebSocket.OPEN) ws.close(1000);
      else ws.terminate();
      resolve(ok);
    };
    ws.once('open', () => finish(ws.protocol === 'sip'));
    ws.once('error', () => finish(false));
    ws.once('close', () => finish(false));
  });
}

// ---------------------------------------------------------------------------------------------

interface Attempt {
  ok: boolean;
  /** Kamailio could not bind (only worth retrying with other ports). */
  bindError?: boolean;
  error?: Error;
  pbx?: Pbx;
}

export async function startPbx(opts: StartPbxOptions = {}): Promise<Pbx> {
  const kamailio = findKamailio();

  if (opts.wsPort && !(await canListenTcp(opts.wsPort))) {
    throw new Error(`PBX: TCP port ${HOST}:${opts.wsPort} (WebSocket) is already in use`);
  }
  if (opts.udpPort && !(await canBindUdp(opts.udpPort))) {
    throw new Error(`PBX: UDP port ${HOST}:${opts.udpPort} is already in use`);
  }

  // Free ports picked here can be taken by someone else before Kamailio binds: retry then.
  const attempts = opts.wsPort && opts.udpPort ? 1 : 3;
  let last: Attempt | undefined;
  for (let i = 0; i < attempts; i++) {
    const ports = await pickPorts(opts);
    last = await startOnce(kamailio, ports, opts);
    if (last.ok && last.pbx) return last.pbx;
    if (!last.bindError) break;
  }
  throw last?.error ?? new Error('PBX: failed to start');
}

async function startOnce(
  kamailio: { binary: string; modulesDir: string },
  ports: { wsPort: number; udpPort: number },
  opts: StartPbxOptions,
): Promise<Attempt> {
  const envDebug = Number(process.env.PBX_DEBUG);
  const debugLevel = Number.isInteger(envDebug) && process.env.PBX_DEBUG ? envDebug : (opts.debugLevel ?? 2);
  const cfg = renderKamailioCfg({
    wsPort: ports.wsPort,
    udpPort: ports.udpPort,
    domain: PBX_DOMAIN,
    accounts: TEST_ACCOUNTS,
    modulesDir: kamailio.modulesDir,
    host: HOST,
    debugLevel,
    outsideLine: opts.outsideLine,
  });

  const ownWorkDir = !opts.workDir;
  const workDir = opts.workDir ? path.resolve(opts.workDir) : fs.mkdtempSync(path.join(os.tmpdir(), 'softphone-pbx-'));
  fs.mkdirSync(workDir, { recursive: true });
  const runDir = path.join(workDir, 'run');
  fs.mkdirSync(runDir, { recursive: true });
  const cfgFile = path.join(workDir, 'kamailio.cfg');
  const pidFile = path.join(workDir, 'kamailio.pid');
  const logFile = path.join(workDir, 'kamailio.log');
  const keepWorkDir = !ownWorkDir || opts.keepWorkDir === true || process.env.PBX_KEEP_WORKDIR === '1';

  fs.writeFileSync(cfgFile, cfg);
  fs.rmSync(pidFile, { force: true });
  const logFd = fs.openSync(logFile, 'a');
  fs.writeSync(
    logFd,
    `# ${new Date().toISOString()} starting ${kamailio.binary} ws=${ports.wsPort} udp=${ports.udpPort}\n`,
  );

  const args = [
    '-DD', // do not daemonize: we own the main process
    '-E', // log to stderr (-> logFile)
    '-f',
    cfgFile,
    '-P',
    pidFile,
    '-Y',
    runDir,
    '-w',
    workDir,
    '-L',
    kamailio.modulesDir,
    '-m',
    String(SHM_MB),
    '-M',
    String(PKG_MB),
    '-a',
    'no',
  ];
  let child: ChildProcess;
  try {
    child = spawn(kamailio.binary, args, {
      cwd: workDir,
      stdio: ['ignore', logFd, logFd],
      detached: true, // own process group, so stop() can reap every worker
    });
  } finally {
    fs.closeSync(logFd);
  }
  installExitHook();
  running.add(child);
  child.once('exit', () => running.delete(child));
  let spawnError: Error | undefined;
  child.once('error', (err) => {
    spawnError = err;
  });

  const cleanup = async (): Promise<void> => {
    if (!hasExited(child)) {
      // Only the main process: it shuts its workers down itself (TERM to the whole group
      // makes the main process log every worker exit as an ALERT).
      child.kill('SIGTERM');
      if (!(await waitForExit(child, STOP_GRACE_MS))) {
        killGroup(child, 'SIGKILL');
        await waitForExit(child, 2000);
      }
    }
    killGroup(child, 'SIGKILL'); // stray workers, if the main process died abnormally
    running.delete(child);
  };

  const wsUrl = `ws://${HOST}:${ports.wsPort}`;
  const timeoutMs = opts.startTimeoutMs ?? 15_000;
  const deadline = Date.now() + timeoutMs;
  let ready = false;
  while (Date.now() < deadline) {
    if (spawnError || hasExited(child)) break;
    if (await tryWebSocket(wsUrl, 1000)) {
      ready = true;
      break;
    }
    await sleep(100);
  }

  if (!ready) {
    const exited = hasExited(child);
    await cleanup();
    const log = readFileSafe(logFile);
    const bindError = /bind\(.*\)|Address already in use|cannot bind/i.test(log);
    const why = spawnError
      ? `could not be spawned (${spawnError.message})`
      : exited
        ? `exited early (code ${child.exitCode ?? 'null'}, signal ${child.signalCode ?? 'none'})`
        : `did not accept a WebSocket (sip) upgrade on ${wsUrl} within ${timeoutMs} ms`;
    return {
      ok: false,
      bindError,
      error: new Error(`PBX: Kamailio ${why}. Work dir: ${workDir}\n--- tail of ${logFile} ---\n${tail(log)}`),
    };
  }

  const exited = new Promise<void>((resolve) => {
    if (hasExited(child)) resolve();
    else child.once('exit', () => resolve());
  });
  let stopping: Promise<void> | undefined;
  const pbx: Pbx = {
    wsUrl,
    wsPort: ports.wsPort,
    udpPort: ports.udpPort,
    domain: PBX_DOMAIN,
    accounts: TEST_ACCOUNTS,
    workDir,
    logFile,
    pid: child.pid ?? -1,
    exited,
    readLog: () => readFileSafe(logFile),
    stop: () => {
      stopping ??= (async () => {
        await cleanup();
        // Make sure a restart on the same ports works right away.
        for (let i = 0; i < 50 && !(await canListenTcp(ports.wsPort)); i++) await sleep(100);
        if (!keepWorkDir) fs.rmSync(workDir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
  return { ok: true, pbx };
}
