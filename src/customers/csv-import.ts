import fs from 'node:fs';
import { Readable } from 'node:stream';
import { CsvError, parse, type InfoRecord, type Parser } from 'csv-parse';
import type { Db } from '../storage/database.js';
import { BulkCustomerWriter, type NormalisedCustomer } from './bulk-writer.js';
import { normaliseNumber } from './numbers.js';

/**
 * The columns of a customer CSV file (docs/customer-import.md). Header names are matched without
 * regard to case, and spaces or hyphens count as underscores ("External ID" is external_id).
 */
export const CSV_COLUMNS = [
  'external_id',
  'title',
  'given_name',
  'family_name',
  'company',
  'language',
  'account_number',
  'emails',
  'flags',
  'notes',
  'date_of_birth',
  'postcode',
  'customer_code',
  'phones',
  'updated_at',
] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];

/** Columns the header must name (their values may still be empty where the row rules allow). */
export const REQUIRED_CSV_COLUMNS: readonly CsvColumn[] = ['external_id', 'given_name', 'family_name', 'phones'];

/** A row longer than this is a quote that never closed, not a customer. */
const MAX_ROW_CHARS = 1_000_000;
const MAX_ID_CHARS = 200;
/** Times before this are seconds since 1970 written where milliseconds were meant. */
const MIN_EPOCH_MS = Date.UTC(2000, 0, 1);

export interface RejectedRow {
  /** The line of the file where the row starts (1 is the header), as an editor shows it. */
  line: number;
  externalId?: string;
  /** Why, in plain words; several problems of one row are joined with "; ". */
  reason: string;
}

export interface ImportProgress {
  /** Data rows read so far (the header and blank lines not counted). */
  rowsRead: number;
  imported: number;
  rejected: number;
  bytesRead: number;
  /** The file's size, when reading a file. */
  bytesTotal?: number;
}

export interface ImportReport {
  rowsRead: number;
  /** Rows written: `created` + `updated`. */
  imported: number;
  /** Customers the cache did not have. */
  created: number;
  /** Customers the cache had (same external id), replaced by the row. */
  updated: number;
  /** Rows left out because the cache holds a newer version of the customer (its `updated_at`). */
  unchanged: number;
  /** How many rows were rejected; `rejectedRows` lists the first of them. */
  rejected: number;
  rejectedRows: RejectedRow[];
  durationMs: number;
}

export type ImportErrorCode =
  | 'not-found'
  | 'unreadable'
  | 'empty'
  | 'header'
  | 'csv-syntax'
  | 'rejected-rows'
  | 'cancelled'
  | 'database'
  | 'worker';

/**
 * The import as a whole failed: the database was left exactly as it was. `message` says why in
 * plain words, `line` where in the file when that is known.
 */
export class CustomerImportError extends Error {
  constructor(
    readonly code: ImportErrorCode,
    message: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = 'CustomerImportError';
  }
}

export interface CsvImportOptions {
  /** Region for numbers written without a country code (the setting `phone.defaultRegion`). */
  region: string;
  /** Any rejected row fails the whole import (nothing is written). */
  strict?: boolean;
  /** How many rejected rows the report lists (all are counted). Default 100. */
  listRejected?: number;
  /** Calls `onProgress` after every this many rows. Default 1000. */
  progressEvery?: number;
  onProgress?: (progress: ImportProgress) => void;
  /** Asked before each row; true stops the import, which then fails as `cancelled`. */
  cancelled?: () => boolean;
  /** `updated_at` of rows that have none. Default: when the import started. */
  now?: number;
}

const NOTHING_IMPORTED = 'Nothing was imported.';

/**
 * Imports customers from a CSV file (or stream) into the cache, in one transaction: the rows that
 * pass are written, each bad row is rejected with its line and the reason, and any failure of the
 * whole (a header that does not fit, broken quoting, a read or database error, cancellation)
 * leaves the database as it was. Long: run it in the bulk worker (`importCustomersInWorker`), not
 * on the core's event loop.
 */
export async function importCustomersCsv(
  db: Db,
  source: string | Readable,
  options: CsvImportOptions,
): Promise<ImportReport> {
  const started = performance.now();
  const now = options.now ?? Date.now();
  const listRejected = options.listRejected ?? 100;
  const progressEvery = Math.max(1, options.progressEvery ?? 1000);
  const { stream, size } = typeof source === 'string' ? openCsvFile(source) : { stream: source, size: undefined };
  const writer = new BulkCustomerWriter(db);
  const counts = { rowsRead: 0, created: 0, updated: 0, unchanged: 0, rejected: 0 };
  const rejectedRows: RejectedRow[] = [];
  const firstLineOf = new Map<string, number>();
  let bytesRead = 0;
  let header: ColumnIndex | undefined;
  let lastRecordLine = 0;
  let began = false;

  const reject = (row: RejectedRow) => {
    counts.rejected += 1;
    if (rejectedRows.length < listRejected) rejectedRows.push(row);
  };
  const progress = (): ImportProgress => ({
    rowsRead: counts.rowsRead,
    imported: counts.created + counts.updated,
    rejected: counts.rejected,
    bytesRead,
    bytesTotal: size,
  });

  // Rows are checked for a cancel as they come; this also stops an import whose input stalls
  // (a pipe, a network drive that hangs) between rows: the parser is destroyed, so the loop below
  // throws at once (a file stream being read cannot be destroyed until its read returns).
  let parser: Parser | undefined;
  let watch: NodeJS.Timeout | undefined;
  const stopped = new Promise<never>((_resolve, fail) => {
    if (!options.cancelled) return;
    watch = setInterval(() => {
      if (!options.cancelled?.()) return;
      const error = cancelledError();
      fail(error);
      parser?.destroy(error);
    }, 200);
  });
  stopped.catch(() => undefined);
  try {
    const input = await Promise.race([withDelimiter(stream, (n) => (bytesRead += n)), stopped]);
    if (!input) throw new CustomerImportError('empty', 'The file is empty: it needs a header row naming the columns.');
    const rows = parse({
      delimiter: input.delimiter,
      bom: true,
      info: true,
      raw: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      max_record_size: MAX_ROW_CHARS,
    });
    parser = rows;
    input.readable.on('error', (error) => rows.destroy(error));
    input.readable.pipe(rows);

    for await (const item of rows as AsyncIterable<{ record: string[]; info: InfoRecord; raw: string }>) {
      const line = startLine(item.info.lines, item.raw);
      lastRecordLine = item.info.lines;
      if (!header) {
        header = readHeader(item.record, input.delimiter, line);
        // Only now that the file fits: take the write lock for the one transaction of the import.
        db.exec('BEGIN IMMEDIATE');
        began = true;
        continue;
      }
      if (options.cancelled?.()) throw cancelledError();
      if (item.record.every((value) => value.trim() === '')) continue;
      counts.rowsRead += 1;
      const row = readRow(item.record, header, { region: options.region, now });
      const misquoted = misquotedValue(item.record, item.raw, input.delimiter);
      if (misquoted !== undefined) {
        row.reasons.unshift(
          `the value ${misquoted} has text after its closing double quote (a value with quotes in it must be ` +
            'wholly in double quotes, each quote inside written twice)',
        );
      }
      if (row.externalId !== undefined) {
        const first = firstLineOf.get(row.externalId);
        if (first !== undefined) row.reasons.unshift(`the external id "${row.externalId}" is already on line ${first}`);
        else firstLineOf.set(row.externalId, line);
      }
      if (row.reasons.length > 0 || !row.customer) {
        reject({ line, externalId: row.externalId, reason: row.reasons.join('; ') });
      } else {
        const existing = writer.existing(row.customer.externalId);
        if (existing && row.hasUpdatedAt && existing.updatedAt > row.customer.updatedAt) {
          counts.unchanged += 1;
        } else {
          writer.write(row.customer, existing?.id);
          counts[existing ? 'updated' : 'created'] += 1;
        }
      }
      if (counts.rowsRead % progressEvery === 0) options.onProgress?.(progress());
    }
    if (!header) throw new CustomerImportError('empty', 'The file is empty: it needs a header row naming the columns.');
    if (options.cancelled?.()) throw cancelledError();
    if (options.strict && counts.rejected > 0) {
      throw new CustomerImportError(
        'rejected-rows',
        `${counts.rejected} of ${counts.rowsRead} rows were rejected and every row had to pass (strict). ` +
          NOTHING_IMPORTED,
      );
    }
    db.exec('COMMIT');
    began = false;
    options.onProgress?.(progress());
  } catch (error) {
    if (began && db.inTransaction) db.exec('ROLLBACK');
    stream.destroy();
    throw asImportError(error, lastRecordLine);
  } finally {
    clearInterval(watch);
  }
  if (typeof source === 'string') stream.destroy();
  return {
    rowsRead: counts.rowsRead,
    imported: counts.created + counts.updated,
    created: counts.created,
    updated: counts.updated,
    unchanged: counts.unchanged,
    rejected: counts.rejected,
    rejectedRows,
    durationMs: Math.round(performance.now() - started),
  };
}

function openCsvFile(file: string): { stream: Readable; size: number | undefined } {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new CustomerImportError('not-found', `There is no file ${file}. ${NOTHING_IMPORTED}`);
    }
    throw new CustomerImportError('unreadable', `The file ${file} cannot be read: ${(error as Error).message}.`);
  }
  if (stat.isDirectory()) throw new CustomerImportError('unreadable', `${file} is a folder, not a CSV file.`);
  // A named pipe (or another special file) has no size to show progress against.
  return {
    stream: fs.createReadStream(file, { highWaterMark: 256 * 1024 }),
    size: stat.isFile() ? stat.size : undefined,
  };
}

const cancelledError = () => new CustomerImportError('cancelled', `The import was cancelled. ${NOTHING_IMPORTED}`);

/**
 * A value the parser kept with its quotes because text followed the closing quote (`"Rossi, F"x`):
 * a well-quoted value loses its outer quotes, so a value that starts with a quote and stands in the
 * raw row as a whole field was never quoted properly. Quotes inside an unquoted value are fine.
 */
function misquotedValue(values: string[], raw: string, delimiter: string): string | undefined {
  const fields = `${delimiter}${raw.replace(/(\r\n|\r|\n)$/, '')}${delimiter}`;
  return values.find((value) => value.startsWith('"') && fields.includes(`${delimiter}${value}${delimiter}`));
}

/** The line a record starts on, from the line it ends on and its raw text (a quoted value may span lines). */
function startLine(endLine: number, raw: string): number {
  const breaks = raw.match(/\r\n|\r|\n/g)?.length ?? 0;
  const trailing = /(\r\n|\r|\n)$/.test(raw) ? 1 : 0;
  return endLine - (breaks - trailing);
}

/**
 * Reads the stream up to the end of its first line to see what separates the values: a comma, or
 * a semicolon or a tab as spreadsheets write in many countries. Undefined for an empty stream.
 */
async function withDelimiter(
  stream: Readable,
  counted: (bytes: number) => void,
): Promise<{ delimiter: string; readable: Readable } | undefined> {
  const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const head: Buffer[] = [];
  let headText = '';
  for (;;) {
    const next = await iterator.next();
    if (next.done) break;
    const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    counted(chunk.length);
    head.push(chunk);
    headText += chunk.toString('utf8');
    if (/[\r\n]/.test(headText) || headText.length > 64 * 1024) break;
  }
  if (head.length === 0 || headText.replace(/^\uFEFF/, '').trim() === '') return undefined;
  const firstLine = headText.split(/\r\n|\r|\n/)[0] ?? '';
  const unquoted = firstLine.replace(/"[^"]*"/g, '');
  const count = (char: string) => unquoted.split(char).length - 1;
  const delimiter = [',', ';', '\t'].reduce((best, char) => (count(char) > count(best) ? char : best), ',');
  async function* all(): AsyncGenerator<Buffer> {
    yield* head;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
      counted(chunk.length);
      yield chunk;
    }
  }
  return { delimiter, readable: Readable.from(all(), { objectMode: false }) };
}

type ColumnIndex = Partial<Record<CsvColumn, number>> & { count: number };

const normaliseHeader = (name: string) =>
  name
    .replace(/^\uFEFF/, '')
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');

function readHeader(names: string[], delimiter: string, line: number): ColumnIndex {
  const index: ColumnIndex = { count: names.length };
  const unknown: string[] = [];
  const repeated: string[] = [];
  const unnamed: number[] = [];
  names.forEach((raw, position) => {
    const name = normaliseHeader(raw);
    if (name === '') {
      unnamed.push(position + 1);
    } else if (!(CSV_COLUMNS as readonly string[]).includes(name)) {
      unknown.push(raw.trim());
    } else if (index[name as CsvColumn] !== undefined) {
      repeated.push(name);
    } else {
      index[name as CsvColumn] = position;
    }
  });
  const missing = REQUIRED_CSV_COLUMNS.filter((name) => index[name] === undefined);
  const problems: string[] = [];
  if (unknown.length > 0) {
    problems.push(
      `it names ${unknown.length === 1 ? 'a column' : 'columns'} this import does not know: ` +
        `${unknown.map((name) => `"${name}"`).join(', ')}`,
    );
  }
  if (missing.length > 0) {
    problems.push(`it lacks the required ${missing.length === 1 ? 'column' : 'columns'} ${missing.join(', ')}`);
  }
  if (repeated.length > 0) problems.push(`it names ${[...new Set(repeated)].join(', ')} more than once`);
  if (unnamed.length > 0)
    problems.push(
      `${unnamed.length === 1 ? 'column' : 'columns'} ${unnamed.join(', ')} ha${unnamed.length === 1 ? 's' : 've'} no name`,
    );
  if (problems.length > 0) {
    const hint =
      names.length === 1 && delimiter === ','
        ? ' The values must be separated by commas (or semicolons or tabs), with a header row first.'
        : '';
    throw new CustomerImportError(
      'header',
      `The header row (line ${line}) does not fit: ${problems.join('; ')}.${hint} The columns are: ` +
        `${CSV_COLUMNS.join(', ')}; required: ${REQUIRED_CSV_COLUMNS.join(', ')} (see docs/customer-import.md). ` +
        NOTHING_IMPORTED,
      line,
    );
  }
  return index;
}

export interface ReadRow {
  externalId?: string;
  /** The customer when the row is good (`reasons` empty). */
  customer?: NormalisedCustomer;
  /** The row gave its own `updated_at` (else the import's start time was used). */
  hasUpdatedAt: boolean;
  reasons: string[];
}

const EMAIL = /^[^\s@<>()[\],;:"]+@[^\s@<>()[\],;:".]+(\.[^\s@<>()[\],;:".]+)+$/u;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/** Splits a list value ("a; b;c") into its trimmed, non-empty items. */
const items = (value: string | undefined) =>
  (value ?? '')
    .split(';')
    .map((item) => item.trim())
    .filter((item) => item !== '');

/**
 * One data row of the file as a customer, or the reasons it cannot be one, in plain words. Exported
 * for the tests of each rule.
 */
export function readRow(values: string[], columns: ColumnIndex, context: { region: string; now: number }): ReadRow {
  const reasons: string[] = [];
  const text = (column: CsvColumn): string | undefined => {
    const position = columns[column];
    const value = position === undefined ? undefined : values[position]?.trim();
    return value === '' ? undefined : value;
  };
  const externalId = text('external_id');
  if (values.length !== columns.count) {
    reasons.push(
      `it has ${values.length} ${values.length === 1 ? 'value' : 'values'} but the header names ${columns.count} ` +
        'columns (a value that contains a comma must be in double quotes)',
    );
    return { externalId, hasUpdatedAt: false, reasons };
  }
  if (values.some((value) => value.includes('\uFFFD'))) {
    reasons.push('it is not UTF-8 text (save the file as "CSV UTF-8")');
  }
  if (externalId === undefined) reasons.push('the external id is empty');
  else if (externalId.length > MAX_ID_CHARS) reasons.push(`the external id is longer than ${MAX_ID_CHARS} characters`);

  const givenName = text('given_name');
  const familyName = text('family_name');
  const company = text('company');
  if (!givenName && !familyName && !company) reasons.push('it has no name and no company');

  let language = text('language');
  if (language !== undefined) {
    try {
      const [canonical] = Intl.getCanonicalLocales(language.replace(/_/g, '-'));
      if (!canonical || !/^[a-z]{2,3}(-|$)/i.test(canonical)) throw new RangeError(language);
      language = canonical;
    } catch {
      reasons.push(`the language "${language}" is not a language code such as it, en or en-GB`);
    }
  }

  const emails = items(text('emails'));
  for (const email of emails) {
    if (!EMAIL.test(email)) reasons.push(`"${email}" is not an e-mail address`);
  }
  const flags = [...new Set(items(text('flags')).map((flag) => flag.toLowerCase()))];

  const dateOfBirth = text('date_of_birth');
  if (dateOfBirth !== undefined) {
    const match = ISO_DATE.exec(dateOfBirth);
    const date = match && new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
    if (!match || !date) {
      reasons.push(`the date of birth "${dateOfBirth}" is not a date written as YYYY-MM-DD`);
    } else if (date.toISOString().slice(0, 10) !== dateOfBirth) {
      reasons.push(`the date of birth ${dateOfBirth} is not a day of the calendar`);
    } else if (date.getUTCFullYear() < 1900 || date.getTime() > context.now) {
      reasons.push(`the date of birth ${dateOfBirth} cannot be right`);
    }
  }

  const phones: NormalisedCustomer['phones'] = [];
  for (const entry of items(text('phones'))) {
    const colon = entry.indexOf(':');
    const number = (colon < 0 ? entry : entry.slice(0, colon)).trim();
    const label = colon < 0 ? undefined : entry.slice(colon + 1).trim() || undefined;
    const e164 = number === '' ? undefined : normaliseNumber(number, context.region);
    if (number === '') reasons.push(`the phone entry "${entry}" has no number before its label`);
    else if (!e164) reasons.push(`"${number}" is not a phone number`);
    else phones.push({ e164, label });
  }

  const updatedAtText = text('updated_at');
  let updatedAt = context.now;
  if (updatedAtText !== undefined) {
    const parsed = readTime(updatedAtText);
    if (parsed === undefined) {
      reasons.push(
        `updated_at "${updatedAtText}" is not a time: write it as 2025-03-01T10:00:00Z (ISO 8601) ` +
          'or as milliseconds since 1970',
      );
    } else {
      updatedAt = parsed;
    }
  }

  if (reasons.length > 0 || externalId === undefined) return { externalId, hasUpdatedAt: false, reasons };
  const identification = {
    dateOfBirth,
    postcode: text('postcode'),
    customerCode: text('customer_code'),
  };
  return {
    externalId,
    hasUpdatedAt: updatedAtText !== undefined,
    reasons,
    customer: {
      externalId,
      title: text('title'),
      givenName,
      familyName,
      company,
      language,
      accountNumber: text('account_number'),
      emails,
      flags,
      notes: text('notes'),
      identification,
      phones,
      updatedAt,
    },
  };
}

/** ISO 8601 (a time without a zone is UTC; a date alone is its midnight UTC) or epoch milliseconds. */
function readTime(value: string): number | undefined {
  if (/^\d+$/.test(value)) {
    const ms = Number(value);
    return Number.isSafeInteger(ms) && ms >= MIN_EPOCH_MS ? ms : undefined;
  }
  const match = ISO_TIME.exec(value);
  if (!match) return undefined;
  const withZone = match[1] || value.length === 10 ? value : `${value}Z`;
  const ms = Date.parse(withZone.replace(' ', 'T'));
  return Number.isNaN(ms) ? undefined : ms;
}

/** Anything that stopped the import, as a CustomerImportError that says so plainly. */
function asImportError(error: unknown, lastRecordLine: number): Error {
  if (error instanceof CustomerImportError) return error;
  if (error instanceof CsvError) return csvSyntaxError(error, lastRecordLine);
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('SQLITE_')) {
    const busy = code === 'SQLITE_BUSY';
    return new CustomerImportError(
      'database',
      busy
        ? `The customer cache is busy: another program is writing to it. Try again later. ${NOTHING_IMPORTED}`
        : `The import failed while writing to the customer cache: ${(error as Error).message}. ${NOTHING_IMPORTED}`,
    );
  }
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
    return new CustomerImportError(
      'unreadable',
      `The file could not be read to the end: ${(error as Error).message}. ${NOTHING_IMPORTED}`,
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}

function csvSyntaxError(error: CsvError, lastRecordLine: number): CustomerImportError {
  const line = (error as CsvError & { lines?: number }).lines;
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return new CustomerImportError(
        'csv-syntax',
        `A value in double quotes in the row that starts on line ${lastRecordLine + 1} is never closed, so ` +
          `the rest of the file cannot be read. ${NOTHING_IMPORTED}`,
        lastRecordLine + 1,
      );
    case 'CSV_MAX_RECORD_SIZE':
      return new CustomerImportError(
        'csv-syntax',
        `Line ${line}: a row longer than ${MAX_ROW_CHARS.toLocaleString('en')} characters; most likely a double quote ` +
          `that is never closed. ${NOTHING_IMPORTED}`,
        line,
      );
    default:
      return new CustomerImportError(
        'csv-syntax',
        `Line ${line} is not valid CSV: ${error.message}. ${NOTHING_IMPORTED}`,
        line,
      );
  }
}
