import type { AgentState, ChosenState } from '../contract/agent.js';

/**
 * The agent's state machine: pure, the clock passed in. The calls move the agent through On call
 * and Wrap-up; the agent chooses Available, Break, Not ready (with a reason) or Offline. A choice
 * made during the work of a call (a break, say) waits until that work is done; a wrap-up is left
 * only by writing it (or, per policy, when its time runs out, keeping the draft).
 */

export type AgentEvent =
  | { type: 'choose'; state: ChosenState; reason?: string }
  | { type: 'call-started'; callId: string }
  /** `wrapUp`: the call needs a record (answered, and the desk asks for wrap-ups). */
  | { type: 'call-ended'; callId: string; wrapUp: boolean; callsLeft: number }
  | { type: 'wrapup-done'; callId: string }
  /** The wrap-up's time ran out: `available` moves on (the draft stays); `stay` only warns. */
  | { type: 'wrapup-expired'; policy: 'available' | 'stay' };

export type Transition = { ok: true; state: AgentState } | { ok: false; reason: AgentRefusal };
export type AgentRefusal = 'reason-needed' | 'unknown-reason' | 'not-now';

export interface MachineOptions {
  now: number;
  /** The reasons Not ready may have (configured); empty accepts any. */
  reasons: readonly string[];
  /** The wrap-up's time limit in milliseconds; 0 for none. */
  wrapUpMs: number;
}

const WORKING = new Set(['available', 'on-call', 'wrap-up']);

export function initialAgentState(now: number): AgentState {
  return { state: 'available', since: now, wrapUps: [], workingSince: now, breakDue: false };
}

export function transition(current: AgentState, event: AgentEvent, options: MachineOptions): Transition {
  const { now } = options;
  switch (event.type) {
    case 'choose': {
      if (event.state === 'not-ready') {
        if (!event.reason) return { ok: false, reason: 'reason-needed' };
        if (options.reasons.length > 0 && !options.reasons.includes(event.reason))
          return { ok: false, reason: 'unknown-reason' };
      }
      const choice = { state: event.state, ...(event.state === 'not-ready' ? { reason: event.reason } : {}) };
      // During a call or its wrap-up: it waits until the work of the call is done.
      if (current.state === 'on-call' || current.state === 'wrap-up') return ok({ ...current, next: choice });
      // Back to Available with records still to write: the wrap-up comes first.
      if (event.state === 'available' && current.wrapUps.length > 0) return ok(enter(current, 'wrap-up', now, options));
      return ok(enter(current, event.state, now, options, event.state === 'not-ready' ? event.reason : undefined));
    }
    case 'call-started': {
      if (current.state === 'on-call') return ok(current);
      const state = enter(current, 'on-call', now, options);
      // After the call, back to where the agent was (Not ready, say, for a callback dialled from it).
      const next = current.next ?? resumable(current);
      if (next) state.next = next;
      return ok(state);
    }
    case 'call-ended': {
      const wrapUps =
        event.wrapUp && !current.wrapUps.includes(event.callId) ? [...current.wrapUps, event.callId] : current.wrapUps;
      if (current.state !== 'on-call' || event.callsLeft > 0) return ok({ ...current, wrapUps });
      if (wrapUps.length > 0) return ok(enter({ ...current, wrapUps }, 'wrap-up', now, options));
      return ok(leaveWork({ ...current, wrapUps }, now, options));
    }
    case 'wrapup-done': {
      const wrapUps = current.wrapUps.filter((id) => id !== event.callId);
      if (current.state !== 'wrap-up') return ok({ ...current, wrapUps });
      if (wrapUps.length > 0) return ok({ ...current, wrapUps });
      return ok(leaveWork({ ...current, wrapUps }, now, options));
    }
    case 'wrapup-expired':
      if (current.state !== 'wrap-up' || event.policy === 'stay') return ok(current);
      // The drafts stay in `wrapUps`: the agent writes them when the next call allows.
      return ok(leaveWork(current, now, options));
  }
}

/** The state to come back to after a call, when the agent was not simply Available. */
function resumable(state: AgentState): AgentState['next'] {
  if (state.state === 'break' || state.state === 'offline') return { state: state.state };
  if (state.state === 'not-ready') return { state: 'not-ready', ...(state.reason ? { reason: state.reason } : {}) };
  return undefined;
}

/** The work of the calls is done: where the agent chose to go, else Available. */
function leaveWork(state: AgentState, now: number, options: MachineOptions): AgentState {
  const next = state.next ?? { state: 'available' as const };
  const rest: AgentState = { ...state };
  delete rest.next;
  return enter(rest, next.state, now, options, next.reason);
}

function enter(
  current: AgentState,
  name: AgentState['state'],
  now: number,
  options: MachineOptions,
  reason?: string,
): AgentState {
  // A break (or logging out) ends the stretch of screen work; Not ready (training, a meeting) does not.
  const workingSince =
    name === 'break' || name === 'offline'
      ? undefined
      : (current.workingSince ?? (WORKING.has(name) ? now : undefined));
  const state: AgentState = {
    state: name,
    since: name === current.state ? current.since : now,
    wrapUps: current.wrapUps,
    breakDue: workingSince === undefined ? false : current.breakDue,
  };
  if (reason) state.reason = reason;
  if (current.next) state.next = current.next;
  if (name === 'wrap-up' && options.wrapUpMs > 0)
    state.wrapUpDueAt = name === current.state && current.wrapUpDueAt ? current.wrapUpDueAt : now + options.wrapUpMs;
  if (workingSince !== undefined) state.workingSince = workingSince;
  return state;
}

function ok(state: AgentState): Transition {
  return { ok: true, state };
}
