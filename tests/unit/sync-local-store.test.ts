import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CustomerCache } from '../../src/customers/cache.js';
import { silentLogger } from '../../src/log/logger.js';
import { migrate, openDatabase, type Db } from '../../src/storage/database.js';
import { CUSTOMER_MIGRATIONS } from '../../src/storage/migrations/index.js';
import { SyncLocalStore } from '../../src/sync/local-store.js';
import type { SyncRecord } from '../../src/sync/protocol.js';
import { tempDir } from '../support/tmp.js';

let dir: string;
let cleanup: () => void;
let file: string;
let db: Db;
let store: SyncLocalStore;

beforeEach(() => {
  ({ dir, cleanup } = tempDir('sync-store-'));
  file = path.join(dir, 'customers.sqlite');
  db = openDatabase(file);
  migrate(db, CUSTOMER_MIGRATIONS);
  store = new SyncLocalStore(db, () => 'IT');
});

afterEach(() => {
  db.close();
  cleanup();
});

const customer = (id: string, version: number, data: Record<string, unknown> = {}): SyncRecord => ({
  kind: 'customer',
  id,
  version,
  updatedAt: 1000 + version,
  data: { givenName: 'Anna', familyName: 'Rossi', phones: [{ number: '+390212345678', label: 'home' }], ...data },
});

const names = () => db.prepare('SELECT external_id, given_name, version FROM customers ORDER BY external_id').all();

describe('applying pulled pages', () => {
  it('stores customers with their numbers and moves the cursor with the page', () => {
    const report = store.applyPage([customer('C1', 1), customer('C2', 3, { givenName: 'Bruno' })], 'cur-1', 5000);
    expect(report).toEqual({ applied: 2, skipped: 0, customersChanged: 2, outboundChanged: 0 });
    expect(names()).toEqual([
      { external_id: 'C1', given_name: 'Anna', version: 1 },
      { external_id: 'C2', given_name: 'Bruno', version: 3 },
    ]);
    expect(store.cursor()).toBe('cur-1');
    expect(store.state('lastPullAt')).toBe('5000');
    const phones = db.prepare('SELECT e164 FROM phones').pluck().all();
    expect(phones).toEqual(['+390212345678', '+390212345678']);
  });

  it('writes part of a page without moving the cursor: a crash before the last part replays the page', () => {
    store.applyPage([customer('C1', 1)], 'page-1', 10);
    store.applyPage([customer('C2', 1)], undefined, 20);
    expect(store.cursor()).toBe('page-1');
    expect(store.state('lastPullAt')).toBe('10');
    store.applyPage([customer('C2', 1), customer('C3', 1)], 'page-2', 30);
    expect(names().map((row) => (row as { external_id: string }).external_id)).toEqual(['C1', 'C2', 'C3']);
    expect(store.cursor()).toBe('page-2');
  });

  it('ignores a record older than the one it has, and kinds it does not keep', () => {
    store.applyPage([customer('C1', 4, { givenName: 'New' })], 'a', 1);
    const report = store.applyPage(
      [customer('C1', 2, { givenName: 'Old' }), { kind: 'hologram', id: 'H1', version: 1, updatedAt: 1, data: {} }],
      'b',
      2,
    );
    expect(report.skipped).toBe(2);
    expect(names()).toEqual([{ external_id: 'C1', given_name: 'New', version: 4 }]);
    expect(store.cursor()).toBe('b');
  });

  it('keeps a case that arrives before its customer until the customer comes', () => {
    const kase: SyncRecord = {
      kind: 'case',
      id: 'K1',
      version: 1,
      updatedAt: 10,
      data: { customerId: 'C9', subject: 'Broken router', status: 'open', open: true, openedAt: 5 },
    };
    store.applyPage([kase], 'a', 1);
    expect(db.prepare('SELECT count(*) FROM cases').pluck().get()).toBe(0);
    store.applyPage([customer('C9', 1)], 'b', 2);
    expect(db.prepare('SELECT subject FROM cases').pluck().all()).toEqual(['Broken router']);
    expect(db.prepare('SELECT count(*) FROM sync_waiting').pluck().get()).toBe(0);
  });

  it('removes a deleted customer with its search entries', () => {
    store.applyPage([customer('C1', 1)], 'a', 1);
    store.applyPage([{ kind: 'customer', id: 'C1', version: 2, updatedAt: 20, deleted: true }], 'b', 2);
    expect(names()).toEqual([]);
    expect(db.prepare("SELECT count(*) FROM customer_words WHERE customer_words MATCH 'rossi'").pluck().get()).toBe(0);
  });

  it('stores lines, dispositions and knowledge, and removes them by the CRM id', () => {
    store.applyPage(
      [
        { kind: 'line', id: 'L1', version: 1, updatedAt: 1, data: { called: '800100200', serviceName: 'Billing' } },
        { kind: 'disposition', id: 'D1', version: 1, updatedAt: 2, data: { code: 'resolved', label: 'Resolved' } },
      ],
      'a',
      1,
    );
    expect(db.prepare('SELECT service_name, external_id FROM lines').all()).toEqual([
      { service_name: 'Billing', external_id: 'L1' },
    ]);
    expect(db.prepare('SELECT kind FROM crm_documents').pluck().all()).toEqual(['disposition']);
    store.applyPage([{ kind: 'line', id: 'L1', version: 2, updatedAt: 3, deleted: true }], 'b', 2);
    expect(db.prepare('SELECT count(*) FROM lines').pluck().get()).toBe(0);
  });

  it('shows the agent’s corrections still waiting to go on top of a newer record from the CRM', () => {
    store.applyPage([customer('C1', 1)], 'a', 1);
    const cache = new CustomerCache(file, silentLogger());
    cache.open();
    const id = db.prepare("SELECT id FROM customers WHERE external_id = 'C1'").pluck().get() as number;
    cache.update(id, { emails: ['anna@mail.example'] }, 'IT', 50);
    cache.close();
    store.applyPage([customer('C1', 2, { givenName: 'Annamaria' })], 'b', 2);
    const row = db.prepare('SELECT given_name, emails, version FROM customers').get();
    expect(row).toEqual({ given_name: 'Annamaria', emails: '["anna@mail.example"]', version: 2 });
  });
});

describe('the outbox', () => {
  let cache: CustomerCache;
  let id: number;

  beforeEach(() => {
    store.applyPage([customer('C1', 3), customer('C2', 1, { givenName: 'Bruno' })], 'a', 1);
    cache = new CustomerCache(file, silentLogger());
    cache.open();
    id = db.prepare("SELECT id FROM customers WHERE external_id = 'C1'").pluck().get() as number;
  });
  afterEach(() => cache.close());

  it('hands out changes in order, and a later correction is based on the version the earlier one made', () => {
    cache.update(id, { notes: 'first' }, 'IT', 10);
    cache.update(id, { notes: 'second' }, 'IT', 11);
    const batch = store.nextBatch(10);
    expect(batch.map((row) => [row.kind, row.base_version])).toEqual([
      ['customer.update', 3],
      ['customer.update', 3],
    ]);
    const [first] = batch;
    store.recordResults(
      [first!],
      [{ id: first!.mutation_id, status: 'applied', record: { kind: 'customer', id: 'C1', version: 4, updatedAt: 9 } }],
      100,
    );
    expect(store.nextBatch(10).map((row) => row.base_version)).toEqual([4]);
    expect(db.prepare("SELECT version FROM customers WHERE external_id = 'C1'").pluck().get()).toBe(4);
    expect(store.state('lastPushAt')).toBe('100');
  });

  it('holds back a stream behind a conflict, shows both versions, and applies the agent’s choice', () => {
    cache.update(id, { notes: 'mine', identification: { postcode: '20100' } }, 'IT', 10);
    cache.update(id, { familyName: 'Rossi-Bianchi' }, 'IT', 11);
    const other = db.prepare("SELECT id FROM customers WHERE external_id = 'C2'").pluck().get() as number;
    cache.update(other, { notes: 'other' }, 'IT', 12);
    const [first, , third] = store.nextBatch(10);
    const current = customer('C1', 5, { notes: 'theirs', identification: { postcode: '20121' } });
    store.recordResults(
      [first!, third!],
      [
        { id: first!.mutation_id, status: 'conflict', current },
        { id: third!.mutation_id, status: 'applied', record: { kind: 'customer', id: 'C2', version: 2, updatedAt: 9 } },
      ],
      100,
    );
    // The second correction of C1 waits behind the conflict; C2 went.
    expect(store.nextBatch(10)).toEqual([]);
    expect(store.waiting()).toBe(2);
    const [problem] = store.problems();
    expect(problem).toMatchObject({
      type: 'conflict',
      kind: 'customer.update',
      label: 'Anna Rossi-Bianchi',
      customerId: id,
      fields: [
        { field: 'notes', mine: 'mine', theirs: 'theirs' },
        { field: 'identification.postcode', mine: '20100', theirs: '20121' },
      ],
    });

    store.decide(first!.mutation_id, 'mine', 200);
    const again = store.nextBatch(10);
    expect(again.map((row) => [row.mutation_id, row.base_version])).toEqual([
      [first!.mutation_id, 5],
      [expect.any(String), 3],
    ]);
  });

  it('drops a change for the CRM’s version: the record shows the CRM’s values, the change stays in the table', () => {
    cache.update(id, { notes: 'mine' }, 'IT', 10);
    const [row] = store.nextBatch(10);
    store.recordResults(
      [row!],
      [{ id: row!.mutation_id, status: 'conflict', current: customer('C1', 6, { notes: 'theirs' }) }],
      100,
    );
    expect(store.decide(row!.mutation_id, 'theirs', 200)).toEqual({ customersChanged: true });
    expect(db.prepare("SELECT notes, version FROM customers WHERE external_id = 'C1'").get()).toEqual({
      notes: 'theirs',
      version: 6,
    });
    expect(store.waiting()).toBe(0);
    expect(db.prepare('SELECT state FROM outbox').pluck().all()).toEqual(['dropped']);
    expect(() => store.decide(row!.mutation_id, 'mine', 300)).toThrow(/no longer waiting/);
  });

  it('keeps a rejection with the CRM’s words until the agent sends it again', () => {
    cache.update(id, { emails: ['x@y.example'] }, 'IT', 10);
    const [row] = store.nextBatch(10);
    store.recordResults(
      [row!],
      [
        {
          id: row!.mutation_id,
          status: 'rejected',
          code: 'invalid',
          message: 'Refused.',
          fields: { 'emails.0': 'blocked domain' },
        },
      ],
      100,
    );
    expect(store.problems()[0]).toMatchObject({
      type: 'rejected',
      code: 'invalid',
      message: 'Refused. (emails.0: blocked domain)',
    });
    expect(store.nextBatch(10)).toEqual([]);
    store.decide(row!.mutation_id, 'mine', 200);
    expect(store.nextBatch(10)).toHaveLength(1);
  });
});

describe('migration from the local changes of version 2', () => {
  it('moves every unsent change into the outbox with its stream and the customer’s CRM id', () => {
    const old = path.join(dir, 'old.sqlite');
    const legacy = openDatabase(old);
    migrate(legacy, CUSTOMER_MIGRATIONS.slice(0, 2));
    legacy
      .prepare(
        "INSERT INTO customers (external_id, given_name, updated_at) VALUES ('CUST-1', 'Anna', 1), ('local:abc', 'New', 2)",
      )
      .run();
    const insert = legacy.prepare(
      'INSERT INTO local_changes (change_id, entity, kind, customer_id, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    insert.run('u1', 'customer', 'update', 1, '{"notes":"x"}', 10);
    insert.run('c1', 'customer', 'create', 2, '{"givenName":"New"}', 11);
    insert.run('i1', 'interaction', 'create', 2, '{"externalId":"call:9","direction":"in","startedAt":5}', 12);
    migrate(legacy, CUSTOMER_MIGRATIONS);
    const rows = legacy
      .prepare('SELECT mutation_id, kind, stream, record_id, base_version, data FROM outbox ORDER BY seq')
      .all();
    expect(rows).toEqual([
      {
        mutation_id: 'u1',
        kind: 'customer.update',
        stream: 'customer:CUST-1',
        record_id: 'CUST-1',
        base_version: 0,
        data: '{"notes":"x"}',
      },
      {
        mutation_id: 'c1',
        kind: 'customer.create',
        stream: 'customer:local:abc',
        record_id: 'local:abc',
        base_version: null,
        data: '{"givenName":"New"}',
      },
      {
        mutation_id: 'i1',
        kind: 'interaction.create',
        stream: 'customer:local:abc',
        record_id: 'call:9',
        base_version: null,
        data: '{"direction":"in","startedAt":5,"customerId":"local:abc","channel":"call"}',
      },
    ]);
    legacy.close();
  });
});
