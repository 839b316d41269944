import { z } from 'zod';

/**
 * What the customer cache shows the agent: who is calling (a summary per matching customer while
 * the call rings), the card of the chosen customer, the service the call came in for. Times are
 * epoch milliseconds, numbers E.164.
 */

export const CustomerSummary = z.object({
  id: z.number().int(),
  title: z.string().optional(),
  givenName: z.string().optional(),
  familyName: z.string().optional(),
  company: z.string().optional(),
  /** The customer's language (BCP 47), for the greeting and the script. */
  language: z.string().optional(),
  accountNumber: z.string().optional(),
  /** e.g. "vip". */
  flags: z.array(z.string()),
  /** The label of the number that matched the caller ("mobile", "office"), in a lookup. */
  phoneLabel: z.string().optional(),
  lastContactAt: z.number().optional(),
  openCases: z.number().int().min(0),
});
export type CustomerSummary = z.infer<typeof CustomerSummary>;

/** "Giulia Bianchi", else the company: how the wrap-up and the practice review name a customer. */
export function customerFullName(customer: {
  givenName?: string;
  familyName?: string;
  company?: string;
}): string | undefined {
  return [customer.givenName, customer.familyName].filter(Boolean).join(' ') || customer.company || undefined;
}

/**
 * Who a ringing call is from. `withheld`: the caller hid the number; `none`: not in the cache
 * (`number` as best read, E.164 when it is one); `one`, or `many` sharing the number (a family, a
 * switchboard), the agent choosing, most recently in contact first.
 */
export const NumberLookup = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('withheld') }),
  z.object({ kind: z.literal('none'), number: z.string() }),
  z.object({ kind: z.literal('one'), matches: z.array(CustomerSummary).length(1) }),
  z.object({ kind: z.literal('many'), matches: z.array(CustomerSummary).min(2) }),
]);
export type NumberLookup = z.infer<typeof NumberLookup>;

export const CustomerPhone = z.object({ e164: z.string(), label: z.string().optional() });
export type CustomerPhone = z.infer<typeof CustomerPhone>;

export const CustomerCase = z.object({
  id: z.number().int(),
  subject: z.string(),
  category: z.string().optional(),
  status: z.string(),
  open: z.boolean(),
  openedAt: z.number(),
  updatedAt: z.number(),
});
export type CustomerCase = z.infer<typeof CustomerCase>;

export const InteractionChannel = z.enum(['call', 'email', 'chat', 'sms', 'letter', 'visit', 'other']);
export type InteractionChannel = z.infer<typeof InteractionChannel>;

export const CustomerInteraction = z.object({
  id: z.number().int(),
  caseId: z.number().int().optional(),
  channel: InteractionChannel,
  direction: z.enum(['in', 'out']),
  startedAt: z.number(),
  endedAt: z.number().optional(),
  outcome: z.string().optional(),
  summary: z.string().optional(),
});
export type CustomerInteraction = z.infer<typeof CustomerInteraction>;

/** Everything the agent sees of one customer: open cases first, then the latest closed ones. */
export const CustomerCard = z.object({
  customer: CustomerSummary.omit({ phoneLabel: true }).extend({
    emails: z.array(z.string()),
    notes: z.string().optional(),
    /** What the agent may ask to make sure the caller is the customer. */
    identification: z.object({
      dateOfBirth: z.string().optional(),
      postcode: z.string().optional(),
      customerCode: z.string().optional(),
    }),
    phones: z.array(CustomerPhone),
  }),
  cases: z.array(CustomerCase),
  /** Newest first. */
  interactions: z.array(CustomerInteraction),
});
export type CustomerCard = z.infer<typeof CustomerCard>;

/** The service a call came in for, from the number or queue it was made to. */
export const ServiceLine = z.object({
  called: z.string(),
  serviceName: z.string(),
  scriptSet: z.string().optional(),
  language: z.string().optional(),
  /** Checklist items the line requires in the guidance, as "phase.item" (e.g. "identify.postcode"). */
  requiredChecks: z.array(z.string()).optional(),
});
export type ServiceLine = z.infer<typeof ServiceLine>;

/**
 * The record on screen for a call, from the moment it rings (or is dialled) until the next call:
 * who the number belongs to, the record the call is linked to (the only match, the one the agent
 * chose from several, one just created, or another the agent re-linked it to), and the service.
 */
export const ScreenPop = z.object({
  callId: z.string(),
  /** What the number said when the call started. */
  lookup: NumberLookup,
  /** The record the call belongs to, once there is one. */
  card: CustomerCard.optional(),
  /** How the link came about: the number matched, the agent chose or created it. */
  linkedBy: z.enum(['number', 'agent', 'created']).optional(),
  line: ServiceLine.optional(),
  /** The cache could not be read for this call (see the cache status). */
  unavailable: z.boolean().optional(),
});
export type ScreenPop = z.infer<typeof ScreenPop>;

const text = (max: number) => z.string().trim().max(max);
const optionalText = (max: number) => text(max).optional();

/** A number as the agent types it, with its label ("mobile", "office"). */
export const PhoneDraft = z.object({ number: text(40).min(3), label: optionalText(40) });
export type PhoneDraft = z.infer<typeof PhoneDraft>;

/**
 * A customer as the agent writes it at the desk: a new one (from an unknown caller) or corrections
 * to one in the cache. Kept locally at once; the CRM sync takes it from there.
 */
export const CustomerDraft = z.object({
  title: optionalText(40),
  givenName: optionalText(100),
  familyName: optionalText(100),
  company: optionalText(200),
  language: optionalText(35),
  accountNumber: optionalText(64),
  emails: z.array(z.email().max(254)).max(10).optional(),
  phones: z.array(PhoneDraft).max(10).optional(),
  notes: optionalText(4000),
  identification: z
    .object({ dateOfBirth: optionalText(32), postcode: optionalText(16), customerCode: optionalText(64) })
    .optional(),
});
export type CustomerDraft = z.infer<typeof CustomerDraft>;

/** A new customer needs at least a name or a company to be found again. */
export const NewCustomer = CustomerDraft.refine(
  (draft) => Boolean(draft.givenName || draft.familyName || draft.company),
  {
    message: 'a name or a company is needed',
    path: ['familyName'],
  },
);

/** A bulk import of customers in progress or just finished (from the UI or `npm run import`). */
export const CustomerImportStatus = z.object({
  fileName: z.string(),
  state: z.enum(['running', 'done', 'failed']),
  rowsRead: z.number().int().min(0),
  imported: z.number().int().min(0),
  rejected: z.number().int().min(0),
  /** The first rejected rows: line number in the file and why, in plain words. */
  rejections: z.array(z.object({ line: z.number().int(), reason: z.string() })),
  /** Why the whole import failed (nothing was imported). */
  problem: z.string().optional(),
});
export type CustomerImportStatus = z.infer<typeof CustomerImportStatus>;

/** The local customer cache as the agent and IT see it. */
export const CustomerCacheStatus = z.object({
  state: z.enum(['ready', 'unavailable']),
  customers: z.number().int().min(0),
  /** Why the cache cannot be used, in plain words (a file from a newer version, a damaged file). */
  problem: z.string().optional(),
  /** Customer records created or corrected at this desk and not yet taken by the CRM sync. */
  pendingChanges: z.number().int().min(0),
  import: CustomerImportStatus.optional(),
});
export type CustomerCacheStatus = z.infer<typeof CustomerCacheStatus>;
