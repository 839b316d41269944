import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron, expect, test } from '@playwright/test';
import { getTestAccount } from '../../tools/pbx/accounts.js';
import { startPbx } from '../../tools/pbx/pbx.js';

// The desktop app end to end: the built app (`npx electron-vite build` first) in a real Electron.
// Electron's binary cannot be downloaded on every machine (ELECTRON_SKIP_BINARY_DOWNLOAD=1); there
// this test is skipped and says so, and the same renderer and core are covered through the web host.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);

/** `require('electron')` in Node gives the binary's path; it throws when the binary was never installed. */
function electronBinary(): string | undefined {
  try {
    const binary = require('electron') as unknown;
    return typeof binary === 'string' && fs.existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}

/** The Electron binary, or the test is skipped with the reason printed. */
function electronOrSkip(): string | undefined {
  const binary = electronBinary();
  if (binary) return binary;
  const reason =
    'Skipped: the Electron binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD=1, or no network to fetch it), so the desktop app cannot be launched on this machine.';
  console.log(reason);
  test.skip(true, reason);
  return undefined;
}

/** Starts the built app on its own user-data folder, with `extraArgs` and `extraEnv`. */
async function launch(
  binary: string,
  userData: string,
  extraArgs: string[] = [],
  extraEnv: Record<string, string> = {},
) {
  if (
    !fs.existsSync(path.join(root, 'out', 'main', 'index.js')) ||
    !fs.existsSync(path.join(root, 'out', 'preload', 'index.cjs'))
  ) {
    throw new Error('The desktop app is not built: run `npx electron-vite build` before this test.');
  }
  const args = [root, `--user-data-dir=${userData}`, ...extraArgs];
  // Chromium refuses to start as root with its OS sandbox on (CI containers); the renderer is still
  // context-isolated and Node-free, which is what these tests check.
  if (process.getuid?.() === 0) args.push('--no-sandbox');
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  delete env.ELECTRON_RUN_AS_NODE;
  delete env.ELECTRON_RENDERER_URL;
  // No machine policy from the host running the test.
  env.HEADSET_SOFTPHONE_POLICY = path.join(userData, 'no-policy.json');
  // The SQLite module built for Electron's ABI (node_modules' own is built for Node).
  env.HEADSET_SOFTPHONE_SQLITE_BINDING = execFileSync(process.execPath, ['scripts/electron-native.mjs'], {
    cwd: root,
    encoding: 'utf8',
  }).trim();
  return _electron.launch({ executablePath: binary, args, cwd: root, env: { ...env, ...extraEnv }, timeout: 60_000 });
}

test('the desktop app opens the softphone in a sandboxed window that sees only the bridge', async () => {
  const binary = electronOrSkip();
  if (!binary) return;
  const userData = fs.mkdtempSync(path.join(os.tmpdir(), 'softphone-electron-'));
  const app = await launch(binary, userData);
  try {
    const page = await app.firstWindow();
    await expect(page.getByRole('status', { name: 'Line' })).toBeVisible({ timeout: 20_000 });
    expect(page.url()).toMatch(/^app:\/\/softphone\//);

    const exposed = await page.evaluate(() => {
      const scope = globalThis as Record<string, unknown>;
      const bridge = scope.softphone as Record<string, unknown> | undefined;
      return {
        softphone: typeof bridge,
        bridgeKeys: bridge ? Object.keys(bridge).sort() : [],
        require: typeof scope.require,
        process: typeof scope.process,
        module: typeof scope.module,
        Buffer: typeof scope.Buffer,
      };
    });
    expect(exposed).toEqual({
      softphone: 'object',
      bridgeKeys: ['onMessage', 'send'],
      require: 'undefined',
      process: 'undefined',
      module: 'undefined',
      Buffer: 'undefined',
    });

    // New windows are refused.
    expect(
      await page.evaluate(
        () => (globalThis as unknown as { open(url: string): unknown }).open('https://example.org') === null,
      ),
    ).toBe(true);
  } finally {
    await app.close();
    fs.rmSync(userData, { recursive: true, force: true });
  }
});

test('the desktop app registers on the local PBX, and a tel: link on its command line dials after the agent says yes', async () => {
  const binary = electronOrSkip();
  if (!binary) return;
  const pbx = await startPbx();
  const userData = fs.mkdtempSync(path.join(os.tmpdir(), 'softphone-electron-'));
  const account = getTestAccount('1001');
  fs.writeFileSync(
    path.join(userData, 'settings.json'),
    JSON.stringify({
      sip: { wsUrl: pbx.wsUrl, user: account.user, domain: pbx.domain },
      phone: { defaultRegion: 'IT' },
    }),
  );
  // The link as the OS hands it over when the app is started by a click on it; a development run
  // takes the password from the environment (no keyring on a CI machine).
  const app = await launch(binary, userData, ['tel:1004'], { HEADSET_SOFTPHONE_SIP_PASSWORD: account.password });
  try {
    const page = await app.firstWindow();
    await expect(page.getByRole('status', { name: 'Line' })).toContainText('Registered', { timeout: 30_000 });
    const prompt = page.getByRole('alertdialog', { name: 'Call from a link' });
    await expect(prompt).toContainText('Another program asks to call 1004.');
    await page.keyboard.press('Enter');
    // Nobody is registered as 1004: the PBX refuses the call, which proves it was placed.
    await expect(page.getByRole('region', { name: 'Last call' })).toBeVisible({ timeout: 20_000 });
  } finally {
    await app.close();
    await pbx.stop();
    fs.rmSync(userData, { recursive: true, force: true });
  }
});
