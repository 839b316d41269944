import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BulkCustomerWriter } from '../../src/customers/bulk-writer.js';
import {
  CSV_COLUMNS,
  CustomerImportError,
  importCustomersCsv,
  type CsvImportOptions,
  type ImportReport,
} from '../../src/customers/csv-import.js';
import { CustomerRepository } from '../../src/customers/repository.js';
import { migrate, openDatabase, type Db } from '../../src/storage/database.js';
import { CUSTOMER_MIGRATIONS } from '../../src/storage/migrations/index.js';
import { tempDir } from '../support/tmp.js';

let dir: string;
let db: Db;
let repo: CustomerRepository;
let cleanup: () => void;

beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  db = openDatabase(path.join(dir, 'customers.sqlite'));
  migrate(db, CUSTOMER_MIGRATIONS);
  repo = new CustomerRepository(db);
});
afterEach(() => {
  db.close();
  cleanup();
});

const HEADER = 'external_id,given_name,family_name,company,phones,emails,language,date_of_birth,updated_at';

function csvFile(lines: string[] | string, name = 'customers.csv'): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, Array.isArray(lines) ? `${lines.join('\n')}\n` : lines);
  return file;
}

const run = (source: string | Readable, options: Partial<CsvImportOptions> = {}): Promise<ImportReport> =>
  importCustomersCsv(db, source, { region: 'IT', now: Date.UTC(2026, 0, 1), ...options });

async function failure(promise: Promise<unknown>): Promise<CustomerImportError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CustomerImportError);
  return error as CustomerImportError;
}

/** Everything in the cache, to prove that a failed import changed nothing. */
function snapshot(): unknown {
  return ['customers', 'phones', 'cases', 'interactions', 'lines'].map((table) =>
    db.prepare(`SELECT * FROM ${table} ORDER BY 1`).all(),
  );
}

function seedOne(): number {
  return repo.upsertCustomer(
    {
      externalId: 'OLD',
      givenName: 'Olga',
      familyName: 'Βασιλείου',
      phones: [{ number: '+390612345678', label: 'home' }],
      updatedAt: 5,
    },
    'IT',
  );
}

describe('importing a customer CSV', () => {
  it('imports the good rows and reports each bad one with its line and the reason', async () => {
    const report = await run(
      csvFile([
        HEADER,
        'C1,Anna,Müller,,+49 30 1234567:home; 347 123 4567:mobile,anna@example.com;a.m@example.org,de,1980-02-29,2025-01-01T10:00:00Z',
        'C2,Mario,Rossi,"Rossi, Figli & Co.",12,mario@,italian,1980-02-30,yesterday',
        'C3,,,,06 1234 5678,,,,',
        ',Nobody,Knows,,,,,,',
        'C4,"Maria',
        'Grazia",Conti,,:office,,,31/12/1980,',
        'C5,too,few',
        'C6,Γιώργος,Παπαδόπουλος,,+30 210 1234567:home,,el,,1735725600000',
        'C7,Ivan,Petrov,,+7 495 123 45 67,,ru,2030-01-01,123',
      ]),
    );
    expect(report).toMatchObject({ rowsRead: 8, imported: 2, created: 2, updated: 0, unchanged: 0, rejected: 6 });
    expect(report.rejectedRows).toEqual([
      {
        line: 3,
        externalId: 'C2',
        reason:
          'the language "italian" is not a language code such as it, en or en-GB; "mario@" is not an e-mail address; ' +
          'the date of birth 1980-02-30 is not a day of the calendar; "12" is not a phone number; updated_at ' +
          '"yesterday" is not a time: write it as 2025-03-01T10:00:00Z (ISO 8601) or as milliseconds since 1970',
      },
      { line: 4, externalId: 'C3', reason: 'it has no name and no company' },
      { line: 5, reason: 'the external id is empty' },
      {
        // A quoted value over two lines: the row is reported at the line it starts on.
        line: 6,
        externalId: 'C4',
        reason:
          'the date of birth "31/12/1980" is not a date written as YYYY-MM-DD; the phone entry ":office" has no ' +
          'number before its label',
      },
      {
        line: 8,
        externalId: 'C5',
        reason:
          'it has 3 values but the header names 9 columns (a value that contains a comma must be in double quotes)',
      },
      {
        line: 10,
        externalId: 'C7',
        reason:
          'the date of birth 2030-01-01 cannot be right; updated_at "123" is not a time: write it as ' +
          '2025-03-01T10:00:00Z (ISO 8601) or as milliseconds since 1970',
      },
    ]);

    const [anna] = repo.search('muller');
    expect(anna).toMatchObject({ givenName: 'Anna', familyName: 'Müller', language: 'de' });
    const card = repo.card(anna!.id)!;
    expect(card.customer.emails).toEqual(['anna@example.com', 'a.m@example.org']);
    expect(card.customer.identification.dateOfBirth).toBe('1980-02-29');
    expect(card.customer.phones).toEqual([
      { e164: '+49301234567', label: 'home' },
      { e164: '+393471234567', label: 'mobile' },
    ]);
    expect(repo.lookupByNumber('3471234567', 'IT')).toMatchObject({ kind: 'one', matches: [{ id: anna!.id }] });
    expect(repo.search('παπαδοπουλος')).toMatchObject([{ givenName: 'Γιώργος' }]);
    expect(repo.search('2101234')).toHaveLength(1);
    expect(db.prepare("SELECT updated_at FROM customers WHERE external_id = 'C6'").pluck().get()).toBe(1735725600000);
  });

  it('reads every documented column, in any order, with header names written loosely', async () => {
    const header = [...CSV_COLUMNS].reverse().map((name) => name.replace(/_/g, ' ').toUpperCase());
    const values: Record<string, string> = {
      external_id: 'X-1',
      title: 'Dott.ssa',
      given_name: 'Chiara',
      family_name: 'Bianchi',
      company: 'Bianchi Impianti S.r.l.',
      language: 'it_IT',
      account_number: 'AC-0042',
      emails: 'chiara@bianchi.example',
      flags: 'VIP; late-payer;vip',
      notes: 'Prefers e-mail, never after 6 pm',
      date_of_birth: '1975-05-17',
      postcode: '20121',
      customer_code: 'K-77',
      phones: '02 1234 5678:switchboard;+39 347 000 1111',
      updated_at: '2025-06-01 08:30',
    };
    const row = [...CSV_COLUMNS].reverse().map((name) => `"${values[name]}"`);
    const report = await run(csvFile(`\uFEFF${header.join(',')}\r\n${row.join(',')}\r\n`));
    expect(report).toMatchObject({ rowsRead: 1, imported: 1, rejected: 0 });
    const card = repo.card(repo.search('AC-0042')[0]!.id)!;
    expect(card.customer).toMatchObject({
      title: 'Dott.ssa',
      company: 'Bianchi Impianti S.r.l.',
      language: 'it-IT',
      accountNumber: 'AC-0042',
      flags: ['vip', 'late-payer'],
      notes: 'Prefers e-mail, never after 6 pm',
      identification: { dateOfBirth: '1975-05-17', postcode: '20121', customerCode: 'K-77' },
      phones: [{ e164: '+390212345678', label: 'switchboard' }, { e164: '+393470001111' }],
    });
    expect(db.prepare('SELECT updated_at FROM customers').pluck().get()).toBe(Date.UTC(2025, 5, 1, 8, 30));
  });

  it('reads files separated by semicolons or tabs, as spreadsheets write them in many countries', async () => {
    const semicolons = await run(
      csvFile(['external_id;given_name;family_name;phones', 'S1;Ana;Popescu;"+40 721 234 567;021 312 3456"']),
    );
    expect(semicolons).toMatchObject({ imported: 1, rejected: 0 });
    const tabs = await run(
      csvFile(['external_id\tgiven_name\tfamily_name\tphones', 'T1\tAna\tIonescu\t+40 264 123 456']),
    );
    expect(tabs).toMatchObject({ imported: 1, rejected: 0 });
    expect(repo.card(repo.search('popescu')[0]!.id)!.customer.phones).toHaveLength(2);
  });

  it('refuses a header it does not fit, before writing anything, and names each problem', async () => {
    seedOne();
    const before = snapshot();
    const unknown = await failure(run(csvFile(['external_id,given_name,family_name,phones,emial,Fax', 'C1,A,B,,,'])));
    expect(unknown).toMatchObject({ code: 'header', line: 1 });
    expect(unknown.message).toContain('it names columns this import does not know: "emial", "Fax"');
    expect(unknown.message).toContain('The columns are: external_id, title, given_name');

    const missing = await failure(run(csvFile(['id,given_name,name', '1,A,B'])));
    expect(missing.message).toContain('does not know: "id", "name"');
    expect(missing.message).toContain('it lacks the required columns external_id, family_name, phones');

    const twice = await failure(run(csvFile(['external_id,given_name,family_name,phones,Phones,', '1,A,B,,,'])));
    expect(twice.message).toContain('it names phones more than once; column 6 has no name');

    const oneColumn = await failure(run(csvFile(['external_id|given_name|family_name|phones', '1|A|B|'])));
    expect(oneColumn.message).toContain('The values must be separated by commas (or semicolons or tabs)');

    expect(await failure(run(csvFile('')))).toMatchObject({ code: 'empty' });
    expect(await failure(run(csvFile('\n\n')))).toMatchObject({ code: 'empty' });
    expect(await failure(run(path.join(dir, 'missing.csv')))).toMatchObject({ code: 'not-found' });
    expect(snapshot()).toEqual(before);
  });

  it('imports nothing from a file with only a header, and says so', async () => {
    expect(await run(csvFile([HEADER]))).toMatchObject({ rowsRead: 0, imported: 0, rejected: 0 });
  });

  it('rejects the later rows of an external id that is in the file twice, even when the first was rejected', async () => {
    const report = await run(
      csvFile([
        HEADER,
        'D1,First,Row,,,,,,',
        'D2,Other,Row,,,,,,',
        'D1,Second,Row,,,,,,',
        'D3,Bad,Phone,,999,,,,',
        'D3,Good,Phone,,,,,,',
      ]),
    );
    expect(report).toMatchObject({ imported: 2, rejected: 3 });
    expect(report.rejectedRows).toEqual([
      { line: 4, externalId: 'D1', reason: 'the external id "D1" is already on line 2' },
      { line: 5, externalId: 'D3', reason: '"999" is not a phone number' },
      { line: 6, externalId: 'D3', reason: 'the external id "D3" is already on line 5' },
    ]);
    expect(repo.search('first')).toHaveLength(1);
    expect(repo.search('second')).toHaveLength(0);
    expect(repo.search('phone')).toHaveLength(0);
  });

  it('updates customers the cache has, keeps those it has in a newer version, and keeps their cases', async () => {
    const id = seedOne();
    repo.upsertCase(id, { externalId: 'K1', subject: 'Bill', status: 'new', open: true, openedAt: 1, updatedAt: 1 });
    // The cache's version is from 5 ms after 1970: a row from 4 ms is older and left out.
    const report = await run(
      csvFile([
        'external_id,given_name,family_name,phones,updated_at',
        'OLD,Olga,Vasileiou,+39 06 8765 4321,1970-01-01T00:00:00.004Z',
        'NEW,Nina,New,,',
      ]),
    );
    expect(report).toMatchObject({ rowsRead: 2, imported: 1, created: 1, updated: 0, unchanged: 1, rejected: 0 });
    expect(repo.search('vasileiou')).toHaveLength(0);

    const undated = await run(
      csvFile(['external_id,given_name,family_name,phones', 'OLD,Olga,Vasileiou,+39 06 8765 4321']),
    );
    expect(undated).toMatchObject({ imported: 1, updated: 1 });
    // Without updated_at the row is as new as the import: it replaces the customer, numbers and words.
    expect(repo.lookupByNumber('0612345678', 'IT')).toMatchObject({ kind: 'none' });
    expect(repo.lookupByNumber('0687654321', 'IT')).toMatchObject({ kind: 'one', matches: [{ id }] });
    expect(repo.search('βασιλειου')).toHaveLength(0);
    expect(repo.search('vasileiou')).toMatchObject([{ id, openCases: 1 }]);

    const stale = await run(
      csvFile(['external_id,given_name,family_name,phones,updated_at', 'OLD,Olga,Stale,,2000-01-01']),
    );
    expect(stale).toMatchObject({ imported: 0, unchanged: 1 });
    expect(repo.search('stale')).toHaveLength(0);
  });

  it('stops at a quote that is never closed, with the line, and leaves the cache as it was', async () => {
    seedOne();
    const before = snapshot();
    const unclosed = await failure(
      run(csvFile([HEADER, 'Q1,Good,Row,,,,,,', 'Q2,"Never closed,Row,,,,,,', 'Q3,Other,Row,,,,,,'])),
    );
    expect(unclosed).toMatchObject({ code: 'csv-syntax', line: 3 });
    expect(unclosed.message).toBe(
      'A value in double quotes in the row that starts on line 3 is never closed, so the rest of the file ' +
        'cannot be read. Nothing was imported.',
    );
    expect(snapshot()).toEqual(before);
  });

  it('rejects a row whose quoted value has text after the closing quote, and imports the others', async () => {
    const report = await run(
      csvFile([HEADER, 'Q1,Good,Row,,,,,,', 'Q2,Bad,"Rossi, Figli"x,,,,,,', 'Q3,"""The Rock"" Jr",Row,,,,,,']),
    );
    expect(report).toMatchObject({ imported: 2, rejected: 1 });
    expect(report.rejectedRows).toEqual([
      {
        line: 3,
        externalId: 'Q2',
        reason:
          'the value "Rossi, Figli"x has text after its closing double quote (a value with quotes in it must be ' +
          'wholly in double quotes, each quote inside written twice)',
      },
    ]);
    expect(repo.search('rock')).toMatchObject([{ givenName: '"The Rock" Jr' }]);
  });

  it('a quote inside an unquoted value is just a character', async () => {
    const report = await run(csvFile([HEADER, 'Q1,Dwayne "The Rock",Johnson,,,,,,']));
    expect(report).toMatchObject({ imported: 1 });
    expect(repo.search('rock')).toMatchObject([{ givenName: 'Dwayne "The Rock"' }]);
  });

  it('rejects a row that is not UTF-8 text', async () => {
    const file = path.join(dir, 'latin1.csv');
    fs.writeFileSync(
      file,
      Buffer.concat([Buffer.from(`${HEADER}\nL1,Ren`), Buffer.from([0xe9]), Buffer.from(',Dupont,,,,,,\n')]),
    );
    const report = await run(file);
    expect(report.rejectedRows).toEqual([
      { line: 2, externalId: 'L1', reason: 'it is not UTF-8 text (save the file as "CSV UTF-8")' },
    ]);
  });

  it('strict: one rejected row and nothing is imported', async () => {
    const error = await failure(run(csvFile([HEADER, 'S1,Good,Row,,,,,,', 'S2,Bad,Row,,x,,,,']), { strict: true }));
    expect(error.message).toBe('1 of 2 rows were rejected and every row had to pass (strict). Nothing was imported.');
    expect(db.prepare('SELECT count(*) FROM customers').pluck().get()).toBe(0);
  });

  it('a database error half-way through leaves the cache as it was', async () => {
    seedOne();
    // A trigger stands in for a disk that fails on the 300th customer.
    db.exec(`CREATE TRIGGER fail BEFORE INSERT ON customers WHEN NEW.external_id = 'R300'
      BEGIN SELECT RAISE(ABORT, 'disk I/O error (simulated)'); END`);
    const before = snapshot();
    const rows = Array.from({ length: 500 }, (_, i) => `R${i + 1},Row,Number ${i + 1},,+39 347 ${1000000 + i},,,,`);
    const error = await failure(run(csvFile([HEADER, ...rows])));
    expect(error.code).toBe('database');
    expect(error.message).toBe(
      'The import failed while writing to the customer cache: disk I/O error (simulated). Nothing was imported.',
    );
    expect(snapshot()).toEqual(before);
    expect(db.inTransaction).toBe(false);
    expect(repo.search('number')).toEqual([]);
  });

  it('cancelled half-way: nothing is imported', async () => {
    const rows = Array.from({ length: 500 }, (_, i) => `R${i + 1},Row,Number,,,,,,`);
    let stop = false;
    const progress: number[] = [];
    const error = await failure(
      run(csvFile([HEADER, ...rows]), {
        progressEvery: 100,
        onProgress: (p) => {
          progress.push(p.rowsRead);
          stop = p.rowsRead >= 200;
        },
        cancelled: () => stop,
      }),
    );
    expect(error).toMatchObject({ code: 'cancelled', message: 'The import was cancelled. Nothing was imported.' });
    expect(progress).toEqual([100, 200]);
    expect(db.prepare('SELECT count(*) FROM customers').pluck().get()).toBe(0);
  });

  it('a stream that fails part-way leaves the cache as it was', async () => {
    async function* broken() {
      yield `${HEADER}\nB1,Good,Row,,,,,,\n`;
      throw Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' });
    }
    const error = await failure(run(Readable.from(broken())));
    expect(error).toMatchObject({ code: 'unreadable' });
    expect(error.message).toContain('EIO: i/o error, read');
    expect(db.prepare('SELECT count(*) FROM customers').pluck().get()).toBe(0);
  });

  it('lists the first rejected rows and counts them all', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => `R${i},,,,,,,,`);
    const report = await run(csvFile([HEADER, ...rows]), { listRejected: 5 });
    expect(report.rejected).toBe(30);
    expect(report.rejectedRows.map((row) => row.line)).toEqual([2, 3, 4, 5, 6]);
  });
});

describe('the bulk writer', () => {
  it('stores a customer exactly as the repository does, so that search and the card agree', () => {
    const record = {
      externalId: 'W1',
      title: 'Κα',
      givenName: 'Ελένη',
      familyName: 'Παπαδοπούλου',
      company: 'Ελληνική Τεχνική Α.Ε.',
      language: 'el',
      accountNumber: 'AC-9',
      emails: ['eleni@example.gr'],
      flags: ['vip'],
      notes: 'n',
      identification: { dateOfBirth: '1970-01-02', postcode: '105 52', customerCode: 'G1' },
      updatedAt: 7,
    };
    const viaRepository = repo.upsertCustomer(
      { ...record, phones: [{ number: '+30 210 123 4567', label: 'home' }] },
      'IT',
    );
    const writer = new BulkCustomerWriter(db);
    const viaWriter = writer.write({ ...record, externalId: 'W2', phones: [{ e164: '+302101234567', label: 'home' }] });
    const strip = (id: number) => {
      const card = repo.card(id)!;
      return { ...card, customer: { ...card.customer, id: 0 } };
    };
    expect(strip(viaWriter)).toEqual(strip(viaRepository));
    for (const query of ['παπαδοπουλου', 'ελληνικη', 'eleni', 'AC-9', '2101234', '302101']) {
      expect(
        repo
          .search(query)
          .map((c) => c.id)
          .sort(),
        query,
      ).toEqual([viaRepository, viaWriter].sort());
    }
    // Replacing through the writer drops the old numbers and words, as the repository does.
    writer.write({ ...record, externalId: 'W2', familyName: 'Νέα', phones: [] }, viaWriter);
    expect(repo.search('νεα').map((c) => c.id)).toEqual([viaWriter]);
    expect(repo.search('2101234').map((c) => c.id)).toEqual([viaRepository]);
  });
});
