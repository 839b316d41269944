import type { Call } from '../contract/calls.js';
import {
  INBOUND_PHASES,
  OUTBOUND_PHASES,
  PhaseId,
  type GuidanceRecord,
  type TrailEntry,
} from '../contract/guidance.js';
import type {
  PracticeFinding,
  PracticePhaseResult,
  PracticeReview,
  PracticeSummary,
  PracticeView,
} from '../contract/practice.js';
import { WRAPUP_FIELDS, type WrapUpDraft } from '../contract/wrapup.js';

/**
 * The practice review of a call: what went well and what to work on, read from the trail the
 * guidance engine (src/guidance/session.ts) keeps and from the wrap-up. Pure functions over the
 * records; `PracticeLog` keeps the run's reviews in memory for the practice screen.
 */

/** Three rings (a ring and its pause last about 5 s): an inbound call answered later kept the caller waiting. */
export const ANSWER_WITHIN_MS = 15_000;
/** The reviews the log keeps: a practice run is short, and the screen only needs the recent ones. */
export const PRACTICE_LOG_LIMIT = 200;

export interface ReviewInput {
  call: Call;
  /** The guidance record of the call; a call the engine never followed has none. */
  guidance?: GuidanceRecord;
  /** `guidance.holdReminderSeconds`: the hold length the trainee is judged against. */
  holdReminderSeconds: number;
  /** The customer's name as the wrap-up shows it, when the call was linked to a record. */
  customerName?: string;
  wrapUp?: { draft: WrapUpDraft; savedAt: number };
  now?: number;
}

type WithoutFindings = Omit<PracticeReview, 'findings'>;

/** The review of an ended call, as far as it can be judged before (or with) its wrap-up. */
export function reviewCall(input: ReviewInput): PracticeReview {
  const { call, guidance } = input;
  const reviewedAt = input.now ?? Date.now();
  const endedAt = call.endedAt ?? reviewedAt;
  const answered = call.answeredAt !== undefined;
  const reminderMs = Math.round(input.holdReminderSeconds * 1000);
  const phases = answered && guidance ? phaseResults(guidance, call) : { phases: [], requiredOpen: [] };
  const review: WithoutFindings = {
    callId: call.id,
    direction: call.direction,
    number: call.remote.number,
    ...(input.customerName ? { customerName: input.customerName } : {}),
    ...(call.end ? { endCause: call.end.cause } : {}),
    startedAt: call.startedAt,
    ...(call.answeredAt !== undefined ? { answeredAt: call.answeredAt } : {}),
    endedAt,
    reviewedAt,
    ...(call.direction === 'in' && call.answeredAt !== undefined
      ? { timeToAnswerMs: Math.max(0, call.answeredAt - call.startedAt) }
      : {}),
    phases: phases.phases,
    requiredOpen: phases.requiredOpen,
    hold: holdReview(guidance, reminderMs),
    procedures: procedureReview(guidance),
    wrapUp: wrapUpReview(endedAt, input.wrapUp),
  };
  return { ...review, findings: findingsOf(review) };
}

/** The review once the wrap-up is saved: the wrap-up part and the findings are worked out again. */
export function withWrapUp(review: PracticeReview, draft: WrapUpDraft, savedAt: number): PracticeReview {
  const updated: WithoutFindings = { ...review, wrapUp: wrapUpReview(review.endedAt, { draft, savedAt }) };
  return { ...updated, findings: findingsOf(updated) };
}

/** Totals over a run's reviews, for the session summary. */
export function summarise(reviews: readonly PracticeReview[]): PracticeSummary {
  const answerTimes = reviews.flatMap((review) => (review.timeToAnswerMs !== undefined ? [review.timeToAnswerMs] : []));
  const results = reviews.flatMap((review) => review.phases.map((phase) => phase.result));
  // Counted once per call, so that one call that skipped the same phase twice does not outweigh the rest.
  const missedIn = new Map<PhaseId, number>();
  for (const review of reviews) {
    for (const id of new Set(review.phases.filter((phase) => phase.result === 'missed').map((phase) => phase.id)))
      missedIn.set(id, (missedIn.get(id) ?? 0) + 1);
  }
  const mostMissed = [...missedIn].sort(([a, countA], [b, countB]) => countB - countA || callOrder(a) - callOrder(b));
  return {
    calls: reviews.length,
    answered: reviews.filter((review) => review.answeredAt !== undefined).length,
    ...(answerTimes.length > 0
      ? { averageTimeToAnswerMs: Math.round(answerTimes.reduce((sum, ms) => sum + ms, 0) / answerTimes.length) }
      : {}),
    phasesDone: results.filter((result) => result === 'done').length,
    phasesMissed: results.filter((result) => result === 'missed').length,
    requiredOpen: reviews.reduce((sum, review) => sum + review.requiredOpen.length, 0),
    holdsOverReminder: reviews.reduce((sum, review) => sum + review.hold.overReminder, 0),
    wrapUpsComplete: reviews.filter((review) => review.wrapUp.complete).length,
    wrapUpsSaved: reviews.filter((review) => review.wrapUp.saved).length,
    ...(mostMissed[0] ? { mostMissedPhase: mostMissed[0][0] } : {}),
  };
}

/**
 * The practice calls of this run, newest last, bounded to `PRACTICE_LOG_LIMIT`. The core tells it
 * when a call ends and when its wrap-up is saved; the practice screen reads `view`.
 */
export class PracticeLog {
  private reviews: PracticeReview[] = [];

  constructor(private readonly limit = PRACTICE_LOG_LIMIT) {}

  /**
   * Reviews an ended call. A consultation call is part of the customer's call (the customer's call
   * carries the guidance and the wrap-up), so it gets no review of its own.
   */
  callEnded(input: ReviewInput): PracticeReview | undefined {
    if (input.call.consultFor) return undefined;
    const review = reviewCall(input);
    this.reviews = [...this.reviews.filter((entry) => entry.callId !== review.callId), review].slice(-this.limit);
    return review;
  }

  /** The call's wrap-up was saved: its review is brought up to date (undefined for a call not kept). */
  wrapUpSaved(callId: string, draft: WrapUpDraft, savedAt: number): PracticeReview | undefined {
    const index = this.reviews.findIndex((entry) => entry.callId === callId);
    if (index < 0) return undefined;
    const review = withWrapUp(this.reviews[index]!, draft, savedAt);
    this.reviews = this.reviews.map((entry, at) => (at === index ? review : entry));
    return review;
  }

  view(enabled: boolean): PracticeView {
    return { enabled, reviews: [...this.reviews].reverse(), summary: summarise(this.reviews) };
  }
}

// ---- the phases ----------------------------------------------------------------------------------

/**
 * How each phase went. The engine marks a phase `skipped` both when the agent jumped over it and
 * when the hang-up jumped over it on the way to close, so the trail is replayed to tell them apart:
 * what the agent left undone during the call is `missed`; what the end of the call cut off is
 * `not-reached`, unless the agent ended the call themselves (a plain hang-up, not under a
 * procedure), which leaves those phases undone by their own choice.
 */
function phaseResults(
  record: GuidanceRecord,
  call: Call,
): { phases: PracticeReview['phases']; requiredOpen: PracticeReview['requiredOpen'] } {
  const ids = record.phases.map((phase) => phase.id);
  const endEntry = record.trail.findIndex((entry) => entry.kind === 'ended');
  // The phase the call was in when it ended (the engine stamps every entry with the current phase).
  const endPhase =
    (endEntry >= 0 ? record.trail[endEntry]!.phase : undefined) ??
    record.phases.find((phase) => phase.status === 'current')?.id;
  const agentEnded = call.end?.cause === 'local-hangup' && !record.endedUnder;
  const marks = replayPhases(record.trail, ids, endEntry);
  const phases: PracticeReview['phases'] = [];
  const requiredOpen: PracticeReview['requiredOpen'] = [];
  for (const phase of record.phases) {
    const mark = marks.get(phase.id);
    const open = phase.requiredOpen.length > 0;
    let result: PracticePhaseResult;
    if (phase.status === 'upcoming' || mark === undefined) result = 'not-reached';
    else if (phase.id === endPhase) result = !open ? 'done' : agentEnded ? 'missed' : 'not-reached';
    // Entered by the end itself (close on the hang-up): the record is taken then, before its items could be ticked.
    else if (mark === 'entered-at-end') result = 'done';
    else if (mark === 'cut-by-end')
      result = phase.status === 'done' && !open ? 'done' : agentEnded ? 'missed' : 'not-reached';
    else result = phase.status === 'skipped' || open ? 'missed' : 'done';
    phases.push({ id: phase.id, result });
    if (result === 'missed') for (const item of phase.requiredOpen) requiredOpen.push({ phase: phase.id, item });
  }
  return { phases, requiredOpen };
}

type PhaseMark = 'visited' | 'jumped' | 'entered-at-end' | 'cut-by-end';

/**
 * Replays the trail's phase changes the way the engine makes them (src/guidance/session.ts,
 * `enter`): the phases between the one left and the one entered are marked, once, as jumped over;
 * a phase entered later is visited. Changes after the `ended` entry are the end's own.
 */
function replayPhases(
  trail: readonly TrailEntry[],
  ids: readonly PhaseId[],
  endEntry: number,
): Map<PhaseId, PhaseMark> {
  const marks = new Map<PhaseId, PhaseMark>();
  let current = 0;
  trail.forEach((entry, index) => {
    if (entry.kind !== 'phase' || !entry.phase) return;
    const target = ids.indexOf(entry.phase);
    if (target < 0) return;
    const afterEnd = endEntry >= 0 && index > endEntry;
    for (let at = current + 1; at < target; at++)
      if (!marks.has(ids[at]!)) marks.set(ids[at]!, afterEnd ? 'cut-by-end' : 'jumped');
    if (marks.get(entry.phase) !== 'visited') marks.set(entry.phase, afterEnd ? 'entered-at-end' : 'visited');
    current = target;
  });
  return marks;
}

/** Where a phase comes in a call (inbound or outbound), for ties. */
function callOrder(id: PhaseId): number {
  const positions = [INBOUND_PHASES, OUTBOUND_PHASES]
    .map((phases) => (phases as readonly PhaseId[]).indexOf(id))
    .filter((position) => position >= 0);
  return Math.min(...positions) * PhaseId.options.length + PhaseId.options.indexOf(id);
}

// ---- holds, procedures, wrap-up ------------------------------------------------------------------

/**
 * The holds, one by one from the trail: each `hold` ends at the next `resume` (the engine records
 * one at the hang-up too). A hold ran past the reminder when the reminder came during it or when it
 * lasted longer; one whose resume is the hang-up's left the caller waiting to the end.
 */
function holdReview(record: GuidanceRecord | undefined, reminderMs: number): PracticeReview['hold'] {
  const holds: { start: number; end?: number; reminded: boolean; endedWithCall: boolean }[] = [];
  const trail = record?.trail ?? [];
  trail.forEach((entry, index) => {
    const open = holds.at(-1);
    if (entry.kind === 'hold') holds.push({ start: entry.at, reminded: false, endedWithCall: false });
    else if (entry.kind === 'hold-reminder' && open && open.end === undefined) open.reminded = true;
    else if (entry.kind === 'resume' && open && open.end === undefined) {
      open.end = entry.at;
      const next = trail.slice(index + 1).find((later) => later.kind !== 'transfer');
      open.endedWithCall = next?.kind === 'ended' && next.at === entry.at;
    }
  });
  const ended = trail.find((entry) => entry.kind === 'ended')?.at;
  const over = holds.filter((hold) => {
    const end = hold.end ?? ended;
    return hold.reminded || (end !== undefined && end - hold.start > reminderMs);
  });
  return {
    count: holds.length,
    totalMs: record?.holdMs ?? 0,
    longestMs: record?.longestHoldMs ?? 0,
    reminderMs,
    overReminder: over.length,
    resumedAfterReminder: over.length > 0 && over.every((hold) => hold.end !== undefined && !hold.endedWithCall),
  };
}

function procedureReview(record: GuidanceRecord | undefined): PracticeReview['procedures'] {
  // The first warning is the one that counts: ending the call is allowed from then on.
  const warned = record?.trail.find((entry) => entry.kind === 'procedure' && entry.item === 'abusive.warned');
  return {
    ...(warned ? { abusiveWarnedAt: warned.at } : {}),
    ...(record?.endedUnder ? { endedUnder: record.endedUnder } : {}),
  };
}

function wrapUpReview(endedAt: number, wrapUp: ReviewInput['wrapUp']): PracticeReview['wrapUp'] {
  if (!wrapUp) return { saved: false, complete: false, emptyFields: [] };
  const emptyFields = WRAPUP_FIELDS.filter((field) => !String(wrapUp.draft[field]).trim());
  return {
    saved: true,
    savedAt: wrapUp.savedAt,
    secondsToSave: Math.max(0, Math.round((wrapUp.savedAt - endedAt) / 1000)),
    complete: emptyFields.length === 0,
    emptyFields,
  };
}

// ---- findings ------------------------------------------------------------------------------------

/**
 * The findings, from the review alone (so that `withWrapUp` can work them out again): answering,
 * the phases, the required items, the holds, the procedures, the wrap-up, in that order.
 */
function findingsOf(review: WithoutFindings): PracticeFinding[] {
  const findings: PracticeFinding[] = [];
  const good = (code: PracticeFinding['code'], values?: PracticeFinding['values']) =>
    findings.push({ kind: 'good', code, ...(values ? { values } : {}) });
  const improve = (code: PracticeFinding['code'], values?: PracticeFinding['values']) =>
    findings.push({ kind: 'improve', code, ...(values ? { values } : {}) });
  const seconds = (ms: number) => Math.round(ms / 1000);

  if (review.direction === 'in' && review.answeredAt === undefined) {
    improve('not-answered', {
      seconds: seconds(review.endedAt - review.startedAt),
      ...(review.endCause ? { cause: review.endCause } : {}),
    });
  }
  if (review.timeToAnswerMs !== undefined) {
    if (review.timeToAnswerMs <= ANSWER_WITHIN_MS)
      good('answered-quickly', { seconds: seconds(review.timeToAnswerMs) });
    else improve('answered-slowly', { seconds: seconds(review.timeToAnswerMs) });
  }
  if (review.answeredAt === undefined) return findings;

  // A missed phase is named, and so is each required item left open in it: the item says what
  // exactly to do next time.
  const missed = review.phases.filter((phase) => phase.result === 'missed');
  if (review.phases.length > 0 && missed.length === 0) good('all-phases');
  for (const phase of missed) improve('phase-missed', { phase: phase.id });
  for (const open of review.requiredOpen) improve('required-open', { phase: open.phase, item: open.item });

  const reminderSeconds = seconds(review.hold.reminderMs);
  if (review.hold.overReminder > 0)
    improve('hold-over-reminder', {
      count: review.hold.overReminder,
      seconds: seconds(review.hold.longestMs),
      reminderSeconds,
    });
  else if (review.hold.count > 0) good('hold-within-reminder', { count: review.hold.count, reminderSeconds });

  if (review.procedures.endedUnder === 'abusive' && review.procedures.abusiveWarnedAt !== undefined)
    good('abusive-warned-before-end');

  if (!review.wrapUp.saved) improve('wrapup-not-saved');
  else if (review.wrapUp.complete) good('wrapup-complete');
  else improve('wrapup-fields-empty', { fields: review.wrapUp.emptyFields.join(',') });
  return findings;
}
