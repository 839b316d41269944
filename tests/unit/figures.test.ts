import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  computeFigures,
  figuresCsv,
  localDay,
  localWeek,
  type CallRow,
  type StateRow,
} from '../../src/work/figures.js';

// The desk's time zone: one with a DST change (Europe/Rome: 25 October 2026, 03:00 → 02:00).
const previousTz = process.env.TZ;
beforeAll(() => {
  process.env.TZ = 'Europe/Rome';
});
afterAll(() => {
  process.env.TZ = previousTz;
});

const at = (y: number, m: number, d: number, h = 0, min = 0) => new Date(y, m - 1, d, h, min).getTime();
const MIN = 60_000;
const HOUR = 60 * MIN;

function call(id: string, start: number, talkMin: number, overrides: Partial<CallRow> = {}): CallRow {
  return {
    callId: id,
    direction: 'in',
    number: '+390612345678',
    startedAt: start,
    answeredAt: start + 10_000,
    endedAt: start + 10_000 + talkMin * MIN,
    endCause: 'remote-hangup',
    holdMs: 0,
    ...overrides,
  };
}

describe('the agent’s figures', () => {
  it('today: calls in and out, missed, averages (talk, hold, wrap-up, handling), first-contact resolution', () => {
    const now = at(2026, 11, 26, 17);
    const calls = [
      call('a', at(2026, 11, 26, 9), 4, { holdMs: 60_000 }),
      call('b', at(2026, 11, 26, 10), 6, { direction: 'out' }),
      call('c', at(2026, 11, 26, 11), 0, { answeredAt: null, endCause: 'missed' }),
      call('d', at(2026, 11, 26, 12), 0, { answeredAt: null, endCause: 'auto-declined' }),
      call('old', at(2026, 11, 25, 16), 30),
    ];
    const wrapUps = [
      {
        callId: 'a',
        startedAt: calls[0]!.endedAt,
        submittedAt: calls[0]!.endedAt + 2 * MIN,
        resolved: 'yes' as const,
        disposition: 'resolved',
      },
      {
        callId: 'b',
        startedAt: calls[1]!.endedAt,
        submittedAt: calls[1]!.endedAt + 1 * MIN,
        resolved: 'no' as const,
        disposition: 'x',
      },
    ];
    const figures = computeFigures('today', now, { calls, wrapUps, states: [], callbacks: [] });
    expect(figures.calls).toEqual({ in: 1, out: 1, missed: 2 });
    expect(figures.averages).toEqual({ talkMs: 5 * MIN, holdMs: 30_000, wrapUpMs: 1.5 * MIN, handlingMs: 6.5 * MIN });
    expect(figures.firstContactResolution).toBe(0.5);
    expect(figures.buckets).toHaveLength(24);
    expect(figures.buckets[9]).toMatchObject({ in: 1, out: 0 });
    expect(figures.buckets[10]).toMatchObject({ in: 0, out: 1 });
  });

  it('no calls: averages and the resolution rate are absent, not zero', () => {
    const figures = computeFigures('today', at(2026, 11, 26, 9), { calls: [], wrapUps: [], states: [], callbacks: [] });
    expect(figures.averages).toEqual({ talkMs: null, holdMs: null, wrapUpMs: null, handlingMs: null });
    expect(figures.firstContactResolution).toBeNull();
  });

  it('a shift across midnight: the time in each state is split at midnight, calls count on the day they started', () => {
    const states: StateRow[] = [
      { state: 'available', reason: null, startedAt: at(2026, 11, 25, 22) },
      { state: 'on-call', reason: null, startedAt: at(2026, 11, 25, 23, 50) },
      { state: 'wrap-up', reason: null, startedAt: at(2026, 11, 26, 0, 20) },
      { state: 'break', reason: null, startedAt: at(2026, 11, 26, 0, 30) },
    ];
    const calls = [call('late', at(2026, 11, 25, 23, 50), 30)];
    const now = at(2026, 11, 26, 1);
    const today = computeFigures('today', now, { calls, wrapUps: [], states, callbacks: [] });
    expect(today.calls.in).toBe(0);
    expect(today.stateMs).toEqual({ 'on-call': 20 * MIN, 'wrap-up': 10 * MIN, break: 30 * MIN });
    expect(today.timeline[0]).toEqual({ state: 'on-call', from: at(2026, 11, 26), to: at(2026, 11, 26, 0, 20) });
    const yesterday = computeFigures('today', at(2026, 11, 25, 23, 59), { calls, wrapUps: [], states, callbacks: [] });
    expect(yesterday.calls.in).toBe(1);
    // Up to "now" (23:59) for the state still going on.
    expect(yesterday.stateMs).toEqual({ available: 110 * MIN, 'on-call': 9 * MIN });
  });

  it('the day the clocks go back has 25 hours: a whole day available counts 25 hours, in 25 hourly buckets', () => {
    const states: StateRow[] = [{ state: 'available', reason: null, startedAt: at(2026, 10, 24, 20) }];
    const now = at(2026, 10, 26, 0, 0) + 1;
    const day = localDay(at(2026, 10, 25, 12));
    expect(day.to - day.from).toBe(25 * HOUR);
    const figures = computeFigures('today', at(2026, 10, 25, 23, 59), {
      calls: [],
      wrapUps: [],
      states,
      callbacks: [],
    });
    expect(figures.to - figures.from).toBe(25 * HOUR);
    expect(figures.buckets).toHaveLength(25);
    const whole = computeFigures('today', now - 2, { calls: [], wrapUps: [], states, callbacks: [] });
    expect(whole.stateMs.available).toBe(25 * HOUR - 1);
  });

  it('the day the clocks go forward has 23 hours', () => {
    const day = localDay(at(2026, 3, 29, 12));
    expect(day.to - day.from).toBe(23 * HOUR);
    const figures = computeFigures('today', at(2026, 3, 29, 12), { calls: [], wrapUps: [], states: [], callbacks: [] });
    expect(figures.buckets).toHaveLength(23);
  });

  it('the week runs Monday to Monday, local; seven daily buckets', () => {
    const week = localWeek(at(2026, 11, 26, 15)); // a Thursday
    expect(new Date(week.from).getDay()).toBe(1);
    expect(week.from).toBe(at(2026, 11, 23));
    expect(week.to).toBe(at(2026, 11, 30));
    const calls = [
      call('mon', at(2026, 11, 23, 9), 3),
      call('sun', at(2026, 11, 29, 23, 30), 3),
      call('next', at(2026, 11, 30, 0, 5), 3),
    ];
    const figures = computeFigures('week', at(2026, 11, 26, 15), { calls, wrapUps: [], states: [], callbacks: [] });
    expect(figures.calls.in).toBe(2);
    expect(figures.buckets.map((bucket) => bucket.in)).toEqual([1, 0, 0, 0, 0, 0, 1]);
  });

  it('a change of the desk’s time zone moves "today" with it; stored times stay what they were', () => {
    const moment = Date.UTC(2026, 10, 26, 23, 30); // 00:30 on the 27th in Rome, 23:30 on the 26th in London
    const rome = localDay(moment);
    process.env.TZ = 'Europe/London';
    const london = localDay(moment);
    process.env.TZ = 'Europe/Rome';
    expect(rome.from).toBe(Date.UTC(2026, 10, 26, 23));
    expect(london.from).toBe(Date.UTC(2026, 10, 26, 0));
  });

  it('callbacks: done within the period, and open ones due by its end', () => {
    const now = at(2026, 11, 26, 12);
    const figures = computeFigures('today', now, {
      calls: [],
      wrapUps: [],
      states: [],
      callbacks: [
        { status: 'done', dueAt: 0, updatedAt: at(2026, 11, 26, 9) },
        { status: 'done', dueAt: 0, updatedAt: at(2026, 11, 25, 9) },
        { status: 'open', dueAt: at(2026, 11, 26, 18), updatedAt: 0 },
        { status: 'open', dueAt: at(2026, 11, 27, 9), updatedAt: 0 },
      ],
    });
    expect(figures.callbacks).toEqual({ done: 1, due: 1 });
  });

  it('the CSV: one row per call of the period, quoted where needed', () => {
    const calls = [call('a', at(2026, 11, 26, 9), 4, { number: '+39 06, "home"' })];
    const csv = figuresCsv('today', at(2026, 11, 26, 17), {
      calls,
      wrapUps: [
        {
          callId: 'a',
          startedAt: calls[0]!.endedAt,
          submittedAt: calls[0]!.endedAt + 90_000,
          resolved: 'yes',
          disposition: 'resolved',
        },
      ],
    });
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'started,direction,number,answered,ended,end,talk_s,hold_s,wrapup_s,disposition,resolved_first_contact',
    );
    expect(lines[1]).toBe(
      `${new Date(calls[0]!.startedAt).toISOString()},in,"+39 06, ""home""",${new Date(calls[0]!.answeredAt!).toISOString()},${new Date(calls[0]!.endedAt).toISOString()},remote-hangup,240,0,90,resolved,yes`,
    );
  });
});
