import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Call } from '../../src/contract/calls.js';
import type { CoreEvent } from '../../src/contract/messages.js';
import { StateSnapshot, type CommandResult } from '../../src/contract/messages.js';
import { CustomerDesk } from '../../src/core/customer-desk.js';
import { CustomerRepository } from '../../src/customers/repository.js';
import { silentLogger } from '../../src/log/logger.js';
import { migrate, openDatabase, type Db } from '../../src/storage/database.js';
import { CUSTOMER_MIGRATIONS } from '../../src/storage/migrations/index.js';
import { tempDir } from '../support/tmp.js';

let dir: string;
let cleanup: () => void;
let file: string;
let events: CoreEvent[];
let desk: CustomerDesk;

function seed(work: (repo: CustomerRepository, db: Db) => void): void {
  const db = openDatabase(file);
  migrate(db, CUSTOMER_MIGRATIONS);
  work(new CustomerRepository(db), db);
  db.close();
}

function openDesk(busyWaitMs?: number): CustomerDesk {
  desk = new CustomerDesk({
    file,
    logger: silentLogger(),
    region: () => 'IT',
    emit: (e) => events.push(e),
    now: () => 1000,
    ...(busyWaitMs !== undefined ? { busyWaitMs } : {}),
  });
  desk.open();
  return desk;
}

const call = (id: string, number: string, fields: Partial<Call> = {}): Call => ({
  id,
  direction: 'in',
  state: 'ringing-in',
  remote: { number, uri: `sip:${number}@pbx.test` },
  startedAt: 500,
  hold: { local: false, remote: false },
  muted: false,
  ...fields,
});

const value = <T>(result: CommandResult): T => {
  if (!result.ok) throw new Error(`command failed: ${JSON.stringify(result.error)}`);
  return result.value as T;
};

beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  file = path.join(dir, 'customers.sqlite');
  events = [];
});
afterEach(() => {
  desk?.close();
  cleanup();
});

describe('the record of a call', () => {
  it('pops the one customer of the number with the service of the called line, and keeps the call with them', () => {
    seed((repo) => {
      repo.upsertCustomer(
        { externalId: 'a', familyName: 'Rossi', phones: [{ number: '+393471234567' }], updatedAt: 1 },
        'IT',
      );
      repo.upsertLine({ called: '800100200', serviceName: 'Billing' }, 'IT');
    });
    openDesk();
    desk.callsChanged([call('c1', '00393471234567', { called: '800100200' })]);
    const [pop] = desk.view();
    expect(pop).toMatchObject({
      callId: 'c1',
      lookup: { kind: 'one' },
      linkedBy: 'number',
      line: { serviceName: 'Billing' },
    });
    expect(pop!.card!.customer.familyName).toBe('Rossi');
    expect(events.at(-1)).toMatchObject({ type: 'pops' });

    // The call ends: it is on the card at once (newest contact), and waits for the CRM as a change.
    desk.callEnded(call('c1', '00393471234567', { state: 'ended', endedAt: 900, end: { cause: 'remote-hangup' } }));
    const card = desk.view()[0]!.card!;
    expect(card.interactions[0]).toMatchObject({
      channel: 'call',
      direction: 'in',
      startedAt: 500,
      outcome: 'remote-hangup',
    });
    expect(desk.status().pendingChanges).toBe(1);
  });

  it('keeps the pop while the call is listed and lets go of it after; a snapshot carries it', () => {
    openDesk();
    desk.callsChanged([call('c1', 'anonymous')]);
    expect(desk.view()[0]!.lookup).toEqual({ kind: 'withheld' });
    const popsEvents = events.length;
    desk.callsChanged([call('c1', 'anonymous', { state: 'active' })]);
    expect(events.length).toBe(popsEvents); // nothing new to say
    desk.callsChanged([]);
    expect(desk.view()).toEqual([]);
    expect(() => StateSnapshot.shape.pops.parse(desk.view())).not.toThrow();
  });

  it('a chooser for a shared number; the agent links the call to the one who calls, or to anyone else', async () => {
    let other = 0;
    seed((repo) => {
      for (const name of ['Ivan', 'Olga']) {
        repo.upsertCustomer(
          { externalId: name, givenName: name, phones: [{ number: '+74951234567' }], updatedAt: 1 },
          'IT',
        );
      }
      other = repo.upsertCustomer({ externalId: 'x', familyName: 'Popescu', updatedAt: 1 }, 'IT');
    });
    openDesk();
    desk.callsChanged([call('c1', '+74951234567')]);
    const pop = desk.view()[0]!;
    expect(pop.lookup.kind).toBe('many');
    expect(pop.card).toBeUndefined();
    const olga = pop.lookup.kind === 'many' ? pop.lookup.matches.find((m) => m.givenName === 'Olga')! : undefined;
    value(await desk.dispatch({ type: 'pop.link', callId: 'c1', customerId: olga!.id }));
    expect(desk.view()[0]).toMatchObject({ linkedBy: 'agent', card: { customer: { givenName: 'Olga' } } });
    value(await desk.dispatch({ type: 'pop.link', callId: 'c1', customerId: other }));
    expect(desk.view()[0]!.card!.customer.familyName).toBe('Popescu');
    expect(await desk.dispatch({ type: 'pop.link', callId: 'c1', customerId: 999 })).toMatchObject({ ok: false });
    expect(await desk.dispatch({ type: 'pop.link', callId: 'nope', customerId: other })).toMatchObject({ ok: false });
  });
});

describe("the agent's own edits", () => {
  it('creates a customer for an unknown caller, links the call, finds it again, and records the change', async () => {
    openDesk();
    desk.callsChanged([call('c1', '+390612345678')]);
    expect(desk.view()[0]!.lookup).toEqual({ kind: 'none', number: '+390612345678' });
    const { customerId } = value<{ customerId: number }>(
      await desk.dispatch({
        type: 'customers.create',
        callId: 'c1',
        customer: { givenName: 'Eleni', familyName: 'Γεωργίου', phones: [{ number: '06 1234 5678' }] },
      }),
    );
    expect(desk.view()[0]).toMatchObject({ linkedBy: 'created', card: { customer: { id: customerId } } });
    expect(value<{ id: number }[]>(await desk.dispatch({ type: 'customers.search', query: 'γεωργιου' }))[0]!.id).toBe(
      customerId,
    );
    expect(desk.status()).toMatchObject({ customers: 1, pendingChanges: 1 });
    expect(events.some((e) => e.type === 'customers')).toBe(true);
  });

  it('applies corrections (only the fields given) to the card on screen, and keeps the rest', async () => {
    let id = 0;
    seed((repo) => {
      id = repo.upsertCustomer(
        {
          externalId: 'a',
          givenName: 'Giulia',
          familyName: 'Bianchi',
          emails: ['old@example.it'],
          identification: { customerCode: 'GB-1', postcode: '20121' },
          phones: [{ number: '+393471234567', label: 'mobile' }],
          updatedAt: 1,
        },
        'IT',
      );
    });
    openDesk();
    desk.callsChanged([call('c1', '+393471234567')]);
    value(
      await desk.dispatch({
        type: 'customers.update',
        customerId: id,
        changes: {
          emails: ['giulia@example.it'],
          phones: [
            { number: '+393471234567', label: 'mobile' },
            { number: '02 7654 3210', label: 'office' },
          ],
          identification: { postcode: '20122' },
        },
      }),
    );
    const card = desk.view()[0]!.card!;
    expect(card.customer).toMatchObject({
      givenName: 'Giulia',
      familyName: 'Bianchi',
      emails: ['giulia@example.it'],
      identification: { customerCode: 'GB-1', postcode: '20122' },
    });
    expect(card.customer.phones).toEqual([
      { e164: '+393471234567', label: 'mobile' },
      { e164: '+390276543210', label: 'office' },
    ]);
    // The new number finds the customer on the next call.
    desk.callsChanged([call('c2', '0276543210')]);
    expect(desk.view()[0]!.lookup.kind).toBe('one');
  });

  it('refuses a number that is not one in plain words and changes nothing', async () => {
    let id = 0;
    seed((repo) => {
      id = repo.upsertCustomer({ externalId: 'a', familyName: 'Bianchi', emails: ['a@b.it'], updatedAt: 1 }, 'IT');
    });
    openDesk();
    const result = await desk.dispatch({
      type: 'customers.update',
      customerId: id,
      changes: { emails: ['new@b.it'], phones: [{ number: '12-ab-34' }] },
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid', message: 'invalid-phone-number' } });
    expect(!result.ok && result.error.issues?.[0]?.message).toContain('"12-ab-34" is not a phone number');
    const card = value<{ customer: { emails: string[] } }>(
      await desk.dispatch({ type: 'customers.card', customerId: id }),
    );
    expect(card.customer.emails).toEqual(['a@b.it']);
    expect(desk.status().pendingChanges).toBe(0);
  });

  it('while another connection holds the write lock (the first sync, an import), a correction waits for it, then is saved', async () => {
    let id = 0;
    seed((repo) => {
      id = repo.upsertCustomer(
        { externalId: 'a', familyName: 'Bianchi', phones: [{ number: '+393471234567' }], updatedAt: 1 },
        'IT',
      );
    });
    openDesk();
    const importer = openDatabase(file);
    importer.exec('BEGIN IMMEDIATE');
    let settled = false;
    const saving = desk.dispatch({ type: 'customers.update', customerId: id, changes: { company: 'X' } });
    void saving.then(() => (settled = true));
    try {
      await new Promise((resolve) => setTimeout(resolve, 400));
      // Still waiting, not refused: the agent's Save shows it is busy.
      expect(settled).toBe(false);
      // Reads go on meanwhile (WAL): a ringing call still pops; its customer is found.
      desk.callsChanged([call('c1', '+393471234567')]);
      expect(desk.view()[0]!.card?.customer.id).toBe(id);
      // A call that ends meanwhile waits in memory for the lock, and is not lost.
      desk.callEnded(call('c1', '+393471234567', { state: 'ended', endedAt: 900, end: { cause: 'local-hangup' } }));
    } finally {
      importer.exec('ROLLBACK');
      importer.close();
    }
    // The lock is free: the correction is written.
    const saved = value<{ card: { customer: { company?: string } } }>(await saving);
    expect(saved.card.customer.company).toBe('X');
    await expect
      .poll(
        async () =>
          value<{ interactions: unknown[] }>(await desk.dispatch({ type: 'customers.card', customerId: id }))
            .interactions,
        { timeout: 6000 },
      )
      .toHaveLength(1);
  });

  it('a lock held longer than the wait: "busy" in plain words, and nothing changed', async () => {
    let id = 0;
    seed((repo) => {
      id = repo.upsertCustomer({ externalId: 'a', familyName: 'Bianchi', updatedAt: 1 }, 'IT');
    });
    openDesk(300);
    const importer = openDatabase(file);
    importer.exec('BEGIN IMMEDIATE');
    try {
      const result = await desk.dispatch({ type: 'customers.update', customerId: id, changes: { company: 'X' } });
      expect(result).toMatchObject({ ok: false, error: { message: 'busy' } });
      expect(!result.ok && result.error.issues?.[0]?.message).toContain('nothing was changed');
    } finally {
      importer.exec('ROLLBACK');
      importer.close();
    }
    const card = value<{ customer: { company?: string } }>(
      await desk.dispatch({ type: 'customers.card', customerId: id }),
    );
    expect(card.customer.company).toBeUndefined();
    expect(desk.status().pendingChanges).toBe(0);
  });
});

describe('search', () => {
  it('runs in the search worker, never on the core thread, and finds customers in their own script', async () => {
    seed((repo) => {
      repo.upsertCustomer({ externalId: 'a', givenName: 'Σοφία', familyName: 'Παπαδοπούλου', updatedAt: 1 }, 'IT');
      repo.upsertCustomer({ externalId: 'b', givenName: 'Jürgen', familyName: 'Müller', updatedAt: 1 }, 'IT');
    });
    openDesk();
    const onThisThread = vi.spyOn(CustomerRepository.prototype, 'search');
    try {
      const greek = value<{ familyName: string }[]>(
        await desk.dispatch({ type: 'customers.search', query: 'παπαδοπ' }),
      );
      expect(greek.map((c) => c.familyName)).toEqual(['Παπαδοπούλου']);
      const german = value<{ familyName: string }[]>(
        await desk.dispatch({ type: 'customers.search', query: 'muller j' }),
      );
      expect(german.map((c) => c.familyName)).toEqual(['Müller']);
      expect(onThisThread).not.toHaveBeenCalled();
    } finally {
      onThisThread.mockRestore();
    }
  });
});

describe('a cache that cannot be used', () => {
  it('a file from a newer version: unavailable with the reason; calls still pop as not found, nothing thrown', async () => {
    seed((_repo, db) => db.pragma('user_version = 99'));
    openDesk();
    expect(desk.status()).toMatchObject({ state: 'unavailable' });
    expect(desk.status().problem).toContain('newer version of the app');
    desk.callsChanged([call('c1', '+393471234567')]);
    expect(desk.view()[0]).toMatchObject({ unavailable: true });
    const result = await desk.dispatch({ type: 'customers.create', customer: { familyName: 'X' } });
    expect(result).toMatchObject({ ok: false, error: { message: 'unavailable' } });
  });

  it('a damaged file: unavailable, with what to do in plain words, and the file left alone', () => {
    fs.writeFileSync(file, 'this is not a database, just text that fills the first page '.repeat(100));
    const before = fs.readFileSync(file);
    openDesk();
    expect(desk.status().state).toBe('unavailable');
    expect(desk.status().problem).toMatch(/could not be opened.*Calls work/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });
});
