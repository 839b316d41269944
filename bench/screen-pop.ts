/**
 * Screen-pop latency end to end: from the INVITE reaching the desk's core to the caller's record
 * being in the desk page's DOM (web host, Chromium), for a desk with a large customer cache and,
 * side by side in the same run, a desk with an empty one (the floor: everything but the lookup).
 *
 * One caller (plain sip.js in Chromium) calls the two desks in turn (ABBA), each INVITE carrying a
 * customer's number in P-Asserted-Identity as a PBX queue does: a number of the large cache (its
 * record pops) or, for the empty desk, the same number (its create form pops). The caller cancels
 * once the pop is seen, and the next call starts when both sides are idle.
 *
 * The two ends, both on the system clock (Date.now(), whole ms, both processes on this machine):
 *   - start: the call's `startedAt`, which the core stamps when sip.js hands it the INVITE
 *     (src/telephony/phone.ts, receive → track), read from the `calls` event the page receives;
 *   - end: a MutationObserver in the desk page, when the pinned record's card, chooser or form is
 *     added to the DOM (bench/pop-probe.js).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from '@playwright/test';
import { CUSTOMER_DB_FILE } from '../src/config/paths.js';
import { startWebHost, type WebHostProcess } from '../tests/e2e/stack.js';
import { startBrowserPeer, type BrowserPeer } from '../tests/support/browser-peer/index.js';
import { getTestAccount } from '../tools/pbx/accounts.js';
import type { Pbx } from '../tools/pbx/pbx.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PROBE_SOURCE = fs.readFileSync(path.join(ROOT, 'bench', 'pop-probe.js'), 'utf8');
const CALLER_USER = '1003';
const POP_TIMEOUT_MS = 10_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Desk {
  label: string;
  user: string;
  web: WebHostProcess;
  page: Page;
}

async function openDesk(browser: Browser, pbx: Pbx, user: string, label: string, cacheFile?: string): Promise<Desk> {
  const web = await startWebHost({
    settings: {
      sip: { wsUrl: pbx.wsUrl, user, domain: pbx.domain, displayName: getTestAccount(user).displayName },
    },
    env: { HEADSET_SOFTPHONE_SIP_PASSWORD: getTestAccount(user).password },
    // The large cache is used in place (a symbolic link: SQLite puts its WAL beside the real file).
    prepare: cacheFile ? (dataDir) => fs.symlinkSync(cacheFile, path.join(dataDir, CUSTOMER_DB_FILE)) : undefined,
  });
  const page = await (await browser.newContext({ permissions: ['microphone'] })).newPage();
  await page.addInitScript(PROBE_SOURCE);
  await page.goto(web.url);
  const deadline = Date.now() + 30_000;
  while (!(await page.getByRole('status', { name: 'Line' }).textContent())?.includes('Registered')) {
    if (Date.now() > deadline) throw new Error(`${label}: the desk did not register`);
    await sleep(100);
  }
  return { label, user, web, page };
}

interface PopSample {
  callId: string;
  startedAt: number;
  poppedAt: number;
  kind: string;
}

const popCount = (desk: Desk) => desk.page.evaluate('window.popProbe.count()') as Promise<number>;

/** The first record popped after `before` records: the one of the call just placed. */
async function popOf(desk: Desk, before: number): Promise<PopSample> {
  const deadline = Date.now() + POP_TIMEOUT_MS;
  for (;;) {
    const found = (await desk.page.evaluate(`window.popProbe.at(${before})`)) as PopSample | null;
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`${desk.label}: no record popped within ${POP_TIMEOUT_MS} ms`);
    await sleep(20);
  }
}

export interface ScreenPopResult {
  /** Milliseconds from the INVITE at the core to the record in the DOM, per desk label. */
  samples: Record<string, number[]>;
  kinds: Record<string, Record<string, number>>;
  failures: string[];
}

/**
 * `numbers`: E.164 numbers of customers in `cacheFile`, called in turn. `rounds` calls to each desk.
 */
export async function benchScreenPop(
  browser: Browser,
  pbx: Pbx,
  options: { cacheFile: string; cacheLabel: string; numbers: string[]; rounds: number },
  signal?: AbortSignal,
): Promise<ScreenPopResult> {
  const desks: Desk[] = [];
  let caller: BrowserPeer | undefined;
  const result: ScreenPopResult = { samples: {}, kinds: {}, failures: [] };
  try {
    desks.push(await openDesk(browser, pbx, '1001', options.cacheLabel, options.cacheFile));
    desks.push(await openDesk(browser, pbx, '1002', 'empty customer cache'));
    caller = await startBrowserPeer(browser, { pbx, user: CALLER_USER });
    for (const desk of desks) {
      result.samples[desk.label] = [];
      result.kinds[desk.label] = {};
    }
    // One warm-up call to each desk, then ABBA rounds.
    for (let round = -1; round < options.rounds; round++) {
      signal?.throwIfAborted();
      const order = round % 2 === 0 ? desks : [...desks].reverse();
      for (const desk of order) {
        const number = options.numbers[(round + 1) % options.numbers.length]!;
        const before = await popCount(desk);
        try {
          await caller.call(`sip:${desk.user}@${pbx.domain}`, {
            extraHeaders: [`P-Asserted-Identity: <sip:${number}@${pbx.domain}>`],
          });
          const pop = await popOf(desk, before);
          if (round >= 0) {
            result.samples[desk.label]!.push(pop.poppedAt - pop.startedAt);
            result.kinds[desk.label]![pop.kind] = (result.kinds[desk.label]![pop.kind] ?? 0) + 1;
          }
        } catch (error) {
          result.failures.push(`${desk.label}, round ${round}: ${(error as Error).message}`);
        } finally {
          await caller.hangup().catch(() => undefined);
          await caller
            .waitForState((s) => s.session === 'idle' || s.session === 'terminated', 10_000)
            .catch(() => {
              throw new Error('the caller did not get idle after a call');
            });
          // Let the desk see the CANCEL and settle (its ended call stays listed until the next one).
          await sleep(150);
        }
      }
    }
  } finally {
    await caller?.close().catch(() => undefined);
    for (const desk of desks) {
      await desk.page
        .context()
        .close()
        .catch(() => undefined);
      await desk.web.stop();
    }
  }
  return result;
}
