#!/usr/bin/env node
// The SQLite module (better-sqlite3) built for Electron, for `npm start` and the Electron end-to-end
// test: `node scripts/electron-native.mjs` prepares it if needed and prints its path.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));

/**
 * better-sqlite3 as Electron's Node ABI needs it, in .tmp/electron-native (node_modules keeps the
 * build the web host and the tests use): a copy of the package given Electron's prebuilt binary
 * (prebuild-install), or compiled against Electron's headers where there is none. Once per
 * Electron version; both ways need the network the first time.
 */
export function electronSqlite() {
  const electronDir = path.dirname(require.resolve('electron/package.json'));
  const version = JSON.parse(fs.readFileSync(path.join(electronDir, 'package.json'), 'utf8')).version;
  const dir = path.join(root, '.tmp', 'electron-native', `electron-${version}`, 'better-sqlite3');
  const binding = path.join(dir, 'build', 'Release', 'better_sqlite3.node');
  if (fs.existsSync(binding)) return binding;
  console.error(`Preparing the SQLite module for Electron ${version} (once)…`);
  fs.rmSync(dir, { recursive: true, force: true });
  const source = path.dirname(require.resolve('better-sqlite3/package.json'));
  fs.cpSync(source, dir, {
    recursive: true,
    filter: (file) => !path.relative(source, file).startsWith('build'),
  });
  const bin = (name) => path.join(root, 'node_modules', '.bin', name);
  const prebuilt = spawnSync(bin('prebuild-install'), ['--runtime', 'electron', '--target', version], {
    cwd: dir,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (prebuilt.status === 0 && fs.existsSync(binding)) return binding;
  const built = spawnSync(
    bin('node-gyp'),
    ['rebuild', '--release', `--target=${version}`, '--dist-url=https://electronjs.org/headers'],
    { cwd: dir, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  if (built.status === 0 && fs.existsSync(binding)) return binding;
  throw new Error('The SQLite module could not be prepared for Electron (see above).');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    console.log(electronSqlite());
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
