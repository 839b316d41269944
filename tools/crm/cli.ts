/**
 * The reference CRM in the foreground, for trying the softphone's CRM sync:
 *
 *   npm run crm -- [--port 8780] [--host 127.0.0.1] [--data <dir>] [--customers 5000] [--seed 1]
 *                  [--no-history] [--token <t>] [--reset] [--verbose]
 *
 * Exit codes: 0 stopped (Ctrl-C), 1 failed, 2 wrong arguments.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startCrmServer, type CrmServer } from './server.js';
import { CrmStore } from './store.js';

const CRM_DATA_ENV = 'HEADSET_CRM_DATA';
const DB_FILE = 'crm.sqlite';

/** Its own folder, next to the app's (see src/config/paths.ts), so that a reset never touches the app's data. */
function defaultCrmDataDir(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  const override = env[CRM_DATA_ENV];
  if (override) return override;
  const home = env.HOME ?? env.USERPROFILE ?? '.';
  switch (platform) {
    case 'win32':
      return path.win32.join(env.APPDATA ?? path.win32.join(home, 'AppData', 'Roaming'), 'Headset Softphone CRM');
    case 'darwin':
      return path.posix.join(home, 'Library', 'Application Support', 'Headset Softphone CRM');
    default:
      return path.posix.join(env.XDG_DATA_HOME ?? path.posix.join(home, '.local', 'share'), 'headset-softphone-crm');
  }
}

const USAGE = `Usage: npm run crm -- [options]

A small CRM that speaks the softphone's sync protocol (docs/sync-protocol.md), over a SQLite file,
for trying the product and for tests; not for production. On first run it seeds synthetic
customers, service lines, dispositions and knowledge snippets.

  --port <n>        TCP port (default 8780, 0 = any free port)
  --host <addr>     address to listen on (default 127.0.0.1; the softphone accepts plain http
                    only to a loopback address)
  --data <dir>      where the CRM keeps its file ${DB_FILE} (default: $${CRM_DATA_ENV}, else
                    ${defaultCrmDataDir()})
  --customers <n>   customers to seed when the store is empty (default 5000; 0 = none)
  --seed <n>        the random seed of the customers (default 1)
  --no-history      seed customers without their cases and past contacts
  --token <t>       accept this token (kept as a hash); without it a new token is made and
                    printed at each start, and the earlier ones stay valid
  --reset           delete the CRM's data first (records, applied changes, tokens)
  --verbose         one line per request on stderr (method, path, status; never any data)
  -h, --help        this text`;

class UsageError extends Error {}

function readInteger(name: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value.replace(/[_,]/g, ''));
  if (!Number.isSafeInteger(n) || n < 0 || n > max) {
    throw new UsageError(`--${name} must be a whole number from 0 to ${max}, not "${value}".`);
  }
  return n;
}

const number = (value: number) => value.toLocaleString('en');

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      data: { type: 'string' },
      customers: { type: 'string' },
      seed: { type: 'string' },
      'no-history': { type: 'boolean' },
      token: { type: 'string' },
      reset: { type: 'boolean' },
      verbose: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`Unexpected arguments: ${positionals.join(' ')}.`);
  const port = readInteger('port', values.port, 8780, 65535);
  const customers = readInteger('customers', values.customers, 5000, 100_000_000);
  const seed = readInteger('seed', values.seed, 1, 0xffffffff);
  if (values.token !== undefined && !/^\S{8,}$/.test(values.token)) {
    throw new UsageError('--token must be at least 8 characters, without spaces.');
  }

  const dataDir = path.resolve(values.data ?? defaultCrmDataDir());
  const dbFile = path.join(dataDir, DB_FILE);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (values.reset) {
    for (const file of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`]) fs.rmSync(file, { force: true });
    console.error(`Reset: deleted ${dbFile}.`);
  }

  const store = new CrmStore(dbFile);
  let server: CrmServer;
  try {
    if (store.count() === 0 && customers > 0) {
      const history = !values['no-history'];
      console.error(`Seeding ${number(customers)} customers (seed ${seed}${history ? '' : ', no history'})…`);
      const report = store.seed({ customers, seed, history });
      console.error(
        `Seeded in ${(report.durationMs / 1000).toFixed(1)} s: ${number(report.customers)} customers, ` +
          `${number(report.cases)} cases, ${number(report.interactions)} contacts, ${report.lines} service lines, ` +
          `${report.dispositions} dispositions, ${report.knowledge} knowledge snippets, ${report.outboundLists} outbound list.`,
      );
    }
    const token = values.token ?? randomBytes(24).toString('base64url');
    if (!store.checkToken(token)) store.addToken(token, values.token ? 'given on the command line' : 'generated');
    server = await startCrmServer({ store, host: values.host ?? '127.0.0.1', port, verbose: values.verbose });

    console.log(`Reference CRM running (${dbFile}, ${number(store.count())} records).

  Sync server address (CRM) : ${server.url}
  CRM access token          : ${token}

In the softphone, open Settings, section CRM, and enter these two.
${values.token ? '' : 'The token is shown only now (the CRM keeps only its hash); earlier tokens stay valid.\n'}
Press Ctrl-C to stop.`);
  } catch (error) {
    store.close();
    throw error;
  }

  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      console.error(`\n${signal}: stopping the CRM…`);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  store.close();
  console.error('Stopped.');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`${(error as Error).message}\n\n${USAGE}`);
      process.exit(2);
    }
    console.error((error as Error).message);
    if ((error as { code?: string }).code === 'EADDRINUSE') console.error('Pick another port with --port.');
    process.exit(1);
  },
);
