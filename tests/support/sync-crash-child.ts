/**
 * The desk side of the crash test (tests/integration/sync-crash.test.ts): a process that writes at
 * the desk as an agent would (new customers, calls recorded with them) while the sync pulls and
 * pushes, until the test kills it with SIGKILL. Every write it prints as `W <kind> <id>` was
 * committed before the line was written: those must all reach the CRM, exactly once.
 *
 * Bundled by the test with esbuild (a plain `node` start is several times quicker than tsx);
 * only better-sqlite3, a native module, stays outside the bundle.
 *
 * Arguments: one JSON object (see `ChildOptions`).
 */
import type { Call } from '../../src/contract/calls.js';
import { CustomerCache } from '../../src/customers/cache.js';
import { silentLogger } from '../../src/log/logger.js';
import { openDatabase } from '../../src/storage/database.js';
import { SyncEngine } from '../../src/sync/engine.js';
import { HttpSyncConnector } from '../../src/sync/http-connector.js';
import { SyncLocalStore } from '../../src/sync/local-store.js';

interface ChildOptions {
  dbFile: string;
  url: string;
  token: string;
  /** This run's number: the names it writes are unique across runs. */
  run: number;
  /** The last run: no writes, sync until everything went and nothing is left to pull, then exit. */
  final: boolean;
}

const options = JSON.parse(process.argv[2] ?? '{}') as ChildOptions;
const logger = silentLogger();

const cache = new CustomerCache(options.dbFile, logger);
cache.open();
if (cache.status().state !== 'ready') {
  console.error(`cache unavailable: ${cache.status().problem}`);
  process.exit(3);
}
const db = openDatabase(options.dbFile, { busyTimeoutMs: 10_000 });
const store = new SyncLocalStore(db, () => 'IT');
let idle = false;
const engine = new SyncEngine({
  store,
  connector: new HttpSyncConnector({ url: options.url, token: options.token, timeoutMs: 5000 }),
  logger,
  pullIntervalMs: 50,
  pageSize: 100,
  batchSize: 15,
  backoff: { baseMs: 20, maxMs: 200 },
  onStatus: (status) => {
    idle = status.state === 'idle';
    if (status.problems.length > 0) {
      console.error(`problem: ${JSON.stringify(status.problems[0])}`);
      process.exit(4);
    }
  },
});
engine.start();
console.log('READY');

if (options.final) {
  const timer = setInterval(() => {
    if (idle && store.waiting() === 0) {
      clearInterval(timer);
      void engine.stop().then(() => {
        cache.close();
        db.close();
        console.log('DONE');
        process.exit(0);
      });
    }
  }, 20);
} else {
  let n = 0;
  let lastCustomer: number | undefined;
  const write = () => {
    n += 1;
    const label = `r${options.run}n${n}`;
    if (lastCustomer === undefined || n % 3 === 1) {
      lastCustomer = cache.create({ givenName: 'Crash', familyName: label }, 'IT', Date.now());
      console.log(`W customer ${label}`);
    } else {
      const call: Call = {
        id: label,
        direction: 'in',
        state: 'ended',
        remote: { uri: 'sip:100@test.invalid', number: '100' },
        startedAt: Date.now() - 1000,
        endedAt: Date.now(),
        hold: { local: false, remote: false },
        muted: false,
        end: { cause: 'hangup', by: 'remote' },
      } as unknown as Call;
      if (cache.recordCall(call, lastCustomer)) console.log(`W interaction call:${label}`);
    }
    engine.nudge();
    setTimeout(write, 3);
  };
  write();
}
