import type {
  CustomerCard,
  CustomerCase,
  CustomerInteraction,
  CustomerSummary,
  InteractionChannel,
  NumberLookup,
  ServiceLine,
} from '../contract/customers.js';
import type { Db } from '../storage/database.js';
import { foldForSearch, wordsQuery } from './fold.js';
import { displayNumber, isWithheld, normaliseNumber, numberCandidates, searchableDigits, userPart } from './numbers.js';
import type { GuidanceRecord } from '../contract/guidance.js';

/** A customer as the CRM sends it; `externalId` is the CRM's key, what a later sync updates by. */
export interface CustomerRecord {
  externalId: string;
  title?: string;
  givenName?: string;
  familyName?: string;
  company?: string;
  language?: string;
  accountNumber?: string;
  emails?: string[];
  flags?: string[];
  notes?: string;
  identification?: { dateOfBirth?: string; postcode?: string; customerCode?: string };
  /** Numbers in any common format; national ones are read in the region given to the upsert. */
  phones?: { number: string; label?: string }[];
  updatedAt: number;
}

export interface CaseRecord {
  externalId: string;
  subject: string;
  category?: string;
  status: string;
  open: boolean;
  openedAt: number;
  updatedAt: number;
}

export interface InteractionRecord {
  /** The call's or the CRM's id, so that recording it again updates it; absent for a one-off. */
  externalId?: string;
  caseId?: number;
  channel: InteractionChannel;
  direction: 'in' | 'out';
  startedAt: number;
  endedAt?: number;
  outcome?: string;
  summary?: string;
  /** A call's guidance trail. */
  guidance?: GuidanceRecord;
}

/** A customer's number could not be read as a phone number; nothing of the customer was stored. */
export class InvalidPhoneNumberError extends Error {
  readonly code = 'invalid-phone-number';
  constructor(
    readonly externalId: string,
    readonly number: string,
  ) {
    super(`Customer ${externalId}: "${number}" is not a phone number`);
    this.name = 'InvalidPhoneNumberError';
  }
}

/**
 * What the two search tables hold for a customer: its name, company, e-mails and account number
 * folded (see fold.ts), and the digits of its numbers. The one definition for every writer (the
 * repository, the bulk import), so that `search` finds a customer however it was stored.
 */
export function searchEntries(
  record: Pick<CustomerRecord, 'title' | 'givenName' | 'familyName' | 'company' | 'accountNumber' | 'emails'>,
  phones: readonly { e164: string }[],
): { name: string; company: string; emails: string; account: string; digits: string } {
  return {
    name: foldForSearch([record.title, record.givenName, record.familyName].filter(Boolean).join(' ')),
    company: foldForSearch(record.company ?? ''),
    emails: foldForSearch((record.emails ?? []).join(' ')),
    account: foldForSearch(record.accountNumber ?? ''),
    digits: phones.map((phone) => searchableDigits(phone.e164)).join(' '),
  };
}

const SEARCH_LIMIT_MAX = 100;
/** How many hits a search ranks at most (see the search statements). */
const SEARCH_RANKED = 2000;
/** Below this many digits a run matches too many numbers to help (and the trigram index needs 3). */
const MIN_SEARCH_DIGITS = 3;
const CARD_CLOSED_CASES = 10;
const CARD_INTERACTIONS = 10;

const SUMMARY_COLUMNS = `
  c.id, c.title, c.given_name, c.family_name, c.company, c.language, c.account_number, c.flags,
  (SELECT max(i.started_at) FROM interactions i WHERE i.customer_id = c.id) AS last_contact_at,
  (SELECT count(*) FROM cases k WHERE k.customer_id = c.id AND k.open = 1) AS open_cases`;

/**
 * The customers whose number is `?` (E.164), most recently in contact first. Exported for the test
 * that proves it is index seeks only: it runs while the call rings.
 */
export const CUSTOMERS_BY_NUMBER_SQL = `
  SELECT ${SUMMARY_COLUMNS}, p.label AS phone_label
  FROM phones p JOIN customers c ON c.id = p.customer_id
  WHERE p.e164 = ?
  ORDER BY last_contact_at DESC NULLS LAST, c.id`;

interface SummaryRow {
  id: number;
  title: string | null;
  given_name: string | null;
  family_name: string | null;
  company: string | null;
  language: string | null;
  account_number: string | null;
  flags: string;
  last_contact_at: number | null;
  open_cases: number;
  phone_label?: string | null;
}

interface CustomerRow extends SummaryRow {
  emails: string;
  notes: string | null;
  date_of_birth: string | null;
  postcode: string | null;
  customer_code: string | null;
}

interface CaseRow {
  id: number;
  subject: string;
  category: string | null;
  status: string;
  open: number;
  opened_at: number;
  updated_at: number;
}

interface InteractionRow {
  id: number;
  case_id: number | null;
  channel: InteractionChannel;
  direction: 'in' | 'out';
  started_at: number;
  ended_at: number | null;
  outcome: string | null;
  summary: string | null;
}

interface LineRow {
  called: string;
  service_name: string;
  script_set: string | null;
  language: string | null;
  required_checks: string | null;
}

const orUndefined = <T>(value: T | null | undefined): T | undefined => value ?? undefined;

function summary(row: SummaryRow): CustomerSummary {
  return {
    id: row.id,
    title: orUndefined(row.title),
    givenName: orUndefined(row.given_name),
    familyName: orUndefined(row.family_name),
    company: orUndefined(row.company),
    language: orUndefined(row.language),
    accountNumber: orUndefined(row.account_number),
    flags: JSON.parse(row.flags) as string[],
    phoneLabel: orUndefined(row.phone_label),
    lastContactAt: orUndefined(row.last_contact_at),
    openCases: row.open_cases,
  };
}

function identification(row: CustomerRow): NonNullable<CustomerRecord['identification']> {
  return {
    dateOfBirth: orUndefined(row.date_of_birth),
    postcode: orUndefined(row.postcode),
    customerCode: orUndefined(row.customer_code),
  };
}

/**
 * The statements that write a customer's numbers and search entries, shared by the repository and
 * the bulk writer so that both index a customer alike.
 */
export function phoneAndSearchStatements(db: Db) {
  return {
    deletePhones: db.prepare('DELETE FROM phones WHERE customer_id = ?'),
    insertPhone: db.prepare(
      'INSERT INTO phones (customer_id, e164, label) VALUES (?, ?, ?) ON CONFLICT (customer_id, e164) DO NOTHING',
    ),
    deleteWords: db.prepare('DELETE FROM customer_words WHERE rowid = ?'),
    insertWords: db.prepare(
      'INSERT INTO customer_words (rowid, name, company, emails, account) VALUES (?, ?, ?, ?, ?)',
    ),
    deleteDigits: db.prepare('DELETE FROM customer_digits WHERE rowid = ?'),
    insertDigits: db.prepare('INSERT INTO customer_digits (rowid, digits) VALUES (?, ?)'),
  };
}

/**
 * The local customer cache: who is calling, in an index seek or a few, before the first ring
 * ends; search for the agent; the service behind the called number. Statements are prepared once.
 */
export class CustomerRepository {
  private readonly sql;

  constructor(private readonly db: Db) {
    const prepare = (source: string) => db.prepare(source);
    this.sql = {
      upsertCustomer: prepare(`
        INSERT INTO customers (external_id, title, given_name, family_name, company, language, account_number,
          emails, flags, notes, date_of_birth, postcode, customer_code, updated_at)
        VALUES (@externalId, @title, @givenName, @familyName, @company, @language, @accountNumber,
          @emails, @flags, @notes, @dateOfBirth, @postcode, @customerCode, @updatedAt)
        ON CONFLICT (external_id) DO UPDATE SET title = excluded.title, given_name = excluded.given_name,
          family_name = excluded.family_name, company = excluded.company, language = excluded.language,
          account_number = excluded.account_number, emails = excluded.emails, flags = excluded.flags,
          notes = excluded.notes, date_of_birth = excluded.date_of_birth, postcode = excluded.postcode,
          customer_code = excluded.customer_code, updated_at = excluded.updated_at
        RETURNING id`),
      ...phoneAndSearchStatements(db),
      upsertCase: prepare(`
        INSERT INTO cases (customer_id, external_id, subject, category, status, open, opened_at, updated_at)
        VALUES (@customerId, @externalId, @subject, @category, @status, @open, @openedAt, @updatedAt)
        ON CONFLICT (external_id) DO UPDATE SET customer_id = excluded.customer_id, subject = excluded.subject,
          category = excluded.category, status = excluded.status, open = excluded.open,
          opened_at = excluded.opened_at, updated_at = excluded.updated_at
        RETURNING id`),
      recordInteraction: prepare(`
        INSERT INTO interactions (customer_id, case_id, external_id, channel, direction, started_at, ended_at,
          outcome, summary, guidance)
        VALUES (@customerId, @caseId, @externalId, @channel, @direction, @startedAt, @endedAt, @outcome, @summary,
          @guidance)
        ON CONFLICT (external_id) DO UPDATE SET customer_id = excluded.customer_id, case_id = excluded.case_id,
          channel = excluded.channel, direction = excluded.direction, started_at = excluded.started_at,
          ended_at = excluded.ended_at, outcome = excluded.outcome, summary = excluded.summary,
          guidance = coalesce(excluded.guidance, interactions.guidance)
        RETURNING id`),
      upsertLine: prepare(`
        INSERT INTO lines (called, service_name, script_set, language, external_id, required_checks)
        VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (called) DO UPDATE SET service_name = excluded.service_name,
          script_set = excluded.script_set, language = excluded.language,
          required_checks = excluded.required_checks,
          external_id = coalesce(excluded.external_id, lines.external_id)`),
      byNumber: prepare(CUSTOMERS_BY_NUMBER_SQL),
      // Both searches rank a bounded number of hits (SEARCH_RANKED) and build summaries only for the
      // ones returned: a short prefix may match most of a million customers, and ranking all of
      // them (or looking up each one's last contact) would take seconds. Beyond that many hits the
      // agent has to type more anyway.
      byWords: prepare(`
        WITH hits AS (
          SELECT rowid AS id, bm25(customer_words, 10.0, 4.0, 2.0, 6.0) AS score
          FROM customer_words WHERE customer_words MATCH ? LIMIT ${SEARCH_RANKED}
        ),
        best AS (SELECT id, score FROM hits ORDER BY score LIMIT ?)
        SELECT ${SUMMARY_COLUMNS}
        FROM best JOIN customers c ON c.id = best.id
        -- A hit in the name counts most, then the account number, the company, an e-mail.
        ORDER BY best.score, last_contact_at DESC NULLS LAST, c.id`),
      byDigits: prepare(`
        WITH hits AS (SELECT rowid AS id FROM customer_digits WHERE customer_digits MATCH ? LIMIT ${SEARCH_RANKED})
        SELECT ${SUMMARY_COLUMNS}
        FROM hits JOIN customers c ON c.id = hits.id
        ORDER BY last_contact_at DESC NULLS LAST, c.id
        LIMIT ?`),
      customer: prepare(`
        SELECT ${SUMMARY_COLUMNS}, c.emails, c.notes, c.date_of_birth, c.postcode, c.customer_code
        FROM customers c WHERE c.id = ?`),
      phones: prepare('SELECT e164, label FROM phones WHERE customer_id = ? ORDER BY id'),
      record: prepare('SELECT * FROM customers WHERE id = ?'),
      openCases: prepare('SELECT * FROM cases WHERE customer_id = ? AND open = 1 ORDER BY updated_at DESC'),
      closedCases: prepare('SELECT * FROM cases WHERE customer_id = ? AND open = 0 ORDER BY updated_at DESC LIMIT ?'),
      interactions: prepare(
        'SELECT * FROM interactions WHERE customer_id = ? ORDER BY started_at DESC, id DESC LIMIT ?',
      ),
      line: prepare('SELECT * FROM lines WHERE called = ?'),
    };
  }

  /**
   * Stores a customer from the CRM, or replaces what the cache had of it (its numbers too), and
   * returns its id in the cache. Numbers are stored in E.164, national ones read in `region`.
   */
  upsertCustomer(record: CustomerRecord, region: string): number {
    const phones = (record.phones ?? []).map((phone) => {
      const e164 = normaliseNumber(phone.number, region);
      if (!e164) throw new InvalidPhoneNumberError(record.externalId, phone.number);
      return { e164, label: phone.label ?? null };
    });
    const emails = record.emails ?? [];
    return this.db.transaction(() => {
      const { id } = this.sql.upsertCustomer.get({
        externalId: record.externalId,
        title: record.title ?? null,
        givenName: record.givenName ?? null,
        familyName: record.familyName ?? null,
        company: record.company ?? null,
        language: record.language ?? null,
        accountNumber: record.accountNumber ?? null,
        emails: JSON.stringify(emails),
        flags: JSON.stringify(record.flags ?? []),
        notes: record.notes ?? null,
        dateOfBirth: record.identification?.dateOfBirth ?? null,
        postcode: record.identification?.postcode ?? null,
        customerCode: record.identification?.customerCode ?? null,
        updatedAt: record.updatedAt,
      }) as { id: number };
      this.sql.deletePhones.run(id);
      for (const phone of phones) this.sql.insertPhone.run(id, phone.e164, phone.label);
      const search = searchEntries(record, phones);
      this.sql.deleteWords.run(id);
      this.sql.insertWords.run(id, search.name, search.company, search.emails, search.account);
      this.sql.deleteDigits.run(id);
      this.sql.insertDigits.run(id, search.digits);
      return id;
    })();
  }

  /** Stores or updates (by `externalId`) one of a customer's cases; returns its id in the cache. */
  upsertCase(customerId: number, record: CaseRecord): number {
    const row = this.sql.upsertCase.get({
      customerId,
      externalId: record.externalId,
      subject: record.subject,
      category: record.category ?? null,
      status: record.status,
      open: record.open ? 1 : 0,
      openedAt: record.openedAt,
      updatedAt: record.updatedAt,
    }) as { id: number };
    return row.id;
  }

  /** Stores a call or other contact with the customer (updated when its `externalId` is known). */
  recordInteraction(customerId: number, record: InteractionRecord): number {
    const row = this.sql.recordInteraction.get({
      customerId,
      caseId: record.caseId ?? null,
      externalId: record.externalId ?? null,
      channel: record.channel,
      direction: record.direction,
      startedAt: record.startedAt,
      endedAt: record.endedAt ?? null,
      outcome: record.outcome ?? null,
      summary: record.summary ?? null,
      guidance: record.guidance ? JSON.stringify(record.guidance) : null,
    }) as { id: number };
    return row.id;
  }

  /**
   * Who is calling. Tries the readings of the number as the PBX sent it, most likely first (see
   * `numberCandidates`), and answers with the first that is in the cache.
   */
  lookupByNumber(raw: string | undefined, region: string): NumberLookup {
    if (raw === undefined || isWithheld(raw)) return { kind: 'withheld' };
    for (const candidate of numberCandidates(raw, region)) {
      const matches = (this.sql.byNumber.all(candidate) as SummaryRow[]).map(summary);
      const [first, ...others] = matches;
      if (first) return others.length === 0 ? { kind: 'one', matches: [first] } : { kind: 'many', matches };
    }
    return { kind: 'none', number: displayNumber(raw, region) };
  }

  /**
   * What the agent typed in the search box: words match the start of words of the name, company,
   * e-mail addresses and account number, whatever the accents; a run of digits also matches
   * anywhere in a number. Best matches first, at most `limit`.
   */
  search(query: string, limit = 20): CustomerSummary[] {
    const max = Math.min(Math.max(1, Math.trunc(limit)), SEARCH_LIMIT_MAX);
    const words = wordsQuery(query);
    const found = words ? (this.sql.byWords.all(words, max) as SummaryRow[]) : [];
    const digits = /^[\d\s().\-/+]+$/.test(query) ? query.replace(/\D/g, '') : '';
    if (digits.length >= MIN_SEARCH_DIGITS) found.push(...(this.sql.byDigits.all(`"${digits}"`, max) as SummaryRow[]));
    const seen = new Set<number>();
    return found
      .filter((row) => !seen.has(row.id) && seen.add(row.id))
      .slice(0, max)
      .map(summary);
  }

  /** A customer as stored, in the shape `upsertCustomer` takes: what a correction is applied to. */
  record(customerId: number): CustomerRecord | undefined {
    const row = this.sql.record.get(customerId) as
      (CustomerRow & { external_id: string; updated_at: number }) | undefined;
    if (!row) return undefined;
    return {
      externalId: row.external_id,
      title: orUndefined(row.title),
      givenName: orUndefined(row.given_name),
      familyName: orUndefined(row.family_name),
      company: orUndefined(row.company),
      language: orUndefined(row.language),
      accountNumber: orUndefined(row.account_number),
      emails: JSON.parse(row.emails) as string[],
      flags: JSON.parse(row.flags) as string[],
      notes: orUndefined(row.notes),
      identification: identification(row),
      phones: this.phonesOf(customerId).map((phone) => ({ number: phone.e164, label: phone.label })),
      updatedAt: row.updated_at,
    };
  }

  private phonesOf(customerId: number): { e164: string; label?: string }[] {
    return (this.sql.phones.all(customerId) as { e164: string; label: string | null }[]).map((phone) => ({
      e164: phone.e164,
      label: orUndefined(phone.label),
    }));
  }

  /** Everything the agent sees of one customer, or undefined when the cache does not have it. */
  card(customerId: number): CustomerCard | undefined {
    const row = this.sql.customer.get(customerId) as CustomerRow | undefined;
    if (!row) return undefined;
    const { phoneLabel: _none, ...customer } = summary(row);
    const cases = [
      ...(this.sql.openCases.all(customerId) as CaseRow[]),
      ...(this.sql.closedCases.all(customerId, CARD_CLOSED_CASES) as CaseRow[]),
    ];
    return {
      customer: {
        ...customer,
        emails: JSON.parse(row.emails) as string[],
        notes: orUndefined(row.notes),
        identification: identification(row),
        phones: this.phonesOf(customerId),
      },
      cases: cases.map((c): CustomerCase => ({
        id: c.id,
        subject: c.subject,
        category: orUndefined(c.category),
        status: c.status,
        open: c.open === 1,
        openedAt: c.opened_at,
        updatedAt: c.updated_at,
      })),
      interactions: (this.sql.interactions.all(customerId, CARD_INTERACTIONS) as InteractionRow[]).map(
        (i): CustomerInteraction => ({
          id: i.id,
          caseId: orUndefined(i.case_id),
          channel: i.channel,
          direction: i.direction,
          startedAt: i.started_at,
          endedAt: orUndefined(i.ended_at),
          outcome: orUndefined(i.outcome),
          summary: orUndefined(i.summary),
        }),
      ),
    };
  }

  /**
   * Stores which service a called number or queue belongs to. A number is kept in E.164 so that
   * `lineFor` finds it however the PBX writes it; a queue name or extension is kept as given.
   * `externalId` is the CRM's id of the line, what a deletion from the CRM names it by.
   */
  upsertLine(line: ServiceLine, region: string, externalId?: string): void {
    const called = normaliseNumber(line.called, region) ?? userPart(line.called);
    this.sql.upsertLine.run(
      called,
      line.serviceName,
      line.scriptSet ?? null,
      line.language ?? null,
      externalId ?? null,
      line.requiredChecks?.length ? JSON.stringify(line.requiredChecks) : null,
    );
  }

  /** The service a call came in for, from the number or queue it was made to (the PBX's To/Request-URI). */
  lineFor(called: string, region: string): ServiceLine | undefined {
    for (const key of [userPart(called), ...numberCandidates(called, region)]) {
      const row = this.sql.line.get(key) as LineRow | undefined;
      if (row) {
        return {
          called: row.called,
          serviceName: row.service_name,
          scriptSet: orUndefined(row.script_set),
          language: orUndefined(row.language),
          ...(row.required_checks ? { requiredChecks: JSON.parse(row.required_checks) as string[] } : {}),
        };
      }
    }
    return undefined;
  }
}
