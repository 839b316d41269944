#!/usr/bin/env node
// `npm start`: builds the desktop app (electron-vite build) and runs it in Electron.
// The Electron binary is not always installed (ELECTRON_SKIP_BINARY_DOWNLOAD=1 where it cannot be
// downloaded): then this tries once to fetch it and otherwise says, in one sentence, what to do.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronSqlite } from './electron-native.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));
/** One attempt; with no network it fails at once, a slow mirror gets this long. */
const DOWNLOAD_TIMEOUT_MS = 90_000;
const NO_ELECTRON =
  'The Electron binary is not installed and cannot be downloaded on this machine; ' +
  'run `npm run web` to use the softphone in a browser instead.';

/** The path of the Electron binary if it is installed. `require('electron')` in Node returns it. */
function electronBinary() {
  try {
    delete require.cache[require.resolve('electron')];
    const binary = require('electron');
    return typeof binary === 'string' && fs.existsSync(binary) ? binary : undefined;
  } catch {
    // Not installed at all, or installed without its binary (no path.txt).
    return undefined;
  }
}

function tryDownloadElectron() {
  let installer;
  try {
    installer = path.join(path.dirname(require.resolve('electron/package.json')), 'install.js');
  } catch {
    return;
  }
  const env = { ...process.env };
  delete env.ELECTRON_SKIP_BINARY_DOWNLOAD;
  delete env.npm_config_electron_skip_binary_download;
  const notice = setTimeout(() => console.error('Downloading the Electron binary…'), 3000);
  // Its output (a stack trace when offline) is not for the agent; run install.js by hand to see it.
  spawnSync(process.execPath, [installer], { cwd: root, env, stdio: 'ignore', timeout: DOWNLOAD_TIMEOUT_MS });
  clearTimeout(notice);
}

let binary = electronBinary();
if (!binary) {
  tryDownloadElectron();
  binary = electronBinary();
}
if (!binary) {
  console.error(NO_ELECTRON);
  process.exit(1);
}
// `--check`: only tell (exit 0) whether the Electron app can run here; `npm run app` uses it.
if (process.argv.includes('--check')) process.exit(0);

const build = spawnSync(
  process.execPath,
  [path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
if (build.status !== 0) {
  console.error('The build failed (see above); the app was not started.');
  process.exit(build.status ?? 1);
}

const env = { ...process.env };
// Would turn Electron into plain Node (the packaged app has this fuse off anyway).
delete env.ELECTRON_RUN_AS_NODE;
// better-sqlite3 built for Electron's ABI (node_modules' own is built for Node).
try {
  env.HEADSET_SOFTPHONE_SQLITE_BINDING = electronSqlite();
} catch (error) {
  console.error(`${error.message} The app was not started.`);
  process.exit(1);
}
const child = spawn(binary, [root, ...process.argv.slice(2)], { cwd: root, env, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (child.exitCode === null) child.kill(signal);
  });
}
child.on('error', (error) => {
  console.error(`Electron could not be started: ${error.message}`);
  process.exit(1);
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
