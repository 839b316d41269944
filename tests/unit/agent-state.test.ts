import { describe, expect, it } from 'vitest';
import type { AgentState } from '../../src/contract/agent.js';
import { initialAgentState, transition, type AgentEvent } from '../../src/agent/state-machine.js';

const REASONS = ['training', 'meeting'];

/** Runs events from a start state on a clock that moves one second per event. */
function run(events: AgentEvent[], options: { wrapUpMs?: number; start?: AgentState } = {}) {
  let now = 1_000;
  let state = options.start ?? initialAgentState(now);
  const refusals: string[] = [];
  for (const event of events) {
    now += 1_000;
    const result = transition(state, event, { now, reasons: REASONS, wrapUpMs: options.wrapUpMs ?? 0 });
    if (result.ok) state = result.state;
    else refusals.push(result.reason);
  }
  return { state, refusals, now };
}

const call = (id: string): AgentEvent[] => [
  { type: 'call-started', callId: id },
  { type: 'call-ended', callId: id, wrapUp: true, callsLeft: 0 },
];

describe('the agent state machine', () => {
  it('a call: available → on call → wrap-up → available once the record is written', () => {
    const steps: string[] = [];
    let state = initialAgentState(0);
    for (const event of [...call('c1'), { type: 'wrapup-done', callId: 'c1' }] as AgentEvent[]) {
      const result = transition(state, event, { now: 5, reasons: [], wrapUpMs: 60_000 });
      if (!result.ok) throw new Error(result.reason);
      state = result.state;
      steps.push(`${state.state}${state.wrapUps.length ? `(${state.wrapUps.join(',')})` : ''}`);
    }
    expect(steps).toEqual(['on-call', 'wrap-up(c1)', 'available']);
  });

  it('the wrap-up has its due time from the limit; none without a limit', () => {
    expect(run(call('c1'), { wrapUpMs: 90_000 }).state).toMatchObject({
      state: 'wrap-up',
      wrapUpDueAt: 3_000 + 90_000,
    });
    expect(run(call('c1')).state.wrapUpDueAt).toBeUndefined();
  });

  it('a call nobody answered needs no wrap-up', () => {
    const { state } = run([
      { type: 'call-started', callId: 'c1' },
      { type: 'call-ended', callId: 'c1', wrapUp: false, callsLeft: 0 },
    ]);
    expect(state.state).toBe('available');
  });

  it('a break chosen during the call waits for the wrap-up, then starts', () => {
    const { state } = run([
      { type: 'call-started', callId: 'c1' },
      { type: 'choose', state: 'break' },
      { type: 'call-ended', callId: 'c1', wrapUp: true, callsLeft: 0 },
    ]);
    expect(state).toMatchObject({ state: 'wrap-up', next: { state: 'break' } });
    const after = transition(state, { type: 'wrapup-done', callId: 'c1' }, { now: 9_000, reasons: [], wrapUpMs: 0 });
    expect(after.ok && after.state).toMatchObject({ state: 'break', since: 9_000 });
    expect(after.ok && after.state.next).toBeUndefined();
  });

  it('a wrap-up is left only by writing it: Available is refused into the wrap-up, not around it', () => {
    const { state } = run([...call('c1'), { type: 'choose', state: 'available' }]);
    expect(state.state).toBe('wrap-up');
  });

  it('the time limit: per policy, stay (warned) or move on keeping the record to write', () => {
    const stay = run([...call('c1'), { type: 'wrapup-expired', policy: 'stay' }], { wrapUpMs: 1 }).state;
    expect(stay.state).toBe('wrap-up');
    const moved = run([...call('c1'), { type: 'wrapup-expired', policy: 'available' }], { wrapUpMs: 1 }).state;
    expect(moved).toMatchObject({ state: 'available', wrapUps: ['c1'] });
    // Written later: the list empties, the state stays.
    const later = transition(moved, { type: 'wrapup-done', callId: 'c1' }, { now: 10_000, reasons: [], wrapUpMs: 0 });
    expect(later.ok && later.state).toMatchObject({ state: 'available', wrapUps: [] });
  });

  it('Not ready needs a configured reason', () => {
    const { state, refusals } = run([
      { type: 'choose', state: 'not-ready' },
      { type: 'choose', state: 'not-ready', reason: 'lunch' },
      { type: 'choose', state: 'not-ready', reason: 'training' },
    ]);
    expect(refusals).toEqual(['reason-needed', 'unknown-reason']);
    expect(state).toMatchObject({ state: 'not-ready', reason: 'training' });
  });

  it('a callback dialled from Not ready comes back to Not ready after its wrap-up', () => {
    const { state } = run([
      { type: 'choose', state: 'not-ready', reason: 'meeting' },
      ...call('c1'),
      { type: 'wrapup-done', callId: 'c1' },
    ]);
    expect(state).toMatchObject({ state: 'not-ready', reason: 'meeting' });
  });

  it('two calls at once: the wrap-up starts when the last one ends, and holds both', () => {
    const { state } = run([
      { type: 'call-started', callId: 'c1' },
      { type: 'call-started', callId: 'c2' },
      { type: 'call-ended', callId: 'c1', wrapUp: true, callsLeft: 1 },
      { type: 'call-ended', callId: 'c2', wrapUp: true, callsLeft: 0 },
      { type: 'wrapup-done', callId: 'c1' },
    ]);
    expect(state).toMatchObject({ state: 'wrap-up', wrapUps: ['c2'] });
  });

  it('the stretch of screen work: a break ends it, Not ready does not, the next work starts it again', () => {
    const { state: onBreak } = run([{ type: 'choose', state: 'break' }]);
    expect(onBreak.workingSince).toBeUndefined();
    const back = transition(onBreak, { type: 'choose', state: 'available' }, { now: 50_000, reasons: [], wrapUpMs: 0 });
    expect(back.ok && back.state.workingSince).toBe(50_000);
    const { state: training } = run([{ type: 'choose', state: 'not-ready', reason: 'training' }]);
    expect(training.workingSince).toBe(1_000);
  });

  it('choosing the state the agent is in changes nothing but the reason', () => {
    const { state } = run([
      { type: 'choose', state: 'not-ready', reason: 'training' },
      { type: 'choose', state: 'not-ready', reason: 'meeting' },
    ]);
    expect(state).toMatchObject({ state: 'not-ready', reason: 'meeting', since: 2_000 });
  });
});
