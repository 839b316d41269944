import type { AgentFigures } from '../contract/wrapup.js';

/**
 * The agent's own figures, computed from what the desk logged (pure: rows in, figures out). Times
 * are epoch milliseconds; a period's bounds are local midnights found with the calendar (never by
 * adding 24 hours), so a day of 23 or 25 hours around a DST change is one day, and a change of the
 * machine's time zone moves the bounds with it. A call belongs to the period it started in; time
 * in a state is split at the period's bounds.
 */

export interface CallRow {
  callId: string;
  direction: 'in' | 'out';
  number: string;
  startedAt: number;
  answeredAt: number | null;
  endedAt: number;
  endCause: string;
  holdMs: number;
}
export interface WrapUpRow {
  callId: string;
  startedAt: number;
  submittedAt: number;
  resolved: '' | 'yes' | 'no';
  disposition: string;
}
export interface StateRow {
  state: string;
  reason: string | null;
  startedAt: number;
}
export interface CallbackRow {
  status: string;
  dueAt: number;
  updatedAt: number;
}

const MISSED = new Set(['missed', 'auto-declined', 'media-failed']);

/** The local start of the day of `at`, and of the next day (calendar arithmetic: DST-safe). */
export function localDay(at: number): { from: number; to: number } {
  const day = new Date(at);
  const from = new Date(day.getFullYear(), day.getMonth(), day.getDate()).getTime();
  const to = new Date(day.getFullYear(), day.getMonth(), day.getDate() + 1).getTime();
  return { from, to };
}

/** The local week of `at`, Monday to Monday. */
export function localWeek(at: number): { from: number; to: number } {
  const day = new Date(at);
  const back = (day.getDay() + 6) % 7;
  const from = new Date(day.getFullYear(), day.getMonth(), day.getDate() - back).getTime();
  const to = new Date(day.getFullYear(), day.getMonth(), day.getDate() - back + 7).getTime();
  return { from, to };
}

export function computeFigures(
  period: 'today' | 'week',
  now: number,
  rows: { calls: CallRow[]; wrapUps: WrapUpRow[]; states: StateRow[]; callbacks: CallbackRow[] },
  language = 'en',
): AgentFigures {
  const { from, to } = period === 'today' ? localDay(now) : localWeek(now);
  const calls = rows.calls.filter((call) => call.startedAt >= from && call.startedAt < to);
  const answered = calls.filter((call) => call.answeredAt !== null);
  const wrapUps = rows.wrapUps.filter((wrapUp) => wrapUp.startedAt >= from && wrapUp.startedAt < to);
  const average = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : null);
  const talk = average(answered.map((call) => call.endedAt - call.answeredAt!));
  const wrap = average(wrapUps.map((wrapUp) => wrapUp.submittedAt - wrapUp.startedAt));
  const judged = wrapUps.filter((wrapUp) => wrapUp.resolved !== '');

  // States: each lasts until the next one starts (the last one until now), split at the bounds.
  const states = [...rows.states].sort((a, b) => a.startedAt - b.startedAt);
  const timeline: AgentFigures['timeline'] = [];
  const stateMs: Record<string, number> = {};
  states.forEach((state, index) => {
    const end = Math.min(states[index + 1]?.startedAt ?? now, now);
    const start = Math.max(state.startedAt, from);
    const stop = Math.min(end, to);
    if (stop <= start) return;
    timeline.push({ state: state.state, ...(state.reason ? { reason: state.reason } : {}), from: start, to: stop });
    stateMs[state.state] = (stateMs[state.state] ?? 0) + (stop - start);
  });

  return {
    period,
    from,
    to,
    calls: {
      in: answered.filter((call) => call.direction === 'in').length,
      out: answered.filter((call) => call.direction === 'out').length,
      missed: calls.filter((call) => call.direction === 'in' && call.answeredAt === null && MISSED.has(call.endCause))
        .length,
    },
    averages: {
      talkMs: talk,
      holdMs: average(answered.map((call) => call.holdMs)),
      wrapUpMs: wrap,
      handlingMs: talk === null ? null : talk + (wrap ?? 0),
    },
    firstContactResolution: judged.length
      ? judged.filter((wrapUp) => wrapUp.resolved === 'yes').length / judged.length
      : null,
    callbacks: {
      done: rows.callbacks.filter((cb) => cb.status === 'done' && cb.updatedAt >= from && cb.updatedAt < to).length,
      due: rows.callbacks.filter((cb) => cb.status === 'open' && cb.dueAt < to).length,
    },
    stateMs,
    timeline,
    buckets: buckets(period, from, to, answered, language),
  };
}

/** Hours of the day (a DST day has 23 or 25) or days of the week, with the calls in each. */
function buckets(
  period: 'today' | 'week',
  from: number,
  to: number,
  answered: CallRow[],
  language: string,
): AgentFigures['buckets'] {
  const starts: number[] = [];
  const base = new Date(from);
  for (let step = 0; ; step++) {
    // Hours in real time (the hour repeated when the clocks go back is two buckets); days by the calendar.
    const at =
      period === 'today'
        ? from + step * 3_600_000
        : new Date(base.getFullYear(), base.getMonth(), base.getDate() + step).getTime();
    if (at >= to) break;
    if (starts.at(-1) !== at) starts.push(at);
  }
  const format = new Intl.DateTimeFormat(language, period === 'today' ? { hour: '2-digit' } : { weekday: 'short' });
  return starts.map((start, index) => {
    const end = starts[index + 1] ?? to;
    const inside = answered.filter((call) => call.startedAt >= start && call.startedAt < end);
    return {
      from: start,
      label: format.format(start),
      in: inside.filter((call) => call.direction === 'in').length,
      out: inside.filter((call) => call.direction === 'out').length,
    };
  });
}

/** One row per call of the period, for a spreadsheet (RFC 4180 quoting). */
export function figuresCsv(
  period: 'today' | 'week',
  now: number,
  rows: { calls: CallRow[]; wrapUps: WrapUpRow[] },
  separator: ',' | ';' = ',',
): string {
  const { from, to } = period === 'today' ? localDay(now) : localWeek(now);
  const wrapUps = new Map(rows.wrapUps.map((wrapUp) => [wrapUp.callId, wrapUp]));
  const quote = (value: string | number) => {
    const text = String(value);
    return /[",;\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const iso = (at: number | null | undefined) => (at ? new Date(at).toISOString() : '');
  const seconds = (ms: number | null) => (ms === null ? '' : Math.round(ms / 1000));
  const header = [
    'started',
    'direction',
    'number',
    'answered',
    'ended',
    'end',
    'talk_s',
    'hold_s',
    'wrapup_s',
    'disposition',
    'resolved_first_contact',
  ];
  const lines = rows.calls
    .filter((call) => call.startedAt >= from && call.startedAt < to)
    .sort((a, b) => a.startedAt - b.startedAt)
    .map((call) => {
      const wrapUp = wrapUps.get(call.callId);
      return [
        iso(call.startedAt),
        call.direction,
        call.number,
        iso(call.answeredAt),
        iso(call.endedAt),
        call.endCause,
        seconds(call.answeredAt === null ? null : call.endedAt - call.answeredAt),
        seconds(call.holdMs),
        seconds(wrapUp ? wrapUp.submittedAt - wrapUp.startedAt : null),
        wrapUp?.disposition ?? '',
        wrapUp?.resolved ?? '',
      ]
        .map(quote)
        .join(separator);
    });
  return [header.join(separator), ...lines].join('\r\n') + '\r\n';
}
