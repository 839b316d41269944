import { z } from 'zod';

/**
 * After-call work: the record of a call (the wrap-up), the callbacks that keep promises made on
 * the phone, and what the desk needs to show them. The form's schema is here so that the renderer's
 * form (react-hook-form) and the core validate with the same rules. Times are epoch milliseconds.
 */

/** The fields a line may require in its wrap-up (on top of the disposition, always required). */
export const WRAPUP_FIELDS = ['reason', 'summary', 'steps', 'resolved', 'satisfaction'] as const;
export type WrapUpField = (typeof WRAPUP_FIELDS)[number];

export const COMPLAINT_SEVERITIES = ['low', 'medium', 'high'] as const;

/**
 * The form as typed: flat, every field present (strings for what the agent types or picks), so a
 * draft can be half-filled. `callbackDate`/`callbackTime` are the agent's local date and time.
 */
export const WrapUpDraft = z.object({
  reason: z.string().max(200),
  disposition: z.string().max(64),
  /** "yes" / "no" / "" (not answered yet): a radio group. */
  resolved: z.enum(['', 'yes', 'no']),
  summary: z.string().max(8000),
  steps: z.string().max(4000),
  complaint: z.boolean(),
  complaintCategory: z.string().max(100),
  complaintSeverity: z.enum(['', ...COMPLAINT_SEVERITIES]),
  callback: z.boolean(),
  callbackDate: z.string().max(10),
  callbackTime: z.string().max(5),
  callbackNumber: z.string().max(40),
  callbackNote: z.string().max(500),
  /** 1–5 when the customer was asked, "" when not. */
  satisfaction: z.enum(['', '1', '2', '3', '4', '5']),
});
export type WrapUpDraft = z.infer<typeof WrapUpDraft>;

export const EMPTY_WRAPUP: WrapUpDraft = {
  reason: '',
  disposition: '',
  resolved: '',
  summary: '',
  steps: '',
  complaint: false,
  complaintCategory: '',
  complaintSeverity: '',
  callback: false,
  callbackDate: '',
  callbackTime: '',
  callbackNumber: '',
  callbackNote: '',
  satisfaction: '',
};

/** What a line asks of its wrap-ups: the dispositions to choose from and the fields required. */
export const WrapUpRules = z.object({
  dispositions: z.array(z.object({ code: z.string(), label: z.string() })),
  required: z.array(z.enum(WRAPUP_FIELDS)),
});
export type WrapUpRules = z.infer<typeof WrapUpRules>;

/**
 * The rules a submitted wrap-up must meet: a disposition from the line's list, the line's required
 * fields, a complete complaint when there is one, a callback with a valid future date, time and
 * number. Error messages are keys of the UI's translations (`wrapup.invalid.*`).
 */
export function wrapUpSchema(rules: WrapUpRules, now: () => number = Date.now) {
  return WrapUpDraft.superRefine((draft, ctx) => {
    const issue = (path: keyof WrapUpDraft, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (!draft.disposition) issue('disposition', 'wrapup.invalid.required');
    else if (rules.dispositions.length > 0 && !rules.dispositions.some((d) => d.code === draft.disposition))
      issue('disposition', 'wrapup.invalid.disposition');
    for (const field of rules.required) if (!String(draft[field]).trim()) issue(field, 'wrapup.invalid.required');
    if (draft.complaint) {
      if (!draft.complaintCategory.trim()) issue('complaintCategory', 'wrapup.invalid.required');
      if (!draft.complaintSeverity) issue('complaintSeverity', 'wrapup.invalid.required');
    }
    if (draft.callback) {
      const due = localDateTime(draft.callbackDate, draft.callbackTime);
      if (!/^\d{4}-\d{2}-\d{2}$/.test(draft.callbackDate)) issue('callbackDate', 'wrapup.invalid.date');
      if (!/^\d{2}:\d{2}$/.test(draft.callbackTime)) issue('callbackTime', 'wrapup.invalid.time');
      else if (due === undefined) issue('callbackDate', 'wrapup.invalid.date');
      else if (due <= now()) issue('callbackTime', 'wrapup.invalid.past');
      if (!/^[+0-9 ()./-]{3,40}$/.test(draft.callbackNumber.trim())) issue('callbackNumber', 'wrapup.invalid.number');
    }
  });
}

/** A local date ("2026-11-26") and time ("14:30") as epoch ms in the desk's time zone. */
export function localDateTime(date: string, time: string): number | undefined {
  const [y, m, d] = date.split('-').map(Number);
  const [hh, mm] = time.split(':').map(Number);
  if (![y, m, d, hh, mm].every((n) => Number.isInteger(n))) return undefined;
  const at = new Date(y!, m! - 1, d!, hh!, mm!);
  // new Date rolls over (Feb 30 → Mar 2; 25:00 → the next day): such a date is not one.
  if (at.getFullYear() !== y || at.getMonth() !== m! - 1 || at.getDate() !== d || at.getHours() !== hh)
    return undefined;
  return at.getTime();
}

/** A call waiting for its wrap-up, and the form as the agent left it. */
export const WrapUpView = z.object({
  callId: z.string(),
  direction: z.enum(['in', 'out']),
  number: z.string(),
  displayName: z.string().optional(),
  customerId: z.number().int().optional(),
  customerName: z.string().optional(),
  service: z.string().optional(),
  callStartedAt: z.number(),
  callEndedAt: z.number(),
  /** When the wrap-up began (the hang-up) and when its time runs out, if there is a limit. */
  startedAt: z.number(),
  dueAt: z.number().optional(),
  draft: WrapUpDraft,
  /** When the draft was last kept on disk (it survives a crash or a restart from then on). */
  draftSavedAt: z.number().optional(),
  rules: WrapUpRules,
  /** What the call's guidance and handover wrote, for reference beside the form. */
  trailSummary: z.array(z.string()),
});
export type WrapUpView = z.infer<typeof WrapUpView>;

export const CallbackStatus = z.enum(['open', 'done', 'failed', 'cancelled']);
export type CallbackStatus = z.infer<typeof CallbackStatus>;

/** A promise to call back. */
export const Callback = z.object({
  id: z.string(),
  number: z.string(),
  customerId: z.number().int().optional(),
  customerName: z.string().optional(),
  dueAt: z.number(),
  /** The customer's time zone (IANA) when known, to show their local time. */
  timeZone: z.string().optional(),
  note: z.string(),
  status: CallbackStatus,
  attempts: z.number().int().min(0),
  lastAttemptAt: z.number().optional(),
  source: z.enum(['wrapup', 'outbound', 'card']),
  createdAt: z.number(),
});
export type Callback = z.infer<typeof Callback>;

/** The callbacks still open (due first), and those whose reminder is showing. */
export const CallbacksView = z.object({
  open: z.array(Callback),
  /** Ids of open callbacks whose reminder time has come. */
  reminding: z.array(z.string()),
});
export type CallbacksView = z.infer<typeof CallbacksView>;

/** The agent's own figures over a period (today, this week), from the desk's own database. */
export const AgentFigures = z.object({
  period: z.enum(['today', 'week']),
  /** The period's local start and end (end exclusive; "today" ends at the next local midnight). */
  from: z.number(),
  to: z.number(),
  calls: z.object({
    /** Answered incoming calls, and outgoing calls that were answered. */
    in: z.number().int(),
    out: z.number().int(),
    /** Incoming calls the agent did not take (gave up while ringing, declined while not available). */
    missed: z.number().int(),
  }),
  /** Averages over the answered calls, in milliseconds; null without any. */
  averages: z.object({
    talkMs: z.number().nullable(),
    holdMs: z.number().nullable(),
    wrapUpMs: z.number().nullable(),
    /** Talk (hold included) plus wrap-up: the average handling time. */
    handlingMs: z.number().nullable(),
  }),
  /** Share of wrap-ups marked resolved on first contact among those that said yes or no; null without any. */
  firstContactResolution: z.number().nullable(),
  callbacks: z.object({ done: z.number().int(), due: z.number().int() }),
  /** Time in each state within the period (up to now for the current one). */
  stateMs: z.record(z.string(), z.number()),
  /** The states one after the other, clipped to the period. */
  timeline: z.array(z.object({ state: z.string(), reason: z.string().optional(), from: z.number(), to: z.number() })),
  /** Answered calls per hour of the day (today) or per day (this week), for the chart. */
  buckets: z.array(z.object({ from: z.number(), label: z.string(), in: z.number().int(), out: z.number().int() })),
});
export type AgentFigures = z.infer<typeof AgentFigures>;

/** What came of an outbound list entry's call. `not-now` makes a callback at the agreed time. */
export const OutboundOutcome = z.enum(['reached', 'no-answer', 'not-now', 'wrong-number', 'declined']);
export type OutboundOutcome = z.infer<typeof OutboundOutcome>;

export const OutboundEntry = z.object({
  id: z.number().int(),
  position: z.number().int(),
  number: z.string(),
  name: z.string().optional(),
  customerId: z.number().int().optional(),
  note: z.string(),
  /** `pending` until an outcome is recorded; `calling` while its call is being made. */
  status: z.enum(['pending', 'calling', 'done']),
  outcome: OutboundOutcome.optional(),
  attempts: z.number().int(),
  lastAttemptAt: z.number().optional(),
});
export type OutboundEntry = z.infer<typeof OutboundEntry>;

/** An outbound list (a campaign) worked in order. */
export const OutboundList = z.object({
  id: z.number().int(),
  name: z.string(),
  importedAt: z.number(),
  /** A file the agent imported (theirs to remove), or a list the CRM gave (the CRM removes it). */
  source: z.enum(['file', 'crm']),
  entries: z.array(OutboundEntry),
});
export type OutboundList = z.infer<typeof OutboundList>;
