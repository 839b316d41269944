/**
 * Line recovery: how fast the desk's line and its call come back after the WebSocket to the PBX
 * breaks, over many cuts during one live call, and whether the call survives them.
 *
 * Set-up, as in tests/e2e/line-healing.spec.ts: the desk (web host + its page, account DESK_USER)
 * reaches Kamailio through the fault relay (tests/support/fault-relay.ts); a customer (plain sip.js
 * in Chromium, tests/support/browser-peer) reaches Kamailio directly and calls the desk, which
 * answers from its UI. Then, during that one call, `cuts` times:
 *
 *   relay.cut()          every connection through the relay is reset, new ones too
 *   (1 s to cutMaxS s, uniformly at random, seeded; the line must show it lost registration)
 *   relay.restore()      t0: the transport can be had again
 *   ... the line reconnects on its next try (a quick one 0.2–0.5 s after the loss, then the backoff:
 *       0.5–1, 1–2, then 2–4 s after each failure), registers, and re-INVITEs the call ...
 *   2 s of normal operation, then the call's state is checked and the next cut starts.
 *
 * Everything after t0 is timed on the system clock (Date.now(), whole ms), which this process and
 * the pages (bench/recovery-probe.js) read alike:
 *   - t0 → registered: the desk's line status element turning `data-status="registered"`, noted by
 *     a MutationObserver in the page the moment React writes it (what the agent sees; the core's
 *     line state reaches the page over one local WebSocket, ~1 ms).
 *   - t0 → re-INVITE at the customer: its page's sip.js session delegate seeing the INVITE.
 *   - t0 → call recovered: the desk page finishing the `set-remote` (type answer) media request that
 *     follows the recovery `offer` (iceRestart): the 200 OK to the re-INVITE has reached the core
 *     and its answer is applied to the call's RTCPeerConnection. That is the moment the dialog
 *     runs over the new connection and the ICE restart can complete. (Not Kamailio's log: run.ts
 *     starts it at debug level 1, which logs no requests, and a proxy's log would show the
 *     re-INVITE passing through, not the desk having its answer.)
 *   - audio: both pages read their inbound audio byte counter every 50 ms. Media goes from page to
 *     page over loopback, not through the relay, so a cut need not stop it. Audio counts as stopped
 *     when samples show a counter not growing for more than STALL_MS, anywhere from the cut to the
 *     end of the 2 s after recovery (a sampler that was itself held up proves no stop). Only when
 *     it was stopped at t0 or stopped later is "transport back → audio flowing both ways" a figure
 *     (the first growth after the last such stall, at either end); otherwise the bench says that
 *     audio never stopped, or stopped only during the cut, and how long at most a counter was idle.
 *
 * A cut is survived when afterwards the desk's UI still shows the call as Connected, its page
 * still has exactly that call's media, and the customer's session is still the same established
 * one. A call that does not survive is replaced by a new call so the remaining cuts still count.
 * At the end the customer hangs up: the desk must say "The other party hung up.", which it can only
 * learn if the BYE reached it over the newest connection (the dialog moved with the re-INVITE).
 */
import { gotoRegistered, openBenchDesk } from './desk.js';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { startBrowserPeer, type BrowserPeer } from '../tests/support/browser-peer/index.js';
import { stopSharedBrowserPeerServer } from '../tests/support/browser-peer/server.js';
import { startFaultRelay } from '../tests/support/fault-relay.js';
import type { Pbx } from '../tools/pbx/pbx.js';
import { launchBrowser } from './call-setup.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PROBE_SOURCE = fs.readFileSync(path.join(ROOT, 'bench', 'recovery-probe.js'), 'utf8');

/** Accounts no other benchmark uses, so that no stale contact of theirs can get a fork of this call. */
const DESK_USER = '1004';
const CUSTOMER_USER = '1005';

/** Normal operation between the end of one recovery and the next cut. */
export const GAP_MS = 2_000;
/** An inbound audio counter that does not grow for longer than this means the audio stopped (20 ms packets). */
export const STALL_MS = 300;
/** The line must show the cut within this long (a reset is seen at once). */
const NOTICE_TIMEOUT_MS = 10_000;
/** Longest backoff try is 4 s; this leaves room for a slow REGISTER or a second try. */
const REGISTER_TIMEOUT_MS = 20_000;
const REINVITE_TIMEOUT_MS = 15_000;
const CALL_TIMEOUT_MS = 15_000;

export interface RecoveryOptions {
  cuts: number;
  /** Cuts last a uniformly random 1 s to this many seconds. */
  cutMaxS: number;
  /** Seeds the cut lengths, so that two runs cut alike. */
  seed: number;
}

export interface AudioOutcome {
  /** The longest time each inbound counter was seen not growing, from the cut to the end of its gap. */
  longestIdleMs: { desk: number; customer: number };
  /** The longest time between two samples of either page: shorter stops than this could go unseen. */
  longestSampleGapMs: number;
  /** Where a counter was seen not growing for over STALL_MS, in ms after t0 (negative: during the cut). */
  stops: { end: 'desk' | 'customer'; fromMs: number; toMs: number | null }[];
  stopped: boolean;
  /** A counter was stalled at t0 or stalled after it: the audio had to come back after the transport did. */
  stoppedAfterT0: boolean;
  /** When stoppedAfterT0: t0 → both counters growing again after their last stop; null while one is still stalled. */
  flowingMs: number | null;
}

export interface CutRecord {
  /** 1-based. */
  cut: number;
  /** Which call it happened in: 1 unless an earlier cut lost a call. */
  call: number;
  durationMs: number;
  /** cut() → the line status leaving "registered". */
  noticedMs: number | null;
  registeredMs: number | null;
  reinviteAtCustomerMs: number | null;
  recoveredMs: number | null;
  audio: AudioOutcome | null;
  survived: boolean;
  problems: string[];
}

export interface RecoveryResult {
  options: RecoveryOptions;
  cuts: CutRecord[];
  /** The customer's BYE after the last cut, and whether the desk showed the call ended by the other party. */
  finalBye: { ended: boolean; cutsOnCall: number; detail: string };
}

interface LineChange {
  at: number;
  status: string | null;
}
interface MediaRequestRecord {
  op: string;
  iceRestart: boolean;
  type: string | null;
  start: number;
  end: number | null;
  ok: boolean | null;
}
type Sample = [at: number, bytes: number | null];

/** mulberry32: small, seeded, good enough to spread cut lengths. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Polls `read` every 20 ms until `pick` returns something; undefined after the timeout. */
async function poll<T, R>(
  read: () => Promise<T>,
  pick: (value: T) => R | undefined,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<R | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = pick(await read());
    if (found !== undefined) return found;
    if (Date.now() > deadline) return undefined;
    await sleep(20, signal);
  }
}

const since = (page: Page, t: number) =>
  page.evaluate(`window.recoveryProbe.since(${t})`) as Promise<{ line: LineChange[]; media: MediaRequestRecord[] }>;
const takeSamples = (page: Page) => page.evaluate('window.recoveryProbe.takeSamples()') as Promise<Sample[]>;

interface Watch {
  /** Stretches in which the counter was seen not growing for over STALL_MS; `to` is null while still stalled. */
  stalls: { from: number; to: number | null }[];
  /** The longest time the counter was seen not growing. */
  longestIdle: number;
  /** The longest time between two samples: audio stopping for less than this could go unseen. */
  longestSampleGap: number;
}

/**
 * Where an inbound byte counter stalled. A stall needs evidence: samples that show no growth, from
 * the last growth to the last of them. So a sampler that was itself held up (a busy page, a slow
 * getStats) and then sees the counter grown does not count as stopped audio.
 */
function watch(samples: Sample[]): Watch {
  if (samples.length < 2)
    return { stalls: [{ from: samples[0]?.[0] ?? 0, to: null }], longestIdle: Infinity, longestSampleGap: Infinity };
  const stalls: Watch['stalls'] = [];
  let longestIdle = 0;
  let longestSampleGap = 0;
  let lastGrowth = samples[0]![0];
  let idleUntil: number | null = null;
  for (let i = 1; i < samples.length; i++) {
    const [at, bytes] = samples[i]!;
    const [before, bytesBefore] = samples[i - 1]!;
    longestSampleGap = Math.max(longestSampleGap, at - before);
    if (bytes !== null && bytesBefore !== null && bytes > bytesBefore) {
      if (idleUntil !== null && idleUntil - lastGrowth > STALL_MS) stalls.push({ from: lastGrowth, to: at });
      if (idleUntil !== null) longestIdle = Math.max(longestIdle, idleUntil - lastGrowth);
      lastGrowth = at;
      idleUntil = null;
    } else idleUntil = at;
  }
  if (idleUntil !== null) {
    longestIdle = Math.max(longestIdle, idleUntil - lastGrowth);
    if (idleUntil - lastGrowth > STALL_MS) stalls.push({ from: lastGrowth, to: null });
  }
  return { stalls, longestIdle, longestSampleGap };
}

export function audioOutcome(desk: Sample[], customer: Sample[], t0: number): AudioOutcome {
  const ends = { desk: watch(desk), customer: watch(customer) };
  const stops = (['desk', 'customer'] as const).flatMap((end) =>
    ends[end].stalls.map((stall) => ({ end, fromMs: stall.from - t0, toMs: stall.to === null ? null : stall.to - t0 })),
  );
  const after = stops.filter((stop) => stop.toMs === null || stop.toMs > 0);
  const flowingMs =
    !after.length || after.some((stop) => stop.toMs === null) ? null : Math.max(...after.map((stop) => stop.toMs!));
  return {
    longestIdleMs: { desk: ends.desk.longestIdle, customer: ends.customer.longestIdle },
    longestSampleGapMs: Math.max(ends.desk.longestSampleGap, ends.customer.longestSampleGap),
    stops,
    stopped: stops.length > 0,
    stoppedAfterT0: after.length > 0,
    flowingMs,
  };
}

export async function benchRecovery(pbx: Pbx, options: RecoveryOptions, signal?: AbortSignal): Promise<RecoveryResult> {
  const cleanups: { what: string; run: () => Promise<unknown> }[] = [];
  const diagnostics: (() => string)[] = [];
  const random = seeded(options.seed);
  try {
    // The renderer the web host serves was built from this checkout by the call-setup benchmark.
    const browser = await launchBrowser();
    cleanups.push({ what: 'Chromium', run: () => browser.close() });
    cleanups.push({ what: 'the browser peer server', run: stopSharedBrowserPeerServer });

    const relay = await startFaultRelay({ upstreamUrl: pbx.wsUrl });
    cleanups.push({ what: 'the fault relay', run: () => relay.close() });
    diagnostics.push(() => `--- relay events ---\n${relay.describe().split('\n').slice(-30).join('\n')}`);

    const { web, page: deskPage } = await openBenchDesk(
      browser,
      { wsUrl: relay.url, domain: pbx.domain, user: DESK_USER },
      { cleanups, diagnostics },
    );
    await gotoRegistered(deskPage, web);
    await deskPage.evaluate(PROBE_SOURCE);
    await deskPage.evaluate(`window.recoveryProbe.watchLine(); window.recoveryProbe.hookMedia();
      window.recoveryProbe.sampleAudio('desk')`);

    const customer: BrowserPeer = await startBrowserPeer(browser, {
      pbx,
      user: CUSTOMER_USER,
      displayName: 'Anna Rossi',
    });
    cleanups.push({ what: 'the customer', run: () => customer.close() });
    await customer.page.evaluate(PROBE_SOURCE);
    await customer.page.evaluate(`window.recoveryProbe.sampleAudio('peer')`);

    const currentCall = deskPage.getByRole('region', { name: 'Current call' });
    const deskCallIds = () => deskPage.evaluate('window.softphoneMedia.callIds()') as Promise<string[]>;

    /** A call from the customer, answered from the desk's UI, with audio both ways. Its Call-ID. */
    const talking = async (): Promise<string> => {
      await customer.call(`sip:${DESK_USER}@${pbx.domain}`);
      await deskPage
        .getByRole('region', { name: 'Incoming call' })
        .getByRole('button', { name: 'Answer' })
        .click({ timeout: CALL_TIMEOUT_MS });
      const state = await customer.waitForState((s) => s.session === 'established', CALL_TIMEOUT_MS);
      await customer.waitForAudioFlowing({ direction: 'both', timeoutMs: CALL_TIMEOUT_MS });
      return state.callId!;
    };

    /** What is wrong with the call now (empty: it is up at both ends). */
    const callProblems = async (callId: string): Promise<string[]> => {
      const problems: string[] = [];
      const text = (await currentCall.count()) ? await currentCall.first().innerText() : null;
      if (!text?.includes('Connected'))
        problems.push(`the desk shows ${text ? `"${text.replace(/\s+/g, ' ').slice(0, 80)}"` : 'no current call'}`);
      const ids = await deskCallIds();
      if (ids.length !== 1) problems.push(`the desk page has media for ${ids.length} calls`);
      const state = await customer.state();
      if (state.session !== 'established' || state.callId !== callId)
        problems.push(`the customer's session is ${state.session} (${JSON.stringify(state.lastEnd)})`);
      return problems;
    };

    let callId = await talking();
    let call = 1;
    let cutsOnCall = 0;
    const records: CutRecord[] = [];

    for (let cut = 1; cut <= options.cuts; cut++) {
      signal?.throwIfAborted();
      const durationMs = Math.round(1_000 + random() * (options.cutMaxS - 1) * 1_000);
      const record: CutRecord = {
        cut,
        call,
        durationMs,
        noticedMs: null,
        registeredMs: null,
        reinviteAtCustomerMs: null,
        recoveredMs: null,
        audio: null,
        survived: false,
        problems: [],
      };
      records.push(record);
      // Audio is judged from the cut on.
      await takeSamples(deskPage);
      await takeSamples(customer.page);

      const cutAt = Date.now();
      relay.cut();
      const noticedAt = await poll(
        () => since(deskPage, cutAt),
        ({ line }) => line.find((change) => change.status !== 'registered')?.at,
        Math.max(durationMs, NOTICE_TIMEOUT_MS),
        signal,
      );
      if (noticedAt === undefined) record.problems.push('the line never showed the cut');
      else record.noticedMs = noticedAt - cutAt;
      await sleep(Math.max(0, cutAt + durationMs - Date.now()), signal);
      relay.restore();
      const t0 = Date.now();

      const registeredAt = await poll(
        () => since(deskPage, t0),
        ({ line }) => line.find((change) => change.status === 'registered')?.at,
        REGISTER_TIMEOUT_MS,
        signal,
      );
      if (registeredAt === undefined) record.problems.push(`not registered ${REGISTER_TIMEOUT_MS / 1000} s after`);
      else if (noticedAt !== undefined) record.registeredMs = registeredAt - t0;

      const answered = await poll(
        () => since(deskPage, t0),
        ({ media }) => {
          const offer = media.find((request) => request.op === 'offer' && request.iceRestart);
          const answer =
            offer && media.find((r) => r.op === 'set-remote' && r.type === 'answer' && r.start >= offer.start);
          return answer?.end != null ? answer : undefined;
        },
        REINVITE_TIMEOUT_MS,
        signal,
      );
      if (!answered) record.problems.push('no re-INVITE answered');
      else if (!answered.ok) record.problems.push('the re-INVITE answer could not be applied');
      else if (noticedAt !== undefined) record.recoveredMs = answered.end! - t0;
      const reinvite = (await customer.events()).find((event) => event.type === 'reinvite-received' && event.t >= t0);
      if (reinvite && noticedAt !== undefined) record.reinviteAtCustomerMs = reinvite.t - t0;

      // Normal operation until the next cut; the audio window closes at its end.
      await sleep(GAP_MS, signal);
      record.audio = audioOutcome(await takeSamples(deskPage), await takeSamples(customer.page), t0);
      if (record.audio.stops.some((stop) => stop.toMs === null)) record.problems.push('audio still stopped');

      const problems = await callProblems(callId);
      record.survived = problems.length === 0;
      record.problems.push(...problems);
      cutsOnCall++;
      if (!record.survived) {
        // The remaining cuts need a call: end what is left of this one and start another.
        const state = await customer.state();
        if (state.session !== 'idle' && state.session !== 'terminated') await customer.hangup().catch(() => undefined);
        await poll(deskCallIds, (ids) => (ids.length === 0 ? true : undefined), CALL_TIMEOUT_MS, signal);
        await sleep(500, signal);
        callId = await talking();
        call++;
        cutsOnCall = 0;
      }
    }

    // The customer's BYE must reach the desk over the connection the last recovery moved the dialog to.
    await customer.hangup();
    const lastCall = deskPage.getByRole('region', { name: 'Last call' });
    const ended = await poll(
      async () => ((await lastCall.count()) ? await lastCall.first().textContent() : null),
      (text) => (text?.includes('The other party hung up.') ? true : undefined),
      CALL_TIMEOUT_MS,
      signal,
    );
    const lastText = (await lastCall.count()) ? await lastCall.first().innerText() : null;
    return {
      options,
      cuts: records,
      finalBye: {
        ended: ended === true,
        cutsOnCall,
        detail: ended
          ? 'the desk says "The other party hung up."'
          : `the desk shows ${lastText ? `"${lastText.replace(/\s+/g, ' ').slice(0, 120)}"` : 'no last call'}`,
      },
    };
  } catch (error) {
    if (!signal?.aborted) for (const describe of diagnostics) console.error(describe());
    throw error;
  } finally {
    for (const { what, run } of cleanups.reverse()) {
      await run().catch((error: unknown) => console.warn(`could not stop ${what}: ${(error as Error).message}`));
    }
  }
}
