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
});
export type ServiceLine = z.infer<typeof ServiceLine>;
