/**
 * PBX restart: how fast the desk's line is registered again after Kamailio is killed and started
 * again on the same ports, over several restarts. The issue's goal: registered within 5 s of the
 * PBX being back, in every run.
 *
 * Set-up: a Kamailio of this benchmark's own (a restart must not disturb the other benchmarks'),
 * the desk (web host + its page, account DESK_USER) registered on it directly, no relay. Then,
 * `restarts` times:
 *
 *   SIGKILL to Kamailio's process group   a crash, not a clean shutdown; the kernel closes its
 *                                         sockets and the desk must show the line lost
 *   (down 1 s to downMaxS s, uniformly at random, seeded)
 *   startPbx() on the same ports          while a probe tries a WebSocket upgrade (sub-protocol
 *                                         "sip") every 10 ms: t0 is the first one Kamailio answers
 *   ... the desk retries on its backoff (a random 0.5–1, 1–2, then 2–4 s after each failure) ...
 *   registered                            the desk page's line status turns "registered"
 *   2 s of normal operation, then the next restart.
 *
 * Times are Date.now(), which this process and the page (bench/recovery-probe.js) read alike. A
 * desk try that reaches Kamailio in the moment it starts accepting, before the probe's own does,
 * can make back → registered a few ms shorter than the REGISTER itself; it is printed as measured.
 */
import { gotoRegistered, openBenchDesk } from './desk.js';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { startPbx, type Pbx } from '../tools/pbx/pbx.js';
import { launchBrowser } from './call-setup.js';
import { seeded, sleep } from './recovery.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PROBE_SOURCE = fs.readFileSync(path.join(ROOT, 'bench', 'recovery-probe.js'), 'utf8');

/** An account of its own: this Kamailio knows only this desk. */
const DESK_USER = '1006';
/** Normal operation after the line is back, before the next kill. */
const GAP_MS = 2_000;
const NOTICE_TIMEOUT_MS = 10_000;
const REGISTER_TIMEOUT_MS = 30_000;
const PROBE_EVERY_MS = 10;

export interface RestartOptions {
  restarts: number;
  /** Kamailio stays down a uniformly random 1 s to this many seconds. */
  downMaxS: number;
  seed: number;
}

export interface RestartRecord {
  /** 1-based. */
  restart: number;
  /** Kill → startPbx() called. */
  downMs: number;
  /** Kill → the desk page showing the line not registered. */
  noticedMs: number | null;
  /** startPbx() called → Kamailio answering a WebSocket upgrade (t0). */
  startMs: number | null;
  /** t0 → the desk page showing the line registered. */
  registeredMs: number | null;
  problems: string[];
}

export interface RestartResult {
  options: RestartOptions;
  restarts: RestartRecord[];
}

interface LineChange {
  at: number;
  status: string | null;
}

/** When a WebSocket upgrade with sub-protocol "sip" to `url` succeeds, trying every PROBE_EVERY_MS. */
async function firstAnswer(url: string, deadline: number, signal?: AbortSignal): Promise<number | undefined> {
  while (Date.now() < deadline) {
    signal?.throwIfAborted();
    const answeredAt = await new Promise<number | undefined>((resolve) => {
      const socket = new WebSocket(url, 'sip', { handshakeTimeout: 2_000 });
      socket.once('open', () => {
        const at = Date.now();
        socket.close(1000);
        resolve(socket.protocol === 'sip' ? at : undefined);
      });
      socket.once('error', () => resolve(undefined));
    });
    if (answeredAt !== undefined) return answeredAt;
    await sleep(PROBE_EVERY_MS, signal);
  }
  return undefined;
}

export async function benchRestart(options: RestartOptions, signal?: AbortSignal): Promise<RestartResult> {
  const cleanups: { what: string; run: () => Promise<unknown> }[] = [];
  const diagnostics: (() => string)[] = [];
  const random = seeded(options.seed);
  let pbx: Pbx = await startPbx({ debugLevel: 1 });
  cleanups.push({ what: 'Kamailio', run: () => pbx.stop() });
  diagnostics.push(() => `--- Kamailio log ---\n${pbx.readLog().split('\n').slice(-30).join('\n')}`);
  const { wsPort, udpPort } = pbx;
  try {
    // The renderer the web host serves was built from this checkout by bench/run.ts.
    const browser = await launchBrowser();
    cleanups.push({ what: 'Chromium', run: () => browser.close() });
    const { web, page } = await openBenchDesk(
      browser,
      { wsUrl: pbx.wsUrl, domain: pbx.domain, user: DESK_USER },
      { cleanups, diagnostics },
    );
    await gotoRegistered(page, web);
    await page.evaluate(PROBE_SOURCE);
    await page.evaluate('window.recoveryProbe.watchLine()');
    const lineSince = async (t: number) =>
      ((await page.evaluate(`window.recoveryProbe.since(${t})`)) as { line: LineChange[] }).line;
    const poll = async (t: number, pick: (change: LineChange) => boolean, timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = (await lineSince(t)).find(pick);
        if (found) return found.at;
        if (Date.now() > deadline) return undefined;
        await sleep(20, signal);
      }
    };

    const records: RestartRecord[] = [];
    for (let restart = 1; restart <= options.restarts; restart++) {
      signal?.throwIfAborted();
      const downMs = Math.round(1_000 + random() * (options.downMaxS - 1) * 1_000);
      const record: RestartRecord = {
        restart,
        downMs,
        noticedMs: null,
        startMs: null,
        registeredMs: null,
        problems: [],
      };
      records.push(record);

      const killedAt = Date.now();
      // The whole group, as a crash would take it: the main process and every worker at once.
      process.kill(-pbx.pid, 'SIGKILL');
      const noticedAt = await poll(killedAt, (change) => change.status !== 'registered', NOTICE_TIMEOUT_MS);
      if (noticedAt === undefined) record.problems.push('the line never showed Kamailio gone');
      else record.noticedMs = noticedAt - killedAt;
      // Reaps it and waits until its port can be bound again.
      await pbx.stop();
      await sleep(Math.max(0, killedAt + downMs - Date.now()), signal);

      const startAt = Date.now();
      const answered = firstAnswer(pbx.wsUrl, startAt + 20_000, signal);
      pbx = await startPbx({ wsPort, udpPort, debugLevel: 1 });
      const t0 = await answered;
      if (t0 === undefined) {
        record.problems.push('Kamailio never answered a WebSocket upgrade');
        continue;
      }
      record.startMs = t0 - startAt;
      const registeredAt = await poll(
        noticedAt ?? killedAt,
        (change) => change.status === 'registered',
        REGISTER_TIMEOUT_MS,
      );
      if (registeredAt === undefined) record.problems.push(`not registered ${REGISTER_TIMEOUT_MS / 1000} s after`);
      else record.registeredMs = registeredAt - t0;
      await sleep(GAP_MS, signal);
      const now = await lineSince(noticedAt ?? killedAt);
      if (now.at(-1)?.status !== 'registered')
        record.problems.push(`the line shows ${now.at(-1)?.status ?? '?'} after`);
    }
    return { options, restarts: records };
  } catch (error) {
    if (!signal?.aborted) for (const describe of diagnostics) console.error(describe());
    throw error;
  } finally {
    for (const { what, run } of cleanups.reverse()) {
      await run().catch((error: unknown) => console.warn(`could not stop ${what}: ${(error as Error).message}`));
    }
  }
}
