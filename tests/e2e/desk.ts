import { expect, test, type Browser, type Page } from '@playwright/test';
import { getTestAccount } from '../../tools/pbx/accounts.js';
import { startPbx, type Pbx } from '../../tools/pbx/pbx.js';
import type { BrowserPeer } from '../support/browser-peer/index.js';
import { attachHostLogs, startWebHost, type WebHostProcess } from './stack.js';

/**
 * An agent's desk: the web host in its own process with the account of `user` on the test PBX,
 * and its page open in a fresh browser context, registered. The host is pushed onto `hosts` so
 * the spec's afterEach stops it (a stale registration would make Kamailio fork later calls to it).
 * `settings` replace whole sections of the defaults given here.
 */
export async function openDesk(
  browser: Browser,
  pbx: Pbx,
  user: string,
  hosts: WebHostProcess[],
  settings: Record<string, unknown> = {},
): Promise<Page> {
  const web = await startWebHost({
    settings: {
      sip: { wsUrl: pbx.wsUrl, user, domain: pbx.domain, displayName: getTestAccount(user).displayName },
      ...settings,
    },
    env: { HEADSET_SOFTPHONE_SIP_PASSWORD: getTestAccount(user).password },
  });
  hosts.push(web);
  const page = await web.open(browser);
  await expect(page.getByRole('status', { name: 'Line' })).toContainText('Registered');
  return page;
}

/** What the desk's call sounds are doing (renderer/src/media/tones.ts). */
export async function deskTones(
  page: Page,
): Promise<{ ringtone: { playing: boolean }; ringback: { playing: boolean }; blocked: boolean }> {
  return page.evaluate(() =>
    (
      globalThis as unknown as {
        softphoneTones: {
          snapshot(): { ringtone: { playing: boolean }; ringback: { playing: boolean }; blocked: boolean };
        };
      }
    ).softphoneTones.snapshot(),
  );
}

/**
 * The usual stack of a call spec: one Kamailio for the file, and the desks and browser peers each
 * test starts, stopped after it (a desk left registered would make Kamailio fork the next test's
 * calls to it). Push what you start onto `hosts` and `peers`.
 */
export function useCallStack(): { readonly pbx: Pbx; hosts: WebHostProcess[]; peers: BrowserPeer[] } {
  let pbx: Pbx | undefined;
  const stack = {
    get pbx(): Pbx {
      if (!pbx) throw new Error('the PBX is not started yet (use it inside a test)');
      return pbx;
    },
    hosts: [] as WebHostProcess[],
    peers: [] as BrowserPeer[],
  };
  test.beforeAll(async () => {
    pbx = await startPbx();
  });
  test.afterEach(async () => {
    await attachHostLogs(stack.hosts);
    for (const peer of stack.peers.splice(0)) await peer.close();
    for (const host of stack.hosts.splice(0)) await host.stop();
  });
  test.afterAll(async () => {
    await pbx?.stop();
  });
  return stack;
}

/** The heading of the guidance's current phase on a desk ("Welcome", "Introduce yourself", …). */
export function currentPhase(page: Page) {
  return page
    .getByRole('region', { name: 'Call guidance' })
    .getByRole('region', { name: 'Current phase' })
    .getByRole('heading');
}
