import { z } from 'zod';
import { CallEndCause } from './calls.js';
import { PhaseId, ProcedureId } from './guidance.js';
import { WRAPUP_FIELDS } from './wrapup.js';

/**
 * Practice mode: a trainee takes simulated calls, and after each one the desk shows a short review
 * built from the call's guidance record and its wrap-up, plus a summary of every practice call of
 * the run. The review carries machine codes (`findings`), never sentences: the renderer words them
 * in the trainee's language, as it does for every other text. Times are epoch milliseconds.
 */

/**
 * Every finding a review can carry. The codes are stable (the renderer's translations and any saved
 * review depend on them): add new ones, never rename.
 */
export const PRACTICE_FINDINGS = [
  /** Inbound, answered within `ANSWER_WITHIN_MS`. values: seconds. */
  'answered-quickly',
  /** Inbound, answered later than that. values: seconds. */
  'answered-slowly',
  /** Inbound, never answered (the caller gave up, or it was declined). values: cause, seconds (ringing). */
  'not-answered',
  /** Every phase the call reached was done, nothing required left open. */
  'all-phases',
  /** A phase passed without being done (jumped over, or the agent hung up before it). values: phase. */
  'phase-missed',
  /** A required checklist item left unticked in a missed phase (beside its 'phase-missed'). values: phase, item. */
  'required-open',
  /** Every hold was taken back before the reminder. values: count, reminderSeconds. */
  'hold-within-reminder',
  /** Holds that ran past the reminder. values: count, seconds (the longest hold), reminderSeconds. */
  'hold-over-reminder',
  /** Ended under the abusive-caller procedure, after the one explicit warning. */
  'abusive-warned-before-end',
  /** Saved with every wrap-up field filled in. */
  'wrapup-complete',
  /** Saved with some (optional) fields left empty. values: fields (comma-joined WRAPUP_FIELDS). */
  'wrapup-fields-empty',
  /** An answered call whose wrap-up has not been saved (yet). */
  'wrapup-not-saved',
] as const;
export const PracticeFindingCode = z.enum(PRACTICE_FINDINGS);
export type PracticeFindingCode = z.infer<typeof PracticeFindingCode>;

export const PracticeFinding = z.object({
  kind: z.enum(['good', 'improve']),
  code: PracticeFindingCode,
  /** What the sentence needs (a phase, a number of seconds), for the translation's placeholders. */
  values: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});
export type PracticeFinding = z.infer<typeof PracticeFinding>;

/**
 * How a phase went. `missed`: the call went past it and the agent did not do it (it was jumped
 * over, or a required item in it was left open). `not-reached`: the call ended before the phase
 * could be done (the caller hung up earlier, a transfer or a procedure ended the call), which is not
 * held against the trainee.
 */
export const PracticePhaseResult = z.enum(['done', 'missed', 'not-reached']);
export type PracticePhaseResult = z.infer<typeof PracticePhaseResult>;

export const PracticeReview = z.object({
  callId: z.string(),
  direction: z.enum(['in', 'out']),
  number: z.string(),
  customerName: z.string().optional(),
  /** How the call ended: tells "the caller gave up" from "declined" for a call never answered. */
  endCause: CallEndCause.optional(),
  startedAt: z.number(),
  answeredAt: z.number().optional(),
  endedAt: z.number(),
  /** When the review was made (the call's end, as the desk saw it). */
  reviewedAt: z.number(),
  /** Inbound calls that were answered: from the first ring to the answer. */
  timeToAnswerMs: z.number().int().min(0).optional(),
  /** The call's phases in the script's order; empty for a call never answered (no conversation). */
  phases: z.array(z.object({ id: PhaseId, result: PracticePhaseResult })),
  /** Required checklist items left unticked in the phases held against the trainee (`missed`). */
  requiredOpen: z.array(z.object({ phase: PhaseId, item: z.string() })),
  hold: z.object({
    count: z.number().int().min(0),
    totalMs: z.number().int().min(0),
    longestMs: z.number().int().min(0),
    /** The reminder time the review judged against (`guidance.holdReminderSeconds`). */
    reminderMs: z.number().int().min(0),
    /** Holds that ran past the reminder. */
    overReminder: z.number().int().min(0),
    /**
     * True when holds ran past the reminder and the agent went back to the caller after each of
     * them; false when none did, or when the call ended with the caller still waiting past it.
     */
    resumedAfterReminder: z.boolean(),
  }),
  procedures: z.object({
    /** When the abusive caller was first given the explicit warning. */
    abusiveWarnedAt: z.number().optional(),
    /** The procedure the call was ended under (abusive, nuisance). */
    endedUnder: ProcedureId.optional(),
  }),
  wrapUp: z.object({
    saved: z.boolean(),
    savedAt: z.number().optional(),
    /** From the hang-up to the save. */
    secondsToSave: z.number().int().min(0).optional(),
    /** Saved, and every field of `WRAPUP_FIELDS` has content. */
    complete: z.boolean(),
    /** The fields of a saved wrap-up left empty (the line's required ones cannot be). */
    emptyFields: z.array(z.enum(WRAPUP_FIELDS)),
  }),
  findings: z.array(PracticeFinding),
});
export type PracticeReview = z.infer<typeof PracticeReview>;

/** Totals over the practice calls of the run. */
export const PracticeSummary = z.object({
  calls: z.number().int().min(0),
  answered: z.number().int().min(0),
  averageTimeToAnswerMs: z.number().int().min(0).optional(),
  phasesDone: z.number().int().min(0),
  phasesMissed: z.number().int().min(0),
  requiredOpen: z.number().int().min(0),
  holdsOverReminder: z.number().int().min(0),
  wrapUpsComplete: z.number().int().min(0),
  wrapUpsSaved: z.number().int().min(0),
  /** The phase missed in the most calls (ties: the one earlier in a call). */
  mostMissedPhase: PhaseId.optional(),
});
export type PracticeSummary = z.infer<typeof PracticeSummary>;

export const PracticeView = z.object({
  enabled: z.boolean(),
  /** Newest first. */
  reviews: z.array(PracticeReview),
  summary: PracticeSummary,
});
export type PracticeView = z.infer<typeof PracticeView>;
