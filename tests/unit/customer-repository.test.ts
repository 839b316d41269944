import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CustomerCard, NumberLookup } from '../../src/contract/customers.js';
import {
  CUSTOMERS_BY_NUMBER_SQL,
  CustomerRepository,
  InvalidPhoneNumberError,
  type CustomerRecord,
} from '../../src/customers/repository.js';
import { migrate, openDatabase, type Db } from '../../src/storage/database.js';
import { CUSTOMER_MIGRATIONS } from '../../src/storage/migrations/index.js';
import { tempDir } from '../support/tmp.js';

let db: Db;
let repo: CustomerRepository;
let cleanup: () => void;

beforeEach(() => {
  const tmp = tempDir();
  cleanup = tmp.cleanup;
  db = openDatabase(path.join(tmp.dir, 'customers.sqlite'));
  migrate(db, CUSTOMER_MIGRATIONS);
  repo = new CustomerRepository(db);
});
afterEach(() => {
  db.close();
  cleanup();
});

const customer = (externalId: string, fields: Partial<CustomerRecord> = {}): CustomerRecord => ({
  externalId,
  updatedAt: 1,
  ...fields,
});

const call = (startedAt: number) => ({ channel: 'call' as const, direction: 'in' as const, startedAt });

describe('who is calling', () => {
  it('finds the customer by the E.164 number, and by the forms a PBX sends it in', () => {
    const id = repo.upsertCustomer(
      customer('c1', { givenName: 'Anna', familyName: 'Rossi', phones: [{ number: '347 123 4567', label: 'mobile' }] }),
      'IT',
    );
    for (const raw of ['+393471234567', 'sip:+393471234567@pbx.test', '393471234567', '00393471234567', '3471234567']) {
      const found = repo.lookupByNumber(raw, 'IT');
      expect(found, raw).toMatchObject({ kind: 'one', matches: [{ id, familyName: 'Rossi', phoneLabel: 'mobile' }] });
      expect(NumberLookup.safeParse(found).success).toBe(true);
    }
  });

  it('falls back to a later reading when the likeliest one is nobody in the cache', () => {
    const id = repo.upsertCustomer(customer('uk', { phones: [{ number: '+44 20 7946 0958' }] }), 'IT');
    // From a German PBX, "44…" is first a German national number, then a British one without "+".
    expect(repo.lookupByNumber('442079460958', 'DE')).toMatchObject({ kind: 'one', matches: [{ id }] });
  });

  it('returns everyone sharing a number, most recently in contact first, never contacted last', () => {
    const phones = [{ number: '+390612345678', label: 'home' }];
    const never = repo.upsertCustomer(customer('never', { givenName: 'Nonna', phones }), 'IT');
    const old = repo.upsertCustomer(customer('old', { givenName: 'Marco', phones }), 'IT');
    const recent = repo.upsertCustomer(customer('recent', { givenName: 'Giulia', phones }), 'IT');
    repo.recordInteraction(old, call(1_000));
    repo.recordInteraction(recent, call(500));
    repo.recordInteraction(recent, call(5_000));
    repo.upsertCase(recent, {
      externalId: 'k1',
      subject: 'Invoice',
      status: 'waiting',
      open: true,
      openedAt: 100,
      updatedAt: 200,
    });
    const found = repo.lookupByNumber('06 1234 5678', 'IT');
    expect(found.kind).toBe('many');
    expect(found.kind === 'many' && found.matches.map((m) => [m.id, m.lastContactAt, m.openCases])).toEqual([
      [recent, 5_000, 1],
      [old, 1_000, 0],
      [never, undefined, 0],
    ]);
  });

  it('says when the caller withheld the number', () => {
    for (const raw of ['sip:anonymous@anonymous.invalid', 'anonymous', 'Restricted', 'unavailable', '', undefined]) {
      expect(repo.lookupByNumber(raw, 'IT')).toEqual({ kind: 'withheld' });
    }
  });

  it('gives an unknown caller’s number in E.164 when it is one, as sent otherwise', () => {
    expect(repo.lookupByNumber('0039 347 7654321', 'IT')).toEqual({ kind: 'none', number: '+393477654321' });
    expect(repo.lookupByNumber('sip:1002@pbx.test', 'IT')).toEqual({ kind: 'none', number: '1002' });
  });

  it('follows a customer’s new numbers when the CRM sends it again', () => {
    const id = repo.upsertCustomer(customer('c1', { phones: [{ number: '+393471234567' }] }), 'IT');
    expect(repo.upsertCustomer(customer('c1', { phones: [{ number: '+393479999999' }] }), 'IT')).toBe(id);
    expect(repo.lookupByNumber('+393471234567', 'IT').kind).toBe('none');
    expect(repo.lookupByNumber('+393479999999', 'IT')).toMatchObject({ kind: 'one', matches: [{ id }] });
  });

  it('refuses a customer with a number that is none, storing nothing of it', () => {
    expect(() => repo.upsertCustomer(customer('bad', { phones: [{ number: 'ask reception' }] }), 'IT')).toThrow(
      InvalidPhoneNumberError,
    );
    expect(repo.search('bad')).toEqual([]);
    expect(db.prepare('SELECT count(*) FROM customers').pluck().get()).toBe(0);
  });

  it('looks a number up with index seeks only, never reading a whole table', () => {
    const plan = db
      .prepare(`EXPLAIN QUERY PLAN ${CUSTOMERS_BY_NUMBER_SQL}`)
      .all('+393471234567')
      .map((row) => (row as { detail: string }).detail);
    expect(plan).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^SEARCH p USING COVERING INDEX phones_by_number \(e164=\?/),
        expect.stringMatching(/^SEARCH c USING INTEGER PRIMARY KEY/),
        expect.stringMatching(/^SEARCH i USING COVERING INDEX interactions_by_customer/),
        expect.stringMatching(/^SEARCH k USING COVERING INDEX cases_by_customer/),
      ]),
    );
    expect(plan.filter((detail) => /^SCAN /.test(detail))).toEqual([]);
  });
});

describe('the customer card', () => {
  it('holds the customer, open cases first then recent closed ones, the last interactions newest first', () => {
    const id = repo.upsertCustomer(
      customer('c1', {
        title: 'Dr',
        givenName: 'Anna',
        familyName: 'Rossi',
        company: 'Acme',
        language: 'it',
        accountNumber: 'AC-10023',
        emails: ['anna.rossi@example.com'],
        flags: ['vip'],
        notes: 'Prefers e-mail.',
        identification: { dateOfBirth: '1980-02-29', postcode: '00184', customerCode: 'K9' },
        phones: [{ number: '+393471234567', label: 'mobile' }, { number: '06 1234 5678' }],
      }),
      'IT',
    );
    const kase = (externalId: string, open: boolean, updatedAt: number) =>
      repo.upsertCase(id, {
        externalId,
        subject: externalId,
        status: open ? 'open' : 'closed',
        open,
        openedAt: 1,
        updatedAt,
      });
    const closedOld = kase('closed-old', false, 10);
    const open = kase('open', true, 5);
    const closedNew = kase('closed-new', false, 20);
    for (let i = 1; i <= 12; i++) repo.recordInteraction(id, { ...call(i * 100), caseId: open, summary: `call ${i}` });
    repo.recordInteraction(id, { ...call(1_200), externalId: 'call-12', outcome: 'solved' });

    const card = repo.card(id);
    expect(CustomerCard.safeParse(card).success).toBe(true);
    expect(card?.customer).toEqual({
      id,
      title: 'Dr',
      givenName: 'Anna',
      familyName: 'Rossi',
      company: 'Acme',
      language: 'it',
      accountNumber: 'AC-10023',
      emails: ['anna.rossi@example.com'],
      flags: ['vip'],
      notes: 'Prefers e-mail.',
      identification: { dateOfBirth: '1980-02-29', postcode: '00184', customerCode: 'K9' },
      phones: [{ e164: '+393471234567', label: 'mobile' }, { e164: '+390612345678' }],
      lastContactAt: 1_200,
      openCases: 1,
    });
    expect(card?.cases.map((c) => c.id)).toEqual([open, closedNew, closedOld]);
    expect(card?.interactions).toHaveLength(10);
    expect(card?.interactions[0]?.startedAt).toBe(1_200);
    expect(card?.interactions.map((i) => i.startedAt)).toEqual(
      [...card!.interactions.map((i) => i.startedAt)].sort((a, b) => b - a),
    );
    expect(card?.interactions[1]).toMatchObject({ caseId: open, summary: 'call 12' });
  });

  it('updates an interaction recorded again under the same id', () => {
    const id = repo.upsertCustomer(customer('c1'), 'IT');
    const first = repo.recordInteraction(id, { ...call(1), externalId: 'call-1' });
    expect(repo.recordInteraction(id, { ...call(1), externalId: 'call-1', endedAt: 9, outcome: 'solved' })).toBe(first);
    expect(repo.card(id)?.interactions).toEqual([
      { id: first, channel: 'call', direction: 'in', startedAt: 1, endedAt: 9, outcome: 'solved' },
    ]);
  });

  it('is undefined for a customer the cache does not have', () => {
    expect(repo.card(42)).toBeUndefined();
  });
});

describe('searching customers', () => {
  let ids: Record<string, number>;
  beforeEach(() => {
    ids = {
      muller: repo.upsertCustomer(
        customer('muller', { givenName: 'Jürgen', familyName: 'Müller', company: 'Bäckerei Schön GmbH' }),
        'DE',
      ),
      papadopoulos: repo.upsertCustomer(
        customer('gr', { givenName: 'Σοφία', familyName: 'Παπαδόπουλος', phones: [{ number: '210 123 4567' }] }),
        'GR',
      ),
      ivanova: repo.upsertCustomer(customer('ru', { givenName: 'Наталья', familyName: 'Иванова' }), 'RU'),
      rossi: repo.upsertCustomer(
        customer('rossi', {
          givenName: 'Anna',
          familyName: 'Rossi',
          accountNumber: 'AC-10023',
          emails: ['anna.rossi@example.com'],
          phones: [{ number: '+39 347 123 4567' }],
        }),
        'IT',
      ),
      annaCompany: repo.upsertCustomer(customer('annaco', { familyName: 'Bianchi', company: 'Anna Srl' }), 'IT'),
    };
  });
  const found = (query: string, limit?: number) => repo.search(query, limit).map((summary) => summary.id);

  it('folds accents both ways: "Muller" finds Müller, "müll" too', () => {
    expect(found('Muller')).toEqual([ids.muller]);
    expect(found('müll')).toEqual([ids.muller]);
    expect(found('jurgen mul')).toEqual([ids.muller]);
    expect(found('backerei schon')).toEqual([ids.muller]);
  });

  it('finds Greek names in Greek, with or without tonos and final sigma', () => {
    expect(found('παπαδοπουλος')).toEqual([ids.papadopoulos]);
    expect(found('ΠΑΠΑΔΌΠΟΥΛΟΣ')).toEqual([ids.papadopoulos]);
    expect(found('Παπαδ σοφια')).toEqual([ids.papadopoulos]);
  });

  it('finds Cyrillic names in Cyrillic', () => {
    expect(found('иванова')).toEqual([ids.ivanova]);
    expect(found('Ната')).toEqual([ids.ivanova]);
  });

  it('finds by e-mail and account number, by word prefixes', () => {
    expect(found('anna.rossi@example.com')).toEqual([ids.rossi]);
    expect(found('rossi@exa')).toEqual([ids.rossi]);
    expect(found('AC-10023')).toEqual([ids.rossi]);
    expect(found('10023')).toEqual([ids.rossi]);
  });

  it('finds by any run of three or more digits of a number, E.164 or national', () => {
    expect(found('1234567')).toEqual(expect.arrayContaining([ids.rossi, ids.papadopoulos]));
    expect(found('0123')).toEqual([ids.papadopoulos]);
    expect(found('347 123')).toEqual([ids.rossi]);
    expect(found('+39347')).toEqual([ids.rossi]);
    expect(found('34')).toEqual([]);
  });

  it('ranks a match in the name above one in the company', () => {
    expect(found('anna')).toEqual([ids.rossi, ids.annaCompany]);
  });

  it('keeps to the limit', () => {
    expect(found('anna', 1)).toEqual([ids.rossi]);
  });

  it('finds nothing for punctuation or FTS syntax, without failing', () => {
    expect(found('')).toEqual([]);
    expect(found('*')).toEqual([]);
    expect(found('"anna" OR')).toEqual([]);
    expect(found('NEAR(anna')).toEqual([]);
  });

  it('forgets the old words when a customer is renamed', () => {
    repo.upsertCustomer(customer('muller', { familyName: 'Schmidt' }), 'DE');
    expect(found('muller')).toEqual([]);
    expect(found('schmidt')).toEqual([ids.muller]);
  });
});

describe('the service a call came in for', () => {
  it('finds the line by the called number in any form, or by queue name', () => {
    repo.upsertLine({ called: '800 123 456', serviceName: 'Billing', scriptSet: 'billing-it', language: 'it' }, 'IT');
    repo.upsertLine({ called: 'queue-support', serviceName: 'Support' }, 'IT');
    const billing = { called: '+39800123456', serviceName: 'Billing', scriptSet: 'billing-it', language: 'it' };
    expect(repo.lineFor('+39800123456', 'IT')).toEqual(billing);
    expect(repo.lineFor('sip:800123456@pbx.test', 'IT')).toEqual(billing);
    expect(repo.lineFor('0039800123456', 'IT')).toEqual(billing);
    expect(repo.lineFor('sip:queue-support@pbx.test', 'IT')).toMatchObject({ serviceName: 'Support' });
    expect(repo.lineFor('queue-sales', 'IT')).toBeUndefined();
  });
});
