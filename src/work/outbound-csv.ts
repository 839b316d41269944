import { parse } from 'csv-parse/sync';
import { normaliseNumber } from '../customers/numbers.js';

/**
 * An outbound list as a CSV file (docs/outbound-lists.md): a header row naming the columns
 * `number` (required), `name` and `note`, in any order and case; one entry per row, in the order
 * they are to be called. A row whose number is not a phone number is refused with its line.
 */
export interface OutboundRow {
  number: string;
  name?: string;
  note: string;
}
export interface OutboundParse {
  rows: OutboundRow[];
  rejected: { line: number; reason: string }[];
  /** The file itself is unusable (no header with a number column, not CSV). */
  problem?: string;
}

const MAX_ENTRIES = 20_000;

export function parseOutboundCsv(content: string, region: string): OutboundParse {
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(content.replace(/^\uFEFF/, ''), {
      columns: (header: string[]) => header.map((name) => name.trim().toLowerCase()),
      skip_empty_lines: true,
      trim: true,
      relax_column_count: true,
      info: true,
    }) as typeof records;
  } catch (error) {
    return { rows: [], rejected: [], problem: `The file is not readable as CSV: ${(error as Error).message}` };
  }
  if (records.length === 0) return { rows: [], rejected: [], problem: 'The file has no entries.' };
  if (!('number' in records[0]!.record))
    return { rows: [], rejected: [], problem: 'The first row must name the columns, with one called "number".' };
  const rows: OutboundRow[] = [];
  const rejected: OutboundParse['rejected'] = [];
  for (const { record, info } of records) {
    const line = info.lines;
    if (rows.length >= MAX_ENTRIES) {
      rejected.push({ line, reason: `a list holds at most ${MAX_ENTRIES} entries` });
      continue;
    }
    const raw = record.number ?? '';
    const number = normaliseNumber(raw, region) ?? (/^\d{3,6}$/.test(raw) ? raw : undefined);
    if (!number) {
      rejected.push({ line, reason: raw ? `"${raw}" is not a phone number` : 'the number is missing' });
      continue;
    }
    rows.push({
      number,
      ...(record.name ? { name: record.name.slice(0, 200) } : {}),
      note: (record.note ?? '').slice(0, 1000),
    });
  }
  return { rows, rejected };
}
