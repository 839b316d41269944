import type { TFunction } from 'i18next';
import type { SyncProgress, SyncStatus } from '../../../../src/contract/index.js';
import { formatNumber } from '../customers/CustomerRecord.js';

/** "just now", "2 min ago", "3 h ago", "2 days ago", for "synced …". */
export function ago(ms: number, t: TFunction): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return t('sync.ago.justNow');
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return t('sync.ago.minutes', { count: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return t('sync.ago.hours', { count: hours });
  return t('sync.ago.days', { count: Math.floor(hours / 24) });
}

/** A moment as the agent reads it: the date and the time, in the interface's language. */
export function dateTime(epoch: number, language: string): string {
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(epoch);
}

/** "about 2 min left", "less than a minute left", "about 1 h 10 min left". */
export function timeLeft(seconds: number, t: TFunction): string {
  if (seconds < 60) return t('sync.first.leftUnderMinute');
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return t('sync.first.leftMinutes', { count: minutes });
  return t('sync.first.leftHours', { hours: Math.floor(minutes / 60), minutes: minutes % 60 });
}

/** How far a first sync is, in whole percent, when the CRM gave a total; never more than 100. */
export function percentOf(progress: SyncProgress): number | undefined {
  if (!progress.total) return undefined;
  return Math.min(100, Math.floor((progress.received * 100) / progress.total));
}

/** The short text of the status bar, after "CRM:", e.g. ["offline — 12 changes waiting", "1 problem"]. */
export function indicatorParts(sync: SyncStatus, now: number, t: TFunction, language: string): string[] {
  const parts: string[] = [];
  const problems = sync.problems.length;
  if (sync.firstSync) {
    const percent = percentOf(sync.firstSync);
    parts.push(
      percent !== undefined
        ? t('sync.indicator.firstSync', { percent })
        : t('sync.indicator.firstSyncCount', { received: sync.firstSync.received.toLocaleString(language) }),
    );
  } else {
    switch (sync.state) {
      case 'off':
        parts.push(t('sync.indicator.off'));
        break;
      case 'connecting':
        parts.push(t('sync.indicator.connecting'));
        break;
      case 'syncing':
        parts.push(t('sync.indicator.syncing'));
        break;
      case 'idle':
        if (problems === 0) {
          parts.push(t('sync.indicator.upToDate'));
          if (sync.lastPullAt !== undefined)
            parts.push(t('sync.indicator.synced', { ago: ago(now - sync.lastPullAt, t) }));
        }
        break;
      case 'offline':
        parts.push(
          sync.pending > 0 ? t('sync.indicator.offlineWaiting', { count: sync.pending }) : t('sync.indicator.offline'),
        );
        break;
      case 'failing':
        parts.push(
          sync.pending > 0 ? t('sync.indicator.failingWaiting', { count: sync.pending }) : t('sync.indicator.failing'),
        );
        break;
    }
  }
  if (problems > 0) parts.push(t('sync.indicator.problems', { count: problems }));
  return parts;
}

/** The kinds of change the desk writes, worded in `sync.kind.*`. */
const KINDS = new Set([
  'customer.create',
  'customer.update',
  'interaction.create',
  'wrapup.create',
  'callback.create',
  'callback.update',
]);

export function kindLabel(kind: string, t: TFunction): string {
  return KINDS.has(kind) ? t(`sync.kind.${kind}`) : t('sync.kind.other', { kind });
}

/** Field paths of a change, worded in `sync.field.*`. */
const FIELDS: Record<string, string> = {
  title: 'title',
  givenName: 'givenName',
  familyName: 'familyName',
  name: 'name',
  company: 'company',
  language: 'language',
  accountNumber: 'accountNumber',
  emails: 'emails',
  phones: 'phones',
  flags: 'flags',
  notes: 'notes',
  identification: 'identification',
  'identification.dateOfBirth': 'dateOfBirth',
  'identification.postcode': 'postcode',
  'identification.customerCode': 'customerCode',
  dateOfBirth: 'dateOfBirth',
  postcode: 'postcode',
  customerCode: 'customerCode',
  number: 'number',
  label: 'numberLabel',
  channel: 'channel',
  direction: 'direction',
  startedAt: 'startedAt',
  endedAt: 'endedAt',
  outcome: 'outcome',
  summary: 'summary',
};

/** A field's name for people: "E-mail addresses", "Postcode", "E-mail addresses, no. 2"; else as sent. */
export function fieldLabel(field: string, t: TFunction): string {
  const known = FIELDS[field];
  if (known) return t(`sync.field.${known}`);
  const item = /^(.+)\.(\d+)$/.exec(field);
  if (item) return t('sync.field.item', { field: fieldLabel(item[1]!, t), n: Number(item[2]) + 1 });
  const nested = /^(.+)\.([^.]+)$/.exec(field);
  if (nested && FIELDS[nested[2]!]) return `${fieldLabel(nested[1]!, t)}: ${fieldLabel(nested[2]!, t)}`;
  return field;
}

function isPhone(value: object): value is { number?: unknown; e164?: unknown; label?: unknown } {
  return 'number' in value || 'e164' in value;
}

/**
 * A value of a change as text: lists joined, numbers with their label, times as dates; `undefined`
 * when there is nothing (shown as an em dash).
 */
export function formatValue(value: unknown, field: string, t: TFunction, language: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (Array.isArray(value)) {
    const items = value
      .map((item) => formatValue(item, field, t, language))
      .filter((item): item is string => item !== undefined);
    return items.length > 0 ? items.join(', ') : undefined;
  }
  if (typeof value === 'object') {
    if (isPhone(value)) {
      const number = String(value.e164 ?? value.number ?? '');
      const label = typeof value.label === 'string' && value.label ? ` (${value.label})` : '';
      return number ? `${formatNumber(number)}${label}` : undefined;
    }
    const entries = Object.entries(value)
      .map(([key, inner]) => [key, formatValue(inner, `${field}.${key}`, t, language)] as const)
      .filter((entry): entry is readonly [string, string] => entry[1] !== undefined);
    if (entries.length === 0) return undefined;
    return entries.map(([key, text]) => `${fieldLabel(`${field}.${key}`, t)}: ${text}`).join('; ');
  }
  if (typeof value === 'boolean') return value ? t('sync.value.yes') : t('sync.value.no');
  if (typeof value === 'number') return /At$/.test(field) ? dateTime(value, language) : value.toLocaleString(language);
  if (typeof value === 'string') {
    if (field === 'channel') return t(`customer.channel.${value}`, { defaultValue: value });
    if (field === 'direction' && (value === 'in' || value === 'out')) return t(`sync.value.${value}`);
    return value;
  }
  return String(value);
}
