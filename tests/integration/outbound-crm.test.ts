/**
 * Outbound lists from the CRM: the reference CRM (tools/crm) over loopback HTTP, real SQLite on
 * both sides. The seeded list arrives with its entries linked to their customers; an outcome the
 * agent records goes back to the CRM exactly once (with the callback a "not now" agreed); a new
 * version of the list updates what was not called yet and keeps what was; a deleted list leaves.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { silentLogger } from '../../src/log/logger.js';
import type { SyncEngine } from '../../src/sync/engine.js';
import type { OutboundListData, OutboundOutcomeData } from '../../src/sync/protocol.js';
import { WorkStore } from '../../src/work/store.js';
import { waitFor } from '../support/wait.js';
import type { CrmServer } from '../../tools/crm/server.js';
import type { Db } from '../../src/storage/database.js';
import { startCrmSync } from '../support/crm-sync.js';

let crm: CrmServer;
let db: Db;
let engine: SyncEngine;
let stop: () => Promise<void>;
let work: WorkStore;
let outboundChanges = 0;

beforeEach(async () => {
  outboundChanges = 0;
  let file: string;
  ({ crm, db, engine, file, stop } = await startCrmSync(
    'outbound-crm-',
    { customers: 30, seed: 11, history: false },
    { onOutboundChanged: () => (outboundChanges += 1) },
  ));
  work = new WorkStore(file, silentLogger());
  work.open();
});

afterEach(async () => {
  work.close();
  await stop();
});

const crmList = () => work.outboundLists().find((list) => list.source === 'crm');

it('the CRM’s list is worked at the desk; outcomes go back once; updates keep what was called; a deletion removes it', async () => {
  await waitFor('the seeded list reaches the desk', () => crmList()?.entries.length === 12);
  expect(outboundChanges).toBeGreaterThan(0);
  const list = crmList()!;
  expect(list.name).toBe('Contract renewals');
  // Every entry is a seeded customer's number, linked to that customer in the cache.
  expect(list.entries.every((entry) => entry.customerId !== undefined && entry.number.startsWith('+'))).toBe(true);
  expect(list.entries.map((entry) => entry.position)).toEqual([...Array(12).keys()]);

  // The agent calls the first two: one reached, one "not now" with a callback.
  const first = (await work.claimNextEntry(list.id))!;
  await work.recordOutcome(first.id, 'reached');
  const second = (await work.claimNextEntry(list.id))!;
  const dueAt = Date.now() + 86_400_000;
  await work.recordOutcome(second.id, 'not-now', {
    number: second.number,
    customerId: second.customerId!,
    dueAt,
    note: '',
  });
  engine.nudge();
  await waitFor(
    'both outcomes reach the CRM',
    () => crm.store.appliedMutations().filter((m) => m.kind === 'outbound.outcome').length === 2,
  );
  // Once each (pushes again change nothing), each with the CRM's ids of the list and the entry.
  engine.syncNow();
  await waitFor(
    'the outbox drains',
    () => work.outboundLists().length > 0 && db.prepare('SELECT count(*) FROM outbox').pluck().get() === 0,
  );
  const outcomes = crm.store
    .appliedMutations()
    .filter((m) => m.kind === 'outbound.outcome')
    .map((m) => crm.store.getRecord('outboundOutcome', m.recordId)!.data as OutboundOutcomeData);
  expect(outcomes).toHaveLength(2);
  const seeded = crm.store.getRecord('outboundList', 'outbound:renewals')!.data as OutboundListData;
  expect(outcomes.map((o) => [o.listId, o.entryId, o.outcome, o.attempts])).toEqual([
    ['outbound:renewals', seeded.entries[0]!.id, 'reached', 1],
    ['outbound:renewals', seeded.entries[1]!.id, 'not-now', 1],
  ]);
  expect(outcomes[1]!.callbackId).toBeDefined();
  expect(crm.store.getRecord('callback', outcomes[1]!.callbackId!)).toBeDefined();

  // The CRM changes the list: the called first entry and the third are taken off, the fourth moves
  // to the front, one is added, the second's note changes.
  const entries = seeded.entries;
  crm.store.putRecord('outboundList', 'outbound:renewals', {
    name: 'Contract renewals (week 2)',
    entries: [
      entries[3]!,
      { ...entries[1]!, note: 'changed after the call' },
      ...entries.slice(4),
      { id: 'extra-1', number: '+390612345678', note: 'new in week 2' },
    ],
  });
  await waitFor('the new version reaches the desk', () => crmList()?.name === 'Contract renewals (week 2)');
  const updated = crmList()!;
  const numbers = updated.entries.map((entry) => entry.number);
  // In the CRM's order; the reached entry the CRM dropped stays, after them, with its outcome.
  expect(numbers.slice(0, 2)).toEqual([entries[3]!.number, entries[1]!.number]);
  expect(numbers).not.toContain(entries[2]!.number);
  expect(updated.entries.at(-2)!.number).toBe('+390612345678');
  expect(updated.entries.at(-1)).toMatchObject({ number: entries[0]!.number, status: 'done', outcome: 'reached' });
  // The called entry kept what the agent saw and recorded.
  expect(updated.entries[1]).toMatchObject({ status: 'done', outcome: 'not-now', note: entries[1]!.note });
  expect(updated.entries).toHaveLength(12);

  crm.store.deleteRecord('outboundList', 'outbound:renewals');
  await waitFor('the deleted list leaves the desk', () => crmList() === undefined);
  expect(db.prepare('SELECT count(*) FROM outbound_entries').pluck().get()).toBe(0);
});
