import { spawn, type ChildProcess } from 'node:child_process';
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

/**
 * Starts the web host the way a user does (`tsx main/web/cli.ts`), in its own process, with a
 * fresh data folder and optional user settings, policy and password.
 */
export async function startWebHost(
  options: {
    settings?: unknown;
    policy?: unknown;
    env?: Record<string, string>;
    /** Prepares the data folder before the host starts (e.g. a customer cache). */
    prepare?: (dataDir: string) => void;
  } = {},
): Promise<WebHostProcess> {
  const { dir, cleanup } = tempDir('softphone-e2e-');
  const dataDir = path.join(dir, 'data');
  writeJson(path.join(dataDir, 'settings.json'), { ...TEST_DEFAULTS, ...(options.settings as object | undefined) });
  if (options.prepare) {
    fs.mkdirSync(dataDir, { recursive: true });
    options.prepare(dataDir);
  }
  const policyFile = path.join(dir, 'policy.json');
  if (options.policy) writeJson(policyFile, options.policy);
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'main/web/cli.ts', '--data-dir', dataDir, '--port', '0'],
    {
      cwd: process.cwd(),
      env: { ...process.env, HEADSET_SOFTPHONE_POLICY: policyFile, ...options.env },
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
  return {
    url,
    origin: parsed.origin,
    port: Number(parsed.port),
    token: parsed.searchParams.get('token')!,
    dataDir,
    output: () => output,
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
      if (!fs.existsSync(path.join(dataDir, 'keep'))) cleanup();
    },
  };
}
