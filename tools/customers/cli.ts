/**
 * Bulk work on the customer cache from the command line:
 *
 *   npm run import -- customers <file.csv> [--data-dir <dir>] [--region IT] [--strict]
 *   npm run seed -- [--customers 10000] [--seed 1] [--data-dir <dir>] [--csv <file>] [--now <date>]
 *
 * Both run in the bulk worker (src/customers/bulk.ts), as the app does. Exit codes: 0 done (an
 * import may still have rejected some rows: they are listed), 1 failed (the cache is unchanged),
 * 2 wrong arguments, 130 interrupted (Ctrl-C; the cache is unchanged).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { isSupportedCountry } from 'libphonenumber-js';
import { CUSTOMER_DB_FILE, defaultDataDir, defaultPolicyPath } from '../../src/config/paths.js';
import { SettingsStore } from '../../src/config/store.js';
import { importCustomersInWorker, seedCustomersInWorker, writeCustomersCsvInWorker } from '../../src/customers/bulk.js';
import type { ImportProgress, ImportReport } from '../../src/customers/csv-import.js';
import { DEFAULT_GENERATOR_NOW } from '../../src/customers/generator.js';
import type { SeedReport } from '../../src/customers/seed.js';
import { DatabaseTooNewError, migrate, openDatabase } from '../../src/storage/database.js';
import { CUSTOMER_MIGRATIONS } from '../../src/storage/migrations/index.js';

const IMPORT_HELP = `Usage: npm run import -- customers <file.csv> [--data-dir <dir>] [--region <CC>] [--strict]

Imports customers from a CSV file into the customer cache (<data-dir>/${CUSTOMER_DB_FILE}), all
in one transaction: good rows are imported, bad rows are listed with their line and the reason,
and if the import fails as a whole the cache is left exactly as it was. The columns are described
in docs/customer-import.md.

  --data-dir <dir>  the app's data folder (default: ${defaultDataDir()})
  --region <CC>     the country of numbers written without a country code, e.g. IT or GB
                    (default: the setting phone.defaultRegion of that data folder)
  --strict          import nothing if any row is rejected
  --list <n>        how many rejected rows to list (default 20; all are counted)

Exit code 0 when the import is done (rejected rows are listed), 1 when it failed, 2 for wrong
arguments, 130 when interrupted.`;

const SEED_HELP = `Usage: npm run seed -- [--customers <n>] [--seed <n>] [--data-dir <dir>] [--csv <file>] [--now <date>]

Writes synthetic customers (English, Italian, Greek, Russian and Romanian names; numbers of GB,
US, IT, GR, RU and RO; companies, households sharing a number, cases, past contacts) and the
demo service lines into the customer cache (<data-dir>/${CUSTOMER_DB_FILE}), in one transaction.
The same seed gives the same customers; customers of an earlier seed with the same external
ids (CUST-0000001…) are replaced.

  --customers <n>   how many (default 10000)
  --seed <n>        the random seed (default 1)
  --data-dir <dir>  the app's data folder (default: ${defaultDataDir()})
  --csv <file>      write the customers to this CSV file in the import format instead
                    (customers only: the import format has no cases or contacts)
  --now <date>      the "today" of the data, YYYY-MM-DD or "today" (default 2026-01-01)

Exit code 0 when done, 1 when it failed (the cache is unchanged), 2 for wrong arguments, 130
when interrupted.`;

class UsageError extends Error {}

const number = (value: number) => value.toLocaleString('en');

/** Progress on stderr: one line rewritten in a terminal, a line every few seconds otherwise. */
function progressPrinter(describe: (progress: ImportProgress) => string): {
  update: (progress: ImportProgress) => void;
  done: () => void;
} {
  const tty = process.stderr.isTTY;
  let last = 0;
  let shown = false;
  return {
    update(progress) {
      const now = Date.now();
      if (shown && now - last < (tty ? 200 : 2000)) return;
      last = now;
      shown = true;
      const text = describe(progress);
      if (tty) process.stderr.write(`\r${text}\x1b[K`);
      else process.stderr.write(`${text}\n`);
    },
    done() {
      if (tty && shown) process.stderr.write('\r\x1b[K');
    },
  };
}

/** Creates the data folder and the cache (migrated), so that a cache too new is refused here, plainly. */
function prepareCache(dataDir: string): string {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const dbFile = path.join(dataDir, CUSTOMER_DB_FILE);
  const db = openDatabase(dbFile);
  try {
    migrate(db, CUSTOMER_MIGRATIONS);
  } finally {
    db.close();
  }
  return dbFile;
}

function interruptible(): AbortController {
  const controller = new AbortController();
  const stop = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) return;
    process.stderr.write(`\n${signal}: stopping; the cache is left as it was…\n`);
    controller.abort();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return controller;
}

function readCount(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value.replace(/[_,]/g, ''));
  if (!Number.isSafeInteger(n) || n < min)
    throw new UsageError(`--${name} must be a whole number of at least ${min}, not "${value}".`);
  return n;
}

function printImportReport(report: ImportReport, csvFile: string, dbFile: string): void {
  const lines = [
    `Imported ${csvFile} into ${dbFile} in ${(report.durationMs / 1000).toFixed(1)} s.`,
    `  rows read   ${number(report.rowsRead)}`,
    `  imported    ${number(report.imported)} (new ${number(report.created)}, updated ${number(report.updated)})`,
  ];
  if (report.unchanged > 0) {
    lines.push(`  unchanged   ${number(report.unchanged)} (the cache has a newer version: a later updated_at)`);
  }
  lines.push(`  rejected    ${number(report.rejected)}`);
  if (report.rejected > 0) {
    const listed = report.rejectedRows.length;
    lines.push(
      '',
      listed < report.rejected
        ? `Rejected rows (the first ${number(listed)} of ${number(report.rejected)}):`
        : 'Rejected rows:',
      ...report.rejectedRows.map(
        (row) => `  line ${row.line}${row.externalId ? ` (${row.externalId})` : ''}: ${row.reason}`,
      ),
    );
  }
  console.log(lines.join('\n'));
}

function printSeedReport(report: SeedReport, dbFile: string): void {
  const size = fs.statSync(dbFile).size;
  console.log(
    [
      `Seeded ${dbFile} in ${(report.durationMs / 1000).toFixed(1)} s.`,
      `  customers     ${number(report.customers)} (new ${number(report.created)})`,
      `  numbers       ${number(report.phones)}`,
      `  cases         ${number(report.cases)} (open ${number(report.openCases)})`,
      `  contacts      ${number(report.interactions)}`,
      `  service lines ${number(report.lines)}`,
      `  file size     ${(size / 1024 / 1024).toFixed(1)} MiB`,
    ].join('\n'),
  );
}

async function runImport(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'data-dir': { type: 'string' },
      region: { type: 'string' },
      strict: { type: 'boolean' },
      list: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(IMPORT_HELP);
    return 0;
  }
  const [what, csvArg, ...extra] = positionals;
  if (what !== 'customers') {
    throw new UsageError(
      what === undefined ? 'Say what to import: customers.' : `Cannot import "${what}": only customers.`,
    );
  }
  if (csvArg === undefined) throw new UsageError('Name the CSV file to import.');
  if (extra.length > 0) throw new UsageError(`Unexpected arguments: ${extra.join(' ')}.`);
  const listRejected = readCount('list', values.list, 20, 0);
  const dataDir = path.resolve(values['data-dir'] ?? defaultDataDir());
  const region = (
    values.region ??
    new SettingsStore({ policy: defaultPolicyPath(), user: path.join(dataDir, 'settings.json') }).values.phone
      .defaultRegion
  ).toUpperCase();
  if (!isSupportedCountry(region))
    throw new UsageError(`--region must be a two-letter country code such as IT or GB, not "${region}".`);
  const csvFile = path.resolve(csvArg);
  if (!fs.existsSync(csvFile)) {
    console.error(`There is no file ${csvFile}. Nothing was imported.`);
    return 1;
  }

  const dbFile = prepareCache(dataDir);
  console.error(`Importing ${csvFile} into ${dbFile} (numbers without a country code read as ${region})…`);
  const controller = interruptible();
  const progress = progressPrinter((p) => {
    const share = p.bytesTotal ? ` (${Math.floor((100 * p.bytesRead) / p.bytesTotal)}%)` : '';
    return `  ${number(p.rowsRead)} rows read${share}, ${number(p.imported)} imported, ${number(p.rejected)} rejected`;
  });
  try {
    const report = await importCustomersInWorker({
      dbFile,
      csvFile,
      region,
      strict: values.strict,
      listRejected,
      signal: controller.signal,
      onProgress: progress.update,
    });
    progress.done();
    printImportReport(report, csvFile, dbFile);
    return 0;
  } catch (error) {
    progress.done();
    console.error((error as Error).message);
    return controller.signal.aborted ? 130 : 1;
  }
}

function readNow(value: string | undefined): number {
  if (value === undefined) return DEFAULT_GENERATOR_NOW;
  if (value === 'today') {
    const today = new Date();
    return Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  }
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : NaN;
  if (Number.isNaN(ms)) throw new UsageError(`--now must be a date written as YYYY-MM-DD, or "today", not "${value}".`);
  return ms;
}

async function runSeed(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      customers: { type: 'string' },
      seed: { type: 'string' },
      'data-dir': { type: 'string' },
      csv: { type: 'string' },
      now: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(SEED_HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`Unexpected arguments: ${positionals.join(' ')}.`);
  const count = readCount('customers', values.customers, 10_000, 1);
  const seed = readCount('seed', values.seed, 1, 0);
  if (seed > 0xffffffff) throw new UsageError('--seed must be below 4294967296.');
  const now = readNow(values.now);
  const controller = interruptible();
  const progress = progressPrinter(
    (p) => `  ${number(p.rowsRead)} of ${number(count)} customers (${Math.floor((100 * p.rowsRead) / count)}%)`,
  );
  const progressEvery = Math.max(1000, Math.min(20_000, Math.floor(count / 100)));
  try {
    if (values.csv !== undefined) {
      const csvFile = path.resolve(values.csv);
      console.error(`Writing ${number(count)} customers (seed ${seed}) to ${csvFile}…`);
      const started = Date.now();
      await writeCustomersCsvInWorker({
        csvFile,
        count,
        seed,
        now,
        progressEvery,
        signal: controller.signal,
        onProgress: progress.update,
      });
      progress.done();
      const size = fs.statSync(csvFile).size;
      console.log(
        `Wrote ${number(count)} customers to ${csvFile} (${(size / 1024 / 1024).toFixed(1)} MiB) in ` +
          `${((Date.now() - started) / 1000).toFixed(1)} s. Import it with: npm run import -- customers ${csvFile}`,
      );
      return 0;
    }
    const dataDir = path.resolve(values['data-dir'] ?? defaultDataDir());
    const dbFile = prepareCache(dataDir);
    console.error(`Seeding ${dbFile} with ${number(count)} customers (seed ${seed})…`);
    const report = await seedCustomersInWorker({
      dbFile,
      count,
      seed,
      now,
      progressEvery,
      signal: controller.signal,
      onProgress: progress.update,
    });
    progress.done();
    printSeedReport(report, dbFile);
    return 0;
  } catch (error) {
    progress.done();
    console.error((error as Error).message);
    return controller.signal.aborted ? 130 : 1;
  }
}

const COMMANDS: Record<string, { run: (argv: string[]) => Promise<number>; help: string }> = {
  import: { run: runImport, help: IMPORT_HELP },
  seed: { run: runSeed, help: SEED_HELP },
};

async function main(): Promise<void> {
  const [commandName, ...argv] = process.argv.slice(2);
  const command = commandName === undefined ? undefined : COMMANDS[commandName];
  if (!command) {
    console.error(`Usage: tsx tools/customers/cli.ts import|seed …\n\n${IMPORT_HELP}\n\n${SEED_HELP}`);
    process.exit(2);
  }
  let code: number;
  try {
    code = await command.run(argv);
  } catch (error) {
    if (error instanceof DatabaseTooNewError) {
      console.error(error.message);
      code = 1;
    } else if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`${(error as Error).message}\n\n${command.help}`);
      code = 2;
    } else {
      console.error((error as Error).message);
      code = 1;
    }
  }
  process.exit(code);
}

void main();
