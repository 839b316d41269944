/**
 * The reference CRM (tools/crm) over HTTP on loopback: pull in pages with the cursor, tombstones,
 * the estimate, tokens, and push with every result the protocol has (docs/sync-protocol.md).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { randomUUID } from 'node:crypto';
import {
  PullResponse,
  PushResponse,
  RECORD_DATA,
  type Mutation,
  type MutationResult,
  type SyncRecord,
} from '../../src/sync/protocol.js';
import { startCrmServer, type CrmServer } from '../../tools/crm/server.js';
import { CrmStore } from '../../tools/crm/store.js';
import { tempDir } from '../support/tmp.js';

const TOKEN = 'test-token-0123456789';
const CUSTOMERS = 200;

let tmp: ReturnType<typeof tempDir>;
let store: CrmStore;
let crm: CrmServer;

beforeAll(async () => {
  tmp = tempDir('crm-server-');
  store = new CrmStore(path.join(tmp.dir, 'crm.sqlite'));
  store.seed({ customers: CUSTOMERS, seed: 7 });
  crm = await startCrmServer({ store, tokens: [TOKEN] });
});

afterAll(async () => {
  await crm?.close();
  store?.close();
  tmp?.cleanup();
});

function request(pathAndQuery: string, init: RequestInit & { token?: string | null } = {}): Promise<Response> {
  const { token = TOKEN, headers, ...rest } = init;
  return fetch(`${crm.url}${pathAndQuery}`, {
    ...rest,
    headers: { ...(token === null ? {} : { Authorization: `Bearer ${token}` }), ...headers },
  });
}

async function pull(after?: string, limit?: number, estimate = false): Promise<PullResponse> {
  const query = new URLSearchParams();
  if (after !== undefined) query.set('after', after);
  if (limit !== undefined) query.set('limit', String(limit));
  if (estimate) query.set('estimate', '1');
  const res = await request(`/changes?${query}`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
  return PullResponse.parse(await res.json());
}

/** Every page from `after` on, as the client walks them. */
async function pullAll(after: string | undefined, limit: number): Promise<{ records: SyncRecord[]; cursor: string }> {
  const records: SyncRecord[] = [];
  let cursor = after;
  for (;;) {
    const page = await pull(cursor, limit);
    records.push(...page.changes);
    cursor = page.cursor;
    if (!page.more) return { records, cursor };
    expect(page.changes.length).toBe(limit);
  }
}

async function push(mutations: Mutation[]): Promise<MutationResult[]> {
  const res = await request('/mutations', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ origin: 'desk-1', mutations }),
  });
  expect(res.status).toBe(200);
  const { results } = PushResponse.parse(await res.json());
  expect(results.map((result) => result.id)).toEqual(mutations.map((mutation) => mutation.id));
  return results;
}

let clientSeq = 1000;
function mutation(fields: Pick<Mutation, 'kind' | 'recordId' | 'data'> & Partial<Mutation>): Mutation {
  return {
    id: randomUUID(),
    stream: `customer:${fields.recordId}`,
    seq: clientSeq++,
    createdAt: Date.now(),
    ...fields,
  };
}

const totalRecords = () => store.db.prepare('SELECT count(*) FROM records').pluck().get() as number;
const byOrder = (a: SyncRecord, b: SyncRecord) => a.updatedAt - b.updatedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

describe('reference CRM: authentication and routes', () => {
  it('answers /status with the token', async () => {
    const res = await request('/status');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { server: string; time: number };
    expect(body.server).toMatch(/CRM/);
    expect(Math.abs(body.time - Date.now())).toBeLessThan(5000);
  });

  it('refuses a missing or wrong token with 401 and a Bearer challenge, on every route', async () => {
    for (const token of [null, 'wrong-token-0000', '']) {
      for (const [route, method] of [
        ['/status', 'GET'],
        ['/changes', 'GET'],
        ['/mutations', 'POST'],
      ] as const) {
        const res = await request(route, { method, token, body: method === 'POST' ? '{}' : undefined });
        expect(res.status, `${method} ${route} with ${String(token)}`).toBe(401);
        expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
        expect(await res.json()).toEqual({ error: 'unauthorized' });
      }
    }
  });

  it('accepts a token kept (hashed) in the store', async () => {
    store.addToken('stored-token-abcdef', 'test');
    expect((await request('/status', { token: 'stored-token-abcdef' })).status).toBe(200);
    const kept = store.db.prepare('SELECT token_hash FROM tokens').pluck().all() as string[];
    expect(kept).not.toContain('stored-token-abcdef');
  });

  it('answers a failure with 500 and no details', async () => {
    const failing = vi.spyOn(store, 'pull').mockImplementation(() => {
      throw new Error('disk I/O error at /var/lib/crm');
    });
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const res = await request('/changes');
      expect(res.status).toBe(500);
      expect(await res.text()).toBe('{"error":"internal"}');
    } finally {
      failing.mockRestore();
      stderr.mockRestore();
    }
  });

  it('answers 404 outside the protocol and 405 for the wrong method', async () => {
    expect((await request('/nothing')).status).toBe(404);
    expect((await fetch(`${crm.origin}/changes`, { headers: { Authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
    const res = await request('/changes', { method: 'POST', body: '{}' });
    expect(res.status).toBe(405);
  });
});

describe('reference CRM: pull', () => {
  it('walks the (updated_at, id) index from the cursor', () => {
    const plan = store.pullPlan();
    expect(plan.page.join('\n')).toMatch(/SEARCH records USING (COVERING )?INDEX records_changes/);
    expect(plan.count.join('\n')).toMatch(/USING (COVERING )?INDEX records_changes/);
    expect(plan.page.join('\n')).not.toMatch(/TEMP B-TREE/);
  });

  it('reaches every record exactly once, in order, in pages; every record reads with its kind schema', async () => {
    const { records, cursor } = await pullAll(undefined, 97);
    const ids = records.map((record) => record.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(totalRecords());
    expect([...records].sort(byOrder)).toEqual(records);

    const kinds = new Set(records.map((record) => record.kind));
    expect([...kinds].sort()).toEqual([
      'case',
      'customer',
      'disposition',
      'interaction',
      'knowledge',
      'line',
      'outboundList',
    ]);
    expect(records.filter((record) => record.kind === 'customer')).toHaveLength(CUSTOMERS);
    for (const record of records) {
      const schema = RECORD_DATA[record.kind as keyof typeof RECORD_DATA];
      expect(schema.safeParse(record.data).success, `${record.kind} ${record.id}`).toBe(true);
      expect(record.version).toBe(1);
    }
    const line = records.find((record) => record.kind === 'line');
    expect(line?.id).toMatch(/^line:/);

    // Nothing after the last cursor: the same cursor back, nothing more.
    const after = await pull(cursor);
    expect(after).toMatchObject({ changes: [], cursor, more: false });
  });

  it('resumes from a cursor: the pages after it are the rest of the full pull', async () => {
    const full = await pullAll(undefined, 2000);
    const first = await pull(undefined, 50);
    const rest = await pullAll(first.cursor, 333);
    expect([...first.changes, ...rest.records]).toEqual(full.records);
    expect(rest.cursor).toBe(full.cursor);
  });

  it('shows a later change, and a deletion as a tombstone, after the cursor', async () => {
    const { cursor, records } = await pullAll(undefined, 2000);
    const lastUpdatedAt = records[records.length - 1]?.updatedAt ?? 0;
    const caseRecord = records.find((record) => record.kind === 'case');
    expect(caseRecord).toBeDefined();

    store.patchRecord('customer', 'CUST-0000001', { notes: 'Called about the new tariff.' });
    store.deleteRecord('case', caseRecord!.id);
    const page = await pull(cursor);
    expect(page.more).toBe(false);
    expect(page.changes.map((record) => record.id)).toEqual(['CUST-0000001', caseRecord!.id]);
    const [customer, tombstone] = page.changes;
    expect(customer).toMatchObject({ kind: 'customer', version: 2, data: { notes: 'Called about the new tariff.' } });
    expect(customer!.updatedAt).toBeGreaterThan(lastUpdatedAt);
    expect(tombstone).toMatchObject({ kind: 'case', version: 2, deleted: true });
    expect(tombstone).not.toHaveProperty('data');
    expect(tombstone!.updatedAt).toBeGreaterThan(customer!.updatedAt);
    expect((await pull(page.cursor)).changes).toEqual([]);
  });

  it('estimates what remains after the cursor when asked, this page included', async () => {
    const total = totalRecords();
    const first = await pull(undefined, 10, true);
    expect(first.remaining).toBe(total);
    const second = await pull(first.cursor, 10, true);
    expect(second.remaining).toBe(total - 10);
    expect((await pull(first.cursor, 10)).remaining).toBeUndefined();
  });

  it('answers a foreign or unreadable cursor with 400 bad-cursor', async () => {
    const foreign = [
      'not a cursor!',
      Buffer.from('{"a":1}').toString('base64url'),
      Buffer.from('[1, 2]').toString('base64url'),
      Buffer.from('[-5, "x"]').toString('base64url'),
      // The position of a record, but in another store (a reset one).
      Buffer.from(JSON.stringify([0, 'CUST-0000001', 'another-store'])).toString('base64url'),
      'x'.repeat(1001),
    ];
    for (const after of foreign) {
      const res = await request(`/changes?after=${encodeURIComponent(after)}`);
      expect(res.status, after).toBe(400);
      expect(await res.json()).toEqual({ error: 'bad-cursor' });
    }
  });

  it('checks the limit: not a number → 400, above the maximum → the maximum', async () => {
    for (const limit of ['0', '-3', 'ten', '1.5']) {
      const res = await request(`/changes?limit=${limit}`);
      expect(res.status, limit).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'invalid' });
    }
    const page = await pull(undefined, 5000);
    expect(page.changes.length).toBe(Math.min(2000, totalRecords()));
  });
});

describe('reference CRM: push', () => {
  it('applies a customer.update: lists replace, identification merges, version + 1', async () => {
    const before = store.getRecord('customer', 'CUST-0000002')!;
    const m = mutation({
      kind: 'customer.update',
      recordId: 'CUST-0000002',
      baseVersion: before.version,
      data: { emails: ['new.address@mail.example'], identification: { postcode: '00100' } },
    });
    const [result] = await push([m]);
    expect(result).toMatchObject({
      status: 'applied',
      record: { kind: 'customer', id: 'CUST-0000002', version: before.version + 1 },
    });
    expect(result).not.toHaveProperty('replayed');
    const after = store.getRecord('customer', 'CUST-0000002')!;
    const oldIdentification = (before.data as { identification: Record<string, string> }).identification;
    expect(after.data).toMatchObject({
      emails: ['new.address@mail.example'],
      identification: { ...oldIdentification, postcode: '00100' },
      phones: (before.data as { phones: unknown }).phones,
    });
  });

  it('answers a replayed mutation id with its first result and applies it only once', async () => {
    const version = store.getRecord('customer', 'CUST-0000003')!.version;
    const m = mutation({
      kind: 'customer.update',
      recordId: 'CUST-0000003',
      baseVersion: version,
      data: { flags: ['vip'] },
    });
    const [first] = await push([m]);
    expect(first?.status).toBe('applied');
    const [again, twice] = await push([m, m]);
    expect(again).toEqual({ ...first, replayed: true });
    expect(twice).toEqual({ ...first, replayed: true });
    expect(store.getRecord('customer', 'CUST-0000003')!.version).toBe(version + 1);
    expect(store.appliedMutations().filter((applied) => applied.id === m.id)).toHaveLength(1);
  });

  it('answers a stale baseVersion with conflict and the current record; the same id applies with current.version', async () => {
    store.patchRecord('customer', 'CUST-0000004', { notes: 'Changed in the CRM.' });
    const current = store.getRecord('customer', 'CUST-0000004')!;
    const m = mutation({
      kind: 'customer.update',
      recordId: 'CUST-0000004',
      baseVersion: current.version - 1,
      data: { notes: 'Changed at the desk.' },
    });
    const [conflict] = await push([m]);
    expect(conflict).toEqual({ id: m.id, status: 'conflict', current });
    expect(store.getRecord('customer', 'CUST-0000004')).toEqual(current);

    const [kept] = await push([{ ...m, baseVersion: current.version }]);
    expect(kept).toMatchObject({ status: 'applied', record: { version: current.version + 1 } });
    expect(store.getRecord('customer', 'CUST-0000004')!.data).toMatchObject({ notes: 'Changed at the desk.' });
  });

  it('rejects invalid data with the fields at fault, and applies nothing', async () => {
    const update = mutation({
      kind: 'customer.update',
      recordId: 'CUST-0000005',
      baseVersion: 1,
      data: { emails: [42], givenName: 'x'.repeat(101) },
    });
    const create = mutation({ kind: 'customer.create', recordId: randomUUID(), data: { emails: [] } });
    const [badUpdate, badCreate] = await push([update, create]);
    expect(badUpdate).toMatchObject({ status: 'rejected', code: 'invalid' });
    expect(Object.keys((badUpdate as { fields: object }).fields).sort()).toEqual(['emails.0', 'givenName']);
    expect(badCreate).toMatchObject({
      status: 'rejected',
      code: 'invalid',
      fields: { familyName: expect.any(String) },
    });
    expect(store.getRecord('customer', 'CUST-0000005')!.version).toBe(1);
    expect(store.getRecord('customer', create.recordId)).toBeUndefined();
  });

  it('rejects not-found, gone and exists', async () => {
    store.deleteRecord('customer', 'CUST-0000006');
    const results = await push([
      mutation({ kind: 'customer.update', recordId: 'CUST-9999999', baseVersion: 1, data: { notes: 'x' } }),
      mutation({ kind: 'customer.update', recordId: 'CUST-0000006', baseVersion: 1, data: { notes: 'x' } }),
      mutation({ kind: 'customer.create', recordId: 'CUST-0000007', data: { familyName: 'Twice' } }),
      mutation({
        kind: 'interaction.create',
        recordId: randomUUID(),
        stream: 'customer:CUST-9999998',
        data: { customerId: 'CUST-9999998', channel: 'call', direction: 'in', startedAt: Date.now() },
      }),
      mutation({ kind: 'callback.update', recordId: randomUUID(), data: { note: 'x' } }),
    ]);
    expect(results.map((result) => (result.status === 'rejected' ? result.code : result.status))).toEqual([
      'not-found',
      'gone',
      'exists',
      'not-found',
      'not-found',
    ]);
    for (const result of results) expect((result as { message: string }).message.length).toBeGreaterThan(0);
  });

  it('creates a customer with its call, wrap-up and call-back in one stream; they are pulled', async () => {
    const { cursor } = await pullAll(undefined, 2000);
    const customerId = randomUUID();
    const stream = `customer:${customerId}`;
    const callbackId = randomUUID();
    const results = await push([
      mutation({
        kind: 'customer.create',
        recordId: customerId,
        stream,
        data: { givenName: 'Nuova', familyName: 'Cliente', phones: [{ number: '+390612345678' }] },
      }),
      mutation({
        kind: 'interaction.create',
        recordId: randomUUID(),
        stream,
        data: { customerId, channel: 'call', direction: 'in', startedAt: Date.now() - 60_000, endedAt: Date.now() },
      }),
      mutation({
        kind: 'wrapup.create',
        recordId: randomUUID(),
        stream,
        data: { customerId, disposition: 'resolved' },
      }),
      mutation({ kind: 'callback.create', recordId: callbackId, stream, data: { customerId, due: 1 } }),
      mutation({ kind: 'callback.update', recordId: callbackId, stream, data: { due: 2, done: true } }),
    ]);
    expect(results.map((result) => result.status)).toEqual(['applied', 'applied', 'applied', 'applied', 'applied']);
    expect(store.getRecord('callback', callbackId)).toMatchObject({
      version: 2,
      data: { customerId, due: 2, done: true },
    });

    const page = await pull(cursor);
    expect(page.changes.map((record) => record.kind)).toEqual(['customer', 'interaction', 'wrapup', 'callback']);
    expect(page.changes[0]).toMatchObject({
      id: customerId,
      version: 1,
      data: { givenName: 'Nuova', emails: [], flags: [], identification: {}, phones: [{ number: '+390612345678' }] },
    });
  });

  it('skips the later mutations of a stream after one not applied; other streams go on', async () => {
    const failing = mutation({ kind: 'customer.update', recordId: 'CUST-0000008', baseVersion: 99, data: {} });
    const laterSame = mutation({ kind: 'customer.update', recordId: 'CUST-0000008', baseVersion: 1, data: {} });
    const other = mutation({ kind: 'customer.update', recordId: 'CUST-0000009', baseVersion: 1, data: {} });
    const results = await push([failing, laterSame, other]);
    expect(results.map((result) => result.status)).toEqual(['conflict', 'skipped', 'applied']);
    expect(results[1]).toEqual({ id: laterSame.id, status: 'skipped' });
    expect(store.getRecord('customer', 'CUST-0000008')!.version).toBe(1);
  });

  it('rejects a new mutation with a seq below the last applied in its stream as out-of-order', async () => {
    const applied = mutation({ kind: 'customer.update', recordId: 'CUST-0000010', baseVersion: 1, data: {} });
    const late = mutation({
      kind: 'customer.update',
      recordId: 'CUST-0000010',
      baseVersion: 2,
      seq: applied.seq - 1,
      data: { notes: 'late' },
    });
    expect((await push([applied]))[0]?.status).toBe('applied');
    const [result] = await push([late]);
    expect(result).toMatchObject({ status: 'rejected', code: 'out-of-order' });
    // The applied one still replays: it is not a new mutation.
    expect((await push([applied]))[0]).toMatchObject({ status: 'applied', replayed: true });
  });

  it('keeps only applied mutations, in the order applied, with stream, seq and record', async () => {
    const applied = store.appliedMutations();
    expect(applied.length).toBeGreaterThan(0);
    expect(applied.every((entry) => entry.result.status === 'applied')).toBe(true);
    expect(applied.map((entry) => entry.order)).toEqual([...applied.map((entry) => entry.order)].sort((a, b) => a - b));
    expect(applied[0]).toMatchObject({
      kind: 'customer.update',
      recordId: 'CUST-0000002',
      stream: 'customer:CUST-0000002',
    });
  });

  it('answers a request that is not a push with 400, and a body over the limit with 413', async () => {
    for (const body of ['not json', '{}', JSON.stringify({ mutations: [] })]) {
      const res = await request('/mutations', { method: 'POST', body });
      expect(res.status, body).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'invalid', issues: expect.any(Array) });
    }
    const huge = JSON.stringify({ mutations: [{ data: { notes: 'x'.repeat(9 * 1024 * 1024) } }] });
    const res = await request('/mutations', { method: 'POST', body: huge });
    expect(res.status).toBe(413);
  });
});

describe('reference CRM: the store clock', () => {
  it('never goes back, even when the machine clock does', () => {
    const before = store.patchRecord('customer', 'CUST-0000011', { notes: 'one' }).updatedAt;
    const clock = vi.spyOn(Date, 'now').mockReturnValue(before - 3_600_000);
    try {
      const after = store.patchRecord('customer', 'CUST-0000011', { notes: 'two' }).updatedAt;
      expect(after).toBe(before + 1);
    } finally {
      clock.mockRestore();
    }
  });

  it('puts a seed into a store that has records after every cursor handed out', async () => {
    const { cursor } = await pullAll(undefined, 2000);
    const report = store.seed({ customers: 3, seed: 99, history: false });
    const page = await pull(cursor);
    // The three customers (CUST-0000001…3 again, now version + 1) and the reference records.
    expect(page.changes.length).toBe(
      report.customers + report.lines + report.dispositions + report.knowledge + report.outboundLists,
    );
    expect(page.changes.find((record) => record.id === 'CUST-0000003')?.version).toBeGreaterThan(1);
  });
});
