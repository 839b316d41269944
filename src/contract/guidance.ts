import { z } from 'zod';

/**
 * Live call guidance: the phases of a call with what to say and what to check in each, the hold
 * etiquette, the procedures for hard moments, and the trail of what was done and when (kept with
 * the interaction). The core's engine (src/guidance/) follows the call by itself; the agent can
 * also move and tick by hand. Times are epoch milliseconds.
 */

/** The phases of an inbound call, in order. */
export const INBOUND_PHASES = [
  'prepare',
  'welcome',
  'identify',
  'understand',
  'handle',
  'summarise',
  'leave',
  'close',
] as const;
/** The phases of an outbound call (a callback, a campaign call), in order. */
export const OUTBOUND_PHASES = [
  'prepare',
  'introduce',
  'check-time',
  'purpose',
  'handle',
  'summarise',
  'leave',
  'close',
] as const;
export const PhaseId = z.enum([
  'prepare',
  'welcome',
  'identify',
  'understand',
  'handle',
  'summarise',
  'leave',
  'close',
  'introduce',
  'check-time',
  'purpose',
]);
export type PhaseId = z.infer<typeof PhaseId>;

/** The procedures for moments the normal flow does not cover. */
export const ProcedureId = z.enum(['escalate', 'abusive', 'nuisance', 'unidentified']);
export type ProcedureId = z.infer<typeof ProcedureId>;

/**
 * One line to say, its variables filled in. A variable the call or the record does not have is
 * shown as "…" and named in `missing` (e.g. "customer.firstName"), for the UI to mark the gap.
 */
export const GuidanceLine = z.object({ text: z.string(), missing: z.array(z.string()) });
export type GuidanceLine = z.infer<typeof GuidanceLine>;

export const ChecklistItem = z.object({
  /** Unique within its phase, e.g. "dateOfBirth", "anything-else". */
  id: z.string(),
  text: z.string(),
  /** By the script or by the line's configuration: left open, it shows as missed in the trail. */
  required: z.boolean(),
  done: z.boolean(),
  doneAt: z.number().optional(),
});
export type ChecklistItem = z.infer<typeof ChecklistItem>;

export const PhaseStatus = z.enum(['upcoming', 'current', 'done', 'skipped']);
export type PhaseStatus = z.infer<typeof PhaseStatus>;

export const GuidancePhase = z.object({
  id: PhaseId,
  title: z.string(),
  /** What the agent may say, in the script's language. */
  say: z.array(GuidanceLine),
  /** Advice for the agent (not to be read out). */
  tips: z.array(z.string()),
  checklist: z.array(ChecklistItem),
  status: PhaseStatus,
  enteredAt: z.number().optional(),
});
export type GuidancePhase = z.infer<typeof GuidancePhase>;

/**
 * Who or what moved the guidance: the call itself (an event), the clock (a phase's time ran out),
 * or the agent by hand.
 */
export const TrailBy = z.enum(['call', 'time', 'agent']);
export type TrailBy = z.infer<typeof TrailBy>;

export const TrailEntry = z.object({
  at: z.number(),
  kind: z.enum([
    'phase',
    'tick',
    'untick',
    'hold',
    'resume',
    'hold-reminder',
    'transfer',
    'procedure',
    'knowledge',
    'customer',
    'ended',
  ]),
  by: TrailBy,
  phase: PhaseId.optional(),
  /** A checklist item, a procedure step ("abusive.warned"), a knowledge snippet's id. */
  item: z.string().optional(),
  /** A few plain words: a hold's length, an end cause. */
  detail: z.string().optional(),
});
export type TrailEntry = z.infer<typeof TrailEntry>;

export const ProcedureView = z.object({
  id: ProcedureId,
  title: z.string(),
  say: z.array(GuidanceLine),
  tips: z.array(z.string()),
  /** The agent opened it for this call. */
  open: z.boolean(),
  /** Abusive caller: when the one explicit warning was given; ending the call is allowed after it. */
  warnedAt: z.number().optional(),
  /** The call may be ended under this procedure now (abusive: after the warning; nuisance: always). */
  canEnd: z.boolean(),
});
export type ProcedureView = z.infer<typeof ProcedureView>;

/** The call is on hold (by us): since when, when to go back, what to say then. */
export const HoldGuidance = z.object({
  since: z.number(),
  reminderAt: z.number(),
  /** The reminder time has passed: go back to the caller (or tell them it takes longer). */
  overdue: z.boolean(),
  say: z.array(GuidanceLine),
});
export type HoldGuidance = z.infer<typeof HoldGuidance>;

/** What the script says to do in the current moment. */
export const GuidanceView = z.object({
  callId: z.string(),
  direction: z.enum(['in', 'out']),
  script: z.object({
    id: z.string(),
    name: z.string(),
    /** BCP 47, e.g. "it". */
    language: z.string(),
    version: z.number().int(),
    source: z.enum(['shipped', 'folder', 'crm']),
  }),
  current: PhaseId,
  phases: z.array(GuidancePhase),
  /** What to say before putting the caller on hold: ask their permission, give the reason. */
  holdAsk: z.array(GuidanceLine),
  hold: HoldGuidance.optional(),
  /** Just back from a hold: thank the caller for waiting (shown for a short while). */
  thanks: z.array(GuidanceLine).optional(),
  procedures: z.array(ProcedureView),
  /** The agent's notes on the call (knowledge snippets go here too): the summary the wrap-up starts from. */
  notes: z.string(),
  trail: z.array(TrailEntry),
  /** Required checklist items left open in phases already passed. */
  requiredOpen: z.array(z.object({ phase: PhaseId, item: z.string(), text: z.string() })),
  ended: z.boolean(),
  /** Outbound: when the person said it was not a good time (a callback is to be agreed). */
  notNowAt: z.number().optional(),
});
export type GuidanceView = z.infer<typeof GuidanceView>;

/** What is kept with the interaction: enough for the wrap-up and for a quality review. */
export const GuidanceRecord = z.object({
  scriptId: z.string(),
  scriptVersion: z.number().int(),
  language: z.string(),
  phases: z.array(
    z.object({
      id: PhaseId,
      status: PhaseStatus,
      enteredAt: z.number().optional(),
      done: z.array(z.string()),
      requiredOpen: z.array(z.string()),
    }),
  ),
  trail: z.array(TrailEntry),
  notes: z.string().optional(),
  /** Outbound: the person had no time; the wrap-up offers a callback. */
  notNow: z.boolean().optional(),
  /** Set when the call was ended under a procedure (an abusive or nuisance caller). */
  endedUnder: ProcedureId.optional(),
  /** Total time on hold, and the longest single hold, in milliseconds. */
  holdMs: z.number().int().min(0),
  longestHoldMs: z.number().int().min(0),
});
export type GuidanceRecord = z.infer<typeof GuidanceRecord>;

/** A script file the desk could not use, and where in it the problem is. */
export const ScriptProblem = z.object({
  /** The file's path, or "crm:<id>" for a script from the CRM. */
  source: z.string(),
  line: z.number().int().optional(),
  column: z.number().int().optional(),
  /** e.g. "phases[2].checklist[0].id". */
  path: z.string().optional(),
  message: z.string(),
});
export type ScriptProblem = z.infer<typeof ScriptProblem>;

/** The scripts the desk has, and the problems with those it could not load. */
export const ScriptsStatus = z.object({
  scripts: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      scriptSet: z.string(),
      language: z.string(),
      source: z.enum(['shipped', 'folder', 'crm']),
    }),
  ),
  problems: z.array(ScriptProblem),
});
export type ScriptsStatus = z.infer<typeof ScriptsStatus>;

/** A knowledge snippet found by words, for the call notes. */
export const KnowledgeSnippet = z.object({
  id: z.string(),
  title: z.string(),
  body: z.string(),
  tags: z.array(z.string()),
  language: z.string().optional(),
});
export type KnowledgeSnippet = z.infer<typeof KnowledgeSnippet>;
