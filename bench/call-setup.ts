/**
 * Call setup with our split (sip.js user agent in the core process, WebRTC in the desk's page)
 * side by side with plain sip.js doing everything in one Chromium page, against the same local
 * Kamailio, in the same run.
 *
 * One caller, plain sip.js in a Chromium page (tests/support/browser-peer), calls in turn
 *   - the softphone: the web host (`main/web/cli.ts`, its own process) with its page open and
 *     auto-answer on; the INVITE carries `Call-Info: <sip:pbx.test>;answer-after=0`, and
 *   - a plain sip.js callee page that answers at once (`incoming: { mode: 'answer', afterMs: 0 }`),
 * with the very same INVITE (headers included). Both callees answer in a 0 ms timer.
 *
 * Two figures per call, each read one way for both callees (bench/call-probe.js in the pages,
 * bench/core-probe.mjs in the softphone's core):
 *   - INVITE → 200 OK, at the caller, on its page's performance.now(): from the INVITE its sip.js
 *     transport sends (the authenticated one, after Kamailio's 407: the one the 200 answers, by
 *     CSeq) to that 200 OK arriving from its WebSocket.
 *   - answer → first audio packet, at the callee: from the call to sip.js's Invitation.accept()
 *     (the softphone's in its core process, found by Call-ID; plain sip.js's in its page) to the
 *     first RTP packet the callee page's RTCPeerConnection receives (inbound-rtp stats, see
 *     call-probe.js). For the softphone that spans two processes, so both ends are on the system
 *     clock (Date.now(), whole ms), for plain sip.js too. It holds everything answering costs: the
 *     core's media requests to its page and back, the 200 OK, the caller's answer handling, ICE
 *     and DTLS. (Starting at the page's receipt of the first media request instead would leave out
 *     the core's work and any wait behind the page's own ringing work: that is ours to count.)
 *
 * Rounds alternate ABBA-style (softphone first in even rounds, plain first in odd ones) after one
 * warm-up call to each, so drift and "who went first" hit both alike. The caller hangs up after
 * each call and the next starts only when caller and callee are both idle again.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from '@playwright/test';
import playwrightConfig, { CHROMIUM } from '../playwright.config.js';
import { startWebHost } from '../tests/e2e/stack.js';
import { startBrowserPeer, type BrowserPeer } from '../tests/support/browser-peer/index.js';
import { stopSharedBrowserPeerServer } from '../tests/support/browser-peer/server.js';
import { getTestAccount } from '../tools/pbx/accounts.js';
import type { Pbx } from '../tools/pbx/pbx.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PROBE_SOURCE = fs.readFileSync(path.join(ROOT, 'bench', 'call-probe.js'), 'utf8');
const CORE_PROBE = path.join(ROOT, 'bench', 'core-probe.mjs');

/** One account per role, so that Kamailio never forks a call to the wrong party. */
const DESK_USER = '1001';
const PLAIN_USER = '1002';
const CALLER_USER = '1003';

const CALL_TIMEOUT_MS = 10_000;
const IDLE_TIMEOUT_MS = 10_000;
/** After both sides are idle: lets the last call's teardown (BYE, closing, GC) finish before the next. */
const SETTLE_MS = 250;

export interface CallSetupSamples {
  inviteToOk: number[];
  answerToAudio: number[];
}

export interface CallSetupResult {
  ours: CallSetupSamples;
  plain: CallSetupSamples;
  /** Rounds that did not complete, with why (left out of the figures). */
  failures: string[];
  /**
   * How the first-packet times were read: exactly (the first stats sample held one packet), counted
   * back from a later packet at 20 ms each (it held more), or at the poll (stats on another clock:
   * should not happen).
   */
  firstPacket: { exact: number; countedBack: number; atPoll: number };
}

/** What call-probe.js recorded in a page for the current round. */
interface ProbeRound {
  /** Date.now() when Invitation.accept() was called in this page. */
  answerAt: number | null;
  answerBy: string | null;
  peerConnections: number;
  /** Date.now() when the first RTCPeerConnection of the round was created in this page. */
  peerConnectionAt: number | null;
  /** On the Date.now() clock, sub-ms. */
  firstPacketAt: number | null;
  packetsAtFirstSight: number | null;
  firstPacketFromStats: boolean | null;
  invitesSent: { cseq: number; at: number }[];
  okAt: number | null;
  okCSeq: number | null;
  error: string | null;
}

interface Callee {
  label: string;
  target: string;
  page: Page;
  /** Date.now() when this callee called Invitation.accept() for the call with this Call-ID. */
  answeredAt(callId: string, inPage: ProbeRound): number | null;
  idle(): Promise<boolean>;
}

/** A party did not get idle after a call: every call after it would be off, so the run stops. */
class StuckError extends Error {}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const arm = (page: Page, media: boolean) => page.evaluate(`window.benchProbe.arm({ media: ${media} })`);
const probeRound = (page: Page) => page.evaluate('window.benchProbe.round()') as Promise<ProbeRound | null>;

async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(25);
  }
}

/** The renderer the web host serves, built from this checkout so that the code measured is this code. */
export function buildRenderer(): void {
  const vite = path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  execFileSync(process.execPath, [vite, 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
}

/** The same Chromium and flags as the e2e tests (fake audio devices, loopback ICE). */
export function launchBrowser(): Promise<Browser> {
  const e2e = playwrightConfig.projects?.find((project) => project.name === 'e2e');
  const args = e2e?.use?.launchOptions?.args;
  if (!args) throw new Error('playwright.config.ts has no e2e project with launch args');
  // Ctrl-C is ours to handle (bench/run.ts): everything is closed in order, Chromium last.
  return chromium.launch({ executablePath: CHROMIUM, args, handleSIGINT: false });
}

/** Puts the probe into a browser-peer page and hooks that page's own sip.js module. */
async function probePeer(peer: BrowserPeer): Promise<void> {
  await peer.page.evaluate(PROBE_SOURCE);
  await peer.page.evaluate(`window.benchProbe.hookSipJs('/sipjs/index.js')`);
}

/** One call from the caller to the callee; hangs up and waits until both are idle again. */
async function oneCall(
  caller: BrowserPeer,
  callee: Callee,
  extraHeaders: string[],
): Promise<{ inviteToOk: number; answerToAudio: number; firstPacket: keyof CallSetupResult['firstPacket'] }> {
  await arm(caller.page, false);
  await arm(callee.page, true);
  try {
    await caller.call(callee.target, { extraHeaders });
    const state = await caller.waitForState(
      (s) => s.session === 'established' || s.session === 'terminated',
      CALL_TIMEOUT_MS,
    );
    if (state.session !== 'established') throw new Error(`the call ended: ${JSON.stringify(state.lastEnd)}`);
    const atCallee = await until(
      `the first audio packet at ${callee.label}`,
      () => probeRound(callee.page),
      (r) => r?.firstPacketAt != null || r?.error != null,
      CALL_TIMEOUT_MS,
    );
    const atCaller = await probeRound(caller.page);
    if (!atCallee || atCallee.error) throw new Error(`probe at ${callee.label}: ${atCallee?.error ?? 'not armed'}`);
    const answeredAt = callee.answeredAt(state.callId ?? '', atCallee);
    if (answeredAt === null || atCallee.firstPacketAt === null)
      throw new Error(`${callee.label}: no answer start recorded`);
    if (atCallee.peerConnections !== 1 || atCallee.peerConnectionAt === null)
      throw new Error(`${callee.label}: ${atCallee.peerConnections} peer connections in one call`);
    // No audio can arrive before the answer is made (the caller has no answer to start ICE with):
    // if it seems to, the two processes' clocks disagree. (The softphone's page prepares its peer
    // connection while the call rings, so the connection's creation is no landmark.)
    if (atCallee.firstPacketAt < answeredAt)
      throw new Error(`${callee.label}: first audio at ${atCallee.firstPacketAt} is before accept() (${answeredAt})`);
    const invite = atCaller?.invitesSent.find((sent) => sent.cseq === atCaller.okCSeq);
    if (!atCaller || atCaller.okAt === null || !invite) throw new Error('the caller saw no INVITE answered by 200 OK');
    return {
      inviteToOk: atCaller.okAt - invite.at,
      answerToAudio: atCallee.firstPacketAt - answeredAt,
      firstPacket: !atCallee.firstPacketFromStats
        ? 'atPoll'
        : atCallee.packetsAtFirstSight === 1
          ? 'exact'
          : 'countedBack',
    };
  } finally {
    const now = await caller.state();
    if (now.session !== 'idle' && now.session !== 'terminated') await caller.hangup();
    await until(`${callee.label} to be idle`, callee.idle, Boolean, IDLE_TIMEOUT_MS).catch((error: Error) => {
      throw new StuckError(error.message);
    });
    await sleep(SETTLE_MS);
  }
}

export async function benchCallSetup(pbx: Pbx, rounds = 15, signal?: AbortSignal): Promise<CallSetupResult> {
  const cleanups: { what: string; run: () => Promise<unknown> }[] = [];
  try {
    // The renderer the web host serves was built from this checkout by bench/run.ts.
    const browser = await launchBrowser();
    cleanups.push({ what: 'Chromium', run: () => browser.close() });
    cleanups.push({ what: 'the browser peer server', run: stopSharedBrowserPeerServer });

    // (a) the softphone: web host + its page, registered as DESK_USER, answering by itself.
    const web = await startWebHost({
      settings: {
        sip: { wsUrl: pbx.wsUrl, user: DESK_USER, domain: pbx.domain },
        calls: { autoAnswer: true },
      },
      env: {
        HEADSET_SOFTPHONE_SIP_PASSWORD: getTestAccount(DESK_USER).password,
        NODE_OPTIONS: [process.env.NODE_OPTIONS, `--import=${pathToFileURL(CORE_PROBE).href}`]
          .filter(Boolean)
          .join(' '),
      },
    });
    cleanups.push({ what: 'the web host', run: () => web.stop() });
    const deskContext = await browser.newContext();
    cleanups.push({ what: 'the desk page', run: () => deskContext.close() });
    await deskContext.addInitScript({ content: PROBE_SOURCE });
    const deskPage = await deskContext.newPage();
    await deskPage.goto(web.url);
    await deskPage.locator('[role="status"][data-status="registered"]').waitFor({ timeout: 30_000 });
    const desk: Callee = {
      label: 'the softphone',
      target: DESK_USER,
      page: deskPage,
      answeredAt: (callId) => {
        const prefix = `bench-probe accept ${callId} `;
        const line = web
          .output()
          .split('\n')
          .find((l) => l.startsWith(prefix));
        return line ? Number(line.slice(prefix.length)) : null;
      },
      idle: () => deskPage.evaluate('window.softphoneMedia.callIds().length === 0') as Promise<boolean>,
    };

    // (b) plain sip.js in a page, answering at once.
    const plainPeer = await startBrowserPeer(browser, {
      pbx,
      user: PLAIN_USER,
      incoming: { mode: 'answer', afterMs: 0 },
    });
    cleanups.push({ what: 'the plain sip.js callee', run: () => plainPeer.close() });
    await probePeer(plainPeer);
    const plain: Callee = {
      label: 'plain sip.js',
      target: PLAIN_USER,
      page: plainPeer.page,
      answeredAt: (_callId, inPage) => inPage.answerAt,
      idle: async () => ['idle', 'terminated'].includes((await plainPeer.state()).session),
    };

    const caller = await startBrowserPeer(browser, { pbx, user: CALLER_USER });
    cleanups.push({ what: 'the caller', run: () => caller.close() });
    await probePeer(caller);

    for (const page of [deskPage, plainPeer.page, caller.page]) {
      const visibility = await page.evaluate('window.benchProbe.visibility()');
      if (visibility !== 'visible') console.warn(`warning: a page is ${visibility}; its timers may be throttled`);
    }

    const headers = [`Call-Info: <sip:${pbx.domain}>;answer-after=0`];
    const result: CallSetupResult = {
      ours: { inviteToOk: [], answerToAudio: [] },
      plain: { inviteToOk: [], answerToAudio: [] },
      failures: [],
      firstPacket: { exact: 0, countedBack: 0, atPoll: 0 },
    };
    // Warm-up (first getUserMedia, first peer connection, JIT): not counted, but must work.
    await oneCall(caller, desk, headers);
    await oneCall(caller, plain, headers);
    for (let i = 0; i < rounds; i++) {
      const order: [Callee, CallSetupSamples][] = [
        [desk, result.ours],
        [plain, result.plain],
      ];
      if (i % 2 === 1) order.reverse();
      for (const [callee, samples] of order) {
        signal?.throwIfAborted();
        try {
          const sample = await oneCall(caller, callee, headers);
          samples.inviteToOk.push(sample.inviteToOk);
          samples.answerToAudio.push(sample.answerToAudio);
          result.firstPacket[sample.firstPacket] += 1;
        } catch (error) {
          // One bad call on a noisy machine is reported and left out; a party that is stuck is fatal.
          if (error instanceof StuckError) throw error;
          result.failures.push(`round ${i + 1}, ${callee.label}: ${(error as Error).message.split('\n')[0]}`);
          if (result.failures.length > Math.max(2, rounds / 3)) throw error;
        }
      }
    }
    if (!result.ours.inviteToOk.length || !result.plain.inviteToOk.length)
      throw new Error(`no complete call on one side:\n${result.failures.join('\n')}`);
    return result;
  } finally {
    for (const { what, run } of cleanups.reverse()) {
      await run().catch((error: unknown) => console.warn(`could not stop ${what}: ${(error as Error).message}`));
    }
  }
}
