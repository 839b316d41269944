import type { Browser, Page } from '@playwright/test';
import { startWebHost, type WebHostProcess } from '../tests/e2e/stack.js';
import { getTestAccount } from '../tools/pbx/accounts.js';

/** What a bench tears down at the end, in reverse order, and what it prints when a run goes wrong. */
export interface BenchTeardown {
  cleanups: { what: string; run: () => Promise<unknown> }[];
  diagnostics: (() => string)[];
}

/**
 * A desk for a benchmark: the web host in its own process with the account of `user` pointed at
 * `wsUrl` (the PBX, or a relay in front of it), and its page open and registered. The renderer the
 * host serves was built from this checkout by bench/run.ts.
 */
export async function openBenchDesk(
  browser: Browser,
  options: { wsUrl: string; domain: string; user: string; prepare?: (dataDir: string) => void },
  teardown: BenchTeardown,
): Promise<{ web: WebHostProcess; page: Page }> {
  const account = getTestAccount(options.user);
  const web = await startWebHost({
    settings: {
      sip: { wsUrl: options.wsUrl, user: options.user, domain: options.domain, displayName: account.displayName },
    },
    env: { HEADSET_SOFTPHONE_SIP_PASSWORD: account.password },
    prepare: options.prepare,
  });
  teardown.cleanups.push({ what: `the web host of ${options.user}`, run: () => web.stop() });
  teardown.diagnostics.push(() => `--- web host output ---\n${web.output().split('\n').slice(-30).join('\n')}`);
  const context = await browser.newContext({ permissions: ['microphone'] });
  teardown.cleanups.push({ what: `the desk page of ${options.user}`, run: () => context.close() });
  const page = await context.newPage();
  return { web, page };
}

/** Opens the desk's page and waits until its line is registered. */
export async function gotoRegistered(page: Page, web: WebHostProcess): Promise<void> {
  await page.goto(web.url);
  await page.locator('[role="status"][data-status="registered"]').waitFor({ timeout: 30_000 });
}
