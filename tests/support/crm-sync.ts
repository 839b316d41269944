import path from 'node:path';
import { silentLogger } from '../../src/log/logger.js';
import { migrate, openDatabase, type Db } from '../../src/storage/database.js';
import { CUSTOMER_MIGRATIONS } from '../../src/storage/migrations/index.js';
import { SyncEngine, type SyncEngineOptions } from '../../src/sync/engine.js';
import { HttpSyncConnector } from '../../src/sync/http-connector.js';
import { SyncLocalStore } from '../../src/sync/local-store.js';
import { startCrmServer, type CrmServer } from '../../tools/crm/server.js';
import { CrmStore, type SeedOptions } from '../../tools/crm/store.js';
import { tempDir } from './tmp.js';

const TOKEN = 'test-token-0123456789';

/**
 * The reference CRM on loopback, seeded, and a desk's cache (real SQLite) syncing with it through
 * the HTTP connector, with short intervals for tests. `stop()` ends and removes everything.
 */
export async function startCrmSync(
  prefix: string,
  seed: SeedOptions,
  options: Pick<SyncEngineOptions, 'onOutboundChanged'> = {},
): Promise<{ crm: CrmServer; db: Db; file: string; engine: SyncEngine; stop(): Promise<void> }> {
  const { dir, cleanup } = tempDir(prefix);
  const crm = await startCrmServer({ store: new CrmStore(path.join(dir, 'crm.sqlite')), tokens: [TOKEN] });
  crm.store.seed(seed);
  const file = path.join(dir, 'customers.sqlite');
  const db = openDatabase(file);
  migrate(db, CUSTOMER_MIGRATIONS);
  const engine = new SyncEngine({
    store: new SyncLocalStore(db, () => 'IT'),
    connector: new HttpSyncConnector({ url: crm.url, token: TOKEN, timeoutMs: 4000 }),
    logger: silentLogger(),
    pullIntervalMs: 100,
    pageSize: 100,
    backoff: { baseMs: 20, maxMs: 200 },
    onStatus: () => undefined,
    ...options,
  });
  engine.start();
  return {
    crm,
    db,
    file,
    engine,
    async stop() {
      await engine.stop();
      db.close();
      await crm.close();
      crm.store.close();
      cleanup();
    },
  };
}
