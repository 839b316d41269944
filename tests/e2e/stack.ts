import { spawn, type ChildProcess } from 'node:child_process';
import { test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir, writeJson } from '../support/tmp.js';

export interface WebHostProcess {
  url: string;
  origin: string;
  port: number;
  token: string;
  dataDir: string;
  output: () => string;
  /**
   * Opens the desk's page in a browser context of its own, closed when the host stops. A page left
   * open after its host is gone keeps trying to reconnect and re-rendering its timers: a worker's
   * browser collected dozens of them, and the machine's load with them.
   */
  open(browser: Browser): Promise<Page>;
  /**
   * Kills the host (SIGKILL: no clean stop, as in a crash or a power cut) and starts it again on
   * the same data folder; the returned host replaces this one (push it onto the spec's hosts).
   */
  crashAndRestart(): Promise<WebHostProcess>;
  stop(): Promise<void>;
}

/**
 * What every desk of the e2e tests starts with, unless a test sets the section itself: the call
 * tests press Hold and expect a hold (the etiquette prompt before it is guidance.spec.ts's subject),
 * and take call after call (an agent in Wrap-up would decline the next one: wrap-up.spec.ts's).
 */
const TEST_DEFAULTS = {
  guidance: { askBeforeHold: false },
  work: { whenNotAvailable: 'ring' },
};

type HostOptions = {
  settings?: unknown;
  policy?: unknown;
  env?: Record<string, string>;
  /** Prepares the data folder before the host starts (e.g. a customer cache). */
  prepare?: (dataDir: string) => void;
};

/**
 * Starts the web host the way a user does (`tsx main/web/cli.ts`), in its own process, with a
 * fresh data folder and optional user settings, policy and password.
 */
export async function startWebHost(options: HostOptions = {}): Promise<WebHostProcess> {
  const { dir, cleanup } = tempDir('softphone-e2e-');
  const dataDir = path.join(dir, 'data');
  writeJson(path.join(dataDir, 'settings.json'), { ...TEST_DEFAULTS, ...(options.settings as object | undefined) });
  if (options.prepare) {
    fs.mkdirSync(dataDir, { recursive: true });
    options.prepare(dataDir);
  }
  const policyFile = path.join(dir, 'policy.json');
  if (options.policy) writeJson(policyFile, options.policy);
  return launch(dataDir, policyFile, cleanup, options.env);
}

async function launch(
  dataDir: string,
  policyFile: string,
  cleanup: () => void,
  env: Record<string, string> | undefined,
): Promise<WebHostProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'main/web/cli.ts', '--data-dir', dataDir, '--port', '0'],
    {
      cwd: process.cwd(),
      env: { ...process.env, HEADSET_SOFTPHONE_POLICY: policyFile, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The web host did not start:\n${output}`)), 30_000);
    const check = () => {
      const match = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => reject(new Error(`The web host exited with ${code}:\n${output}`)));
  });
  const parsed = new URL(url);
  const contexts: BrowserContext[] = [];
  // After crashAndRestart the folder belongs to the new host: this one's stop leaves it.
  let handedOver = false;
  return {
    url,
    origin: parsed.origin,
    port: Number(parsed.port),
    token: parsed.searchParams.get('token')!,
    dataDir,
    output: () => output,
    async open(browser) {
      const context = await browser.newContext();
      contexts.push(context);
      const page = await context.newPage();
      await page.goto(url);
      return page;
    },
    async crashAndRestart() {
      for (const context of contexts.splice(0)) await context.close().catch(() => undefined);
      child.kill('SIGKILL');
      await exited;
      handedOver = true;
      return launch(dataDir, policyFile, cleanup, env);
    },
    async stop() {
      for (const context of contexts.splice(0)) await context.close().catch(() => undefined);
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
      if (!handedOver && !fs.existsSync(path.join(dataDir, 'keep'))) cleanup();
    },
  };
}

/**
 * When the running test failed: each host's output and core log (personal data masked, as always)
 * go into the report, before the hosts are stopped and their folders removed.
 */
export async function attachHostLogs(hosts: readonly WebHostProcess[]): Promise<void> {
  const info = test.info();
  if (info.status === info.expectedStatus) return;
  for (const [index, host] of hosts.entries()) {
    await info.attach(`web host ${index + 1} output`, { body: host.output(), contentType: 'text/plain' });
    const log = path.join(host.dataDir, 'logs', 'core.log');
    if (fs.existsSync(log))
      await info.attach(`web host ${index + 1} core.log`, { path: log, contentType: 'text/plain' });
  }
}
