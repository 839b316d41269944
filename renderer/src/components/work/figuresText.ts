import type { TFunction, i18n as I18n } from 'i18next';
import { AgentStateName, type AgentFigures } from '../../../../src/contract/index.js';
import { agentStateText, localInputs, timeOfDay } from './workText.js';

export type FiguresPeriod = AgentFigures['period'];
export type Bucket = AgentFigures['buckets'][number];
export type Segment = AgentFigures['timeline'][number];

/** What a missing figure shows (no calls yet: no average). */
export const NO_VALUE = '—';

/** The states in the order the agent thinks of them; any other state the core reports comes after. */
export const STATE_ORDER: readonly string[] = AgentStateName.options;

/** A state's colour class: the known states have their own, anything else a neutral one. */
export function stateClass(state: string): string {
  return STATE_ORDER.includes(state) ? `state--${state}` : 'state--other';
}

/** A state's name in the agent's language (a state the interface does not know: as the core says it). */
export function stateName(state: string, t: TFunction): string {
  return t(`agent.state.${state}`, { defaultValue: state });
}

/** "Not ready · Training" for a segment with a reason. */
export function segmentState(segment: Segment, t: TFunction, i18n: I18n): string {
  return STATE_ORDER.includes(segment.state)
    ? agentStateText(segment.state as AgentStateName, segment.reason, t, i18n)
    : stateName(segment.state, t);
}

/** Each number stays on the line of its unit ("42 s" never breaks), the groups may wrap. */
const keepUnits = (text: string) => text.replace(/(\d) /g, '$1\u00a0');

/** An average: "45 s", "4 min 7 s", "1 h 05 min". */
export function durationText(ms: number | null, t: TFunction): string {
  if (ms === null || !Number.isFinite(ms)) return NO_VALUE;
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return keepUnits(t('figures.duration.s', { s: seconds }));
  if (seconds < 3600) return keepUnits(t('figures.duration.ms', { m: Math.floor(seconds / 60), s: seconds % 60 }));
  const minutes = Math.round(seconds / 60);
  return keepUnits(t('figures.duration.hm', { h: Math.floor(minutes / 60), m: String(minutes % 60).padStart(2, '0') }));
}

/** Time in a state as h:mm ("2:05"), and the same in words for screen readers. */
export function hoursMinutes(ms: number, t: TFunction): { short: string; words: string } {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return {
    short: `${h}:${String(m).padStart(2, '0')}`,
    words: t('figures.duration.hm', { h, m: String(m).padStart(2, '0') }),
  };
}

export function percentText(share: number | null, language: string): string {
  if (share === null || !Number.isFinite(share)) return NO_VALUE;
  return new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 0 }).format(share);
}

/** "Today, 26 November" / "Week of 23 November". */
export function rangeText(figures: AgentFigures, language: string, t: TFunction): string {
  const date = new Intl.DateTimeFormat(language, { day: 'numeric', month: 'long' }).format(figures.from);
  return t(figures.period === 'today' ? 'figures.rangeToday' : 'figures.rangeWeek', { date });
}

function weekday(epoch: number, language: string, weekdayStyle: 'short' | 'long'): string {
  return new Intl.DateTimeFormat(language, { weekday: weekdayStyle }).format(epoch);
}

/** A segment's time: "10:30–10:45" today; "Tue 10:30–10:45" or "Mon 18:00 – Tue 08:00" over a week. */
export function spanText(from: number, to: number, period: FiguresPeriod, language: string): string {
  const start = timeOfDay(from, language);
  const end = timeOfDay(to, language);
  if (period === 'today') return `${start}–${end}`;
  const sameDay = new Date(from).toDateString() === new Date(Math.max(from, to - 1)).toDateString();
  return sameDay
    ? `${weekday(from, language, 'short')} ${start}–${end}`
    : `${weekday(from, language, 'short')} ${start} – ${weekday(to, language, 'short')} ${end}`;
}

/** A bucket as said in the chart's summary and table: "09:00" (an hour) or "Monday" (a day). */
export function bucketWhen(bucket: Bucket, period: FiguresPeriod, language: string): string {
  return period === 'today' ? timeOfDay(bucket.from, language) : weekday(bucket.from, language, 'long');
}

/**
 * The buckets the chart shows: every day of the week; today, the hours from the first call or state
 * (or 8:00, if earlier) to the last call or the present hour (or 18:00, if later), not the night.
 */
export function shownBuckets(figures: AgentFigures, now: number): Bucket[] {
  const { buckets } = figures;
  if (figures.period === 'week' || buckets.length === 0) return buckets;
  const hourOf = (at: number) => {
    let index = 0;
    buckets.forEach((bucket, i) => {
      if (bucket.from <= at) index = i;
    });
    return index;
  };
  const busy = buckets.flatMap((bucket, i) => (bucket.in + bucket.out > 0 ? [i] : []));
  const firstState = figures.timeline[0]?.from;
  const starts = [hourOf(figures.from + 8 * 3_600_000), ...busy];
  if (firstState !== undefined) starts.push(hourOf(firstState));
  const ends = [hourOf(figures.from + 17 * 3_600_000), ...busy];
  if (now >= figures.from && now < figures.to) ends.push(hourOf(now));
  return buckets.slice(Math.min(...starts), Math.max(...ends) + 1);
}

/** "Answered calls per hour: 09:00 1 in; 10:00 1 out; 11:00 2 in, 1 out" (the buckets with calls only). */
export function chartSummary(buckets: Bucket[], period: FiguresPeriod, language: string, t: TFunction): string {
  const items = buckets
    .filter((bucket) => bucket.in + bucket.out > 0)
    .map((bucket) => {
      const counts = [
        bucket.in > 0 ? t('figures.chart.inCount', { count: bucket.in }) : '',
        bucket.out > 0 ? t('figures.chart.outCount', { count: bucket.out }) : '',
      ].filter(Boolean);
      return `${bucketWhen(bucket, period, language)} ${counts.join(', ')}`;
    });
  return t('figures.chart.summary', {
    title: t(period === 'today' ? 'figures.chart.titleToday' : 'figures.chart.titleWeek'),
    items: items.length > 0 ? items.join(t('figures.chart.separator')) : t('figures.chart.none'),
  });
}

/** The file the CSV export is saved as: my-calls-today-2026-11-26.csv, my-calls-week-2026-11-23.csv. */
export function csvFileName(period: FiguresPeriod, from: number): string {
  return `my-calls-${period}-${localInputs(from).date}.csv`;
}
