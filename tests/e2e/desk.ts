import { expect, type Browser, type Page } from '@playwright/test';
import { getTestAccount } from '../../tools/pbx/accounts.js';
import type { Pbx } from '../../tools/pbx/pbx.js';
import { startWebHost, type WebHostProcess } from './stack.js';

/**
 * An agent's desk: the web host in its own process with the account of `user` on the test PBX,
 * and its page open in a fresh browser context, registered. The host is pushed onto `hosts` so
 * the spec's afterEach stops it (a stale registration would make Kamailio fork later calls to it).
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
  const page = await (await browser.newContext()).newPage();
  await page.goto(web.url);
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
