import { execFile, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CUSTOMER_DB_FILE } from '../../src/config/paths.js';
import { migrate, openDatabase } from '../../src/storage/database.js';
import { CUSTOMER_MIGRATIONS } from '../../src/storage/migrations/index.js';
import { tempDir } from '../support/tmp.js';

/** A schema version from an app newer than this one. */
const NEWER = CUSTOMER_MIGRATIONS.length + 1;

// Each run starts tsx and a worker thread: a second or two on a busy 2-core machine.
vi.setConfig({ testTimeout: 60_000 });

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const tsxCli = fileURLToPath(import.meta.resolve('tsx/cli'));
const cli = path.join(root, 'tools', 'customers', 'cli.ts');

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run import -- …` is `tsx tools/customers/cli.ts import …`; the same for seed. */
function run(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [tsxCli, cli, ...args],
      { cwd: root, env: { ...process.env, HOME: dir } },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr }),
    );
  });
}

const count = (dataDir: string) => {
  const db = openDatabase(path.join(dataDir, CUSTOMER_DB_FILE));
  try {
    return db.prepare('SELECT count(*) FROM customers').pluck().get() as number;
  } finally {
    db.close();
  }
};

describe('npm run seed and npm run import', () => {
  it('explain themselves with --help', async () => {
    const [seed, imports] = await Promise.all([run('seed', '--help'), run('import', '--help')]);
    expect(seed).toMatchObject({ code: 0 });
    expect(seed.stdout).toContain(
      'Usage: npm run seed -- [--customers <n>] [--seed <n>] [--data-dir <dir>] [--csv <file>]',
    );
    expect(imports).toMatchObject({ code: 0 });
    expect(imports.stdout).toContain(
      'Usage: npm run import -- customers <file.csv> [--data-dir <dir>] [--region <CC>]',
    );
    expect(imports.stdout).toContain('docs/customer-import.md');
  });

  it('seed a data folder, write the same customers as CSV, and import it with the bad rows listed', async () => {
    const dataDir = path.join(dir, 'data');
    const csvFile = path.join(dir, 'seed.csv');
    const [seeded, written] = await Promise.all([
      run('seed', '--customers', '300', '--seed', '7', '--data-dir', dataDir),
      run('seed', '--customers', '300', '--seed', '7', '--csv', csvFile),
    ]);
    expect(seeded).toMatchObject({ code: 0 });
    expect(seeded.stdout).toMatch(/^Seeded .*customers\.sqlite in [\d.]+ s\.\n {2}customers {5}300 \(new 300\)/);
    expect(seeded.stdout).toMatch(/service lines 10/);
    expect(seeded.stderr).toContain('customers (seed 7)');
    expect(count(dataDir)).toBe(300);
    expect(written).toMatchObject({ code: 0 });
    expect(written.stdout).toContain(`Wrote 300 customers to ${csvFile}`);

    fs.appendFileSync(csvFile, 'BAD-1,,Nobody,,,,,,,,,,,12345678901234567,\n');
    const imported = await run('import', 'customers', csvFile, '--data-dir', dataDir, '--region', 'gb');
    expect(imported).toMatchObject({ code: 0 });
    expect(imported.stderr).toContain('(numbers without a country code read as GB)');
    expect(imported.stdout).toContain('  rows read   301\n  imported    300 (new 0, updated 300)\n  rejected    1');
    expect(imported.stdout).toContain('line 302 (BAD-1): "12345678901234567" is not a phone number');
    expect(count(dataDir)).toBe(300);
  });

  it('fail plainly, leave the cache as it was, and exit 1 (2 for wrong arguments)', async () => {
    const dataDir = path.join(dir, 'data');
    const badHeader = path.join(dir, 'bad.csv');
    fs.writeFileSync(badHeader, 'id,name\n1,Anna\n');
    const tooNew = path.join(dir, 'too-new');
    fs.mkdirSync(tooNew);
    const db = openDatabase(path.join(tooNew, CUSTOMER_DB_FILE));
    migrate(db, CUSTOMER_MIGRATIONS);
    db.pragma(`user_version = ${NEWER}`);
    db.close();

    const [header, missing, what, region, newer, count0] = await Promise.all([
      run('import', 'customers', badHeader, '--data-dir', dataDir),
      run('import', 'customers', path.join(dir, 'nothing.csv'), '--data-dir', dataDir),
      run('import', 'people', badHeader),
      run('import', 'customers', badHeader, '--region', 'Italy', '--data-dir', dataDir),
      run('seed', '--customers', '10', '--data-dir', tooNew),
      run('seed', '--customers', '0', '--data-dir', dataDir),
    ]);
    expect(header.code).toBe(1);
    expect(header.stderr).toContain(
      'The header row (line 1) does not fit: it names columns this import does not know: "id", "name"',
    );
    expect(count(dataDir)).toBe(0);
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringContaining('There is no file') });
    expect(what).toMatchObject({ code: 2, stderr: expect.stringContaining('Cannot import "people": only customers.') });
    expect(region).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--region must be a two-letter country code'),
    });
    expect(newer.code).toBe(1);
    expect(newer.stderr).toContain(
      `has schema version ${NEWER}, but this version of the app knows versions up to ${CUSTOMER_MIGRATIONS.length}`,
    );
    expect(count0).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--customers must be a whole number of at least 1'),
    });
  });

  it('killed half-way through an import (kill -9): the cache is as it was and sound', async () => {
    const dataDir = path.join(dir, 'data');
    await run('seed', '--customers', '50', '--data-dir', dataDir);
    const fifo = path.join(dir, 'in.fifo');
    execFileSync('mkfifo', [fifo]);
    const child = spawn(process.execPath, [tsxCli, cli, 'import', 'customers', fifo, '--data-dir', dataDir], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    const progressed = new Promise<void>((resolve) =>
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (/1,000 rows read/.test(stderr)) resolve();
      }),
    );
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    );
    const pipe = fs.createWriteStream(fifo);
    pipe.on('error', () => undefined);
    const rows = Array.from({ length: 1500 }, (_, i) => `K${i},Killed,Import${i},+39 347 ${2_000_000 + i}`).join('\n');
    pipe.write(`external_id,given_name,family_name,phones\n${rows}\n`);
    await progressed;
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    pipe.destroy();

    expect(count(dataDir)).toBe(50);
    const db = openDatabase(path.join(dataDir, CUSTOMER_DB_FILE));
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.prepare("SELECT count(*) FROM customers WHERE external_id LIKE 'K%'").pluck().get()).toBe(0);
    } finally {
      db.close();
    }
  });
});
