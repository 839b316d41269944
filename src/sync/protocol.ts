import { z } from 'zod';
import { GuidanceRecord } from '../contract/guidance.js';
import { OutboundOutcome } from '../contract/wrapup.js';

/**
 * The CRM sync protocol, version 1 (docs/sync-protocol.md explains it): the wire shapes both the
 * client's HTTP connector and the reference CRM (tools/crm) read and write. Times are epoch ms.
 */

export const PROTOCOL_PATH = '/sync/v1';
export const MAX_PULL_LIMIT = 2000;
export const DEFAULT_PULL_LIMIT = 500;
export const MAX_MUTATIONS_PER_REQUEST = 200;

export const RECORD_KINDS = [
  'customer',
  'case',
  'interaction',
  'line',
  'script',
  'disposition',
  'knowledge',
  'callback',
  'wrapup',
  'outboundList',
  'outboundOutcome',
] as const;
export const RecordKind = z.enum(RECORD_KINDS);
export type RecordKind = z.infer<typeof RecordKind>;

const id = z.string().min(1).max(200);
const text = (max: number) => z.string().max(max);

const customerFields = {
  title: text(40),
  givenName: text(100),
  familyName: text(100),
  company: text(200),
  language: text(35),
  accountNumber: text(64),
  emails: z.array(text(254)).max(10),
  flags: z.array(text(40)).max(20),
  notes: text(4000),
  identification: z.object({
    dateOfBirth: text(32).optional(),
    postcode: text(16).optional(),
    customerCode: text(64).optional(),
  }),
  phones: z.array(z.object({ number: text(40).min(3), label: text(40).optional() })).max(10),
};

export const CustomerData = z.object({
  ...z.object(customerFields).partial().shape,
  emails: customerFields.emails.default([]),
  flags: customerFields.flags.default([]),
  identification: customerFields.identification.default({}),
  phones: customerFields.phones.default([]),
});
export type CustomerData = z.infer<typeof CustomerData>;

/** A customer.update's fields: only those changed; lists replace, identification merges by key. */
export const CustomerChanges = z.object(customerFields).partial();
export type CustomerChanges = z.infer<typeof CustomerChanges>;

export const CaseData = z.object({
  customerId: id,
  subject: text(500),
  category: text(100).optional(),
  status: text(100),
  open: z.boolean(),
  openedAt: z.number(),
});
export type CaseData = z.infer<typeof CaseData>;

export const InteractionData = z.object({
  customerId: id,
  caseId: id.optional(),
  channel: z.enum(['call', 'email', 'chat', 'sms', 'letter', 'visit', 'other']),
  direction: z.enum(['in', 'out']),
  startedAt: z.number(),
  endedAt: z.number().optional(),
  outcome: text(200).optional(),
  summary: text(8000).optional(),
  /** The call's guidance trail (phases, ticks, holds, procedures): GuidanceRecord in src/contract/guidance.ts. */
  guidance: GuidanceRecord.optional(),
});
export type InteractionData = z.infer<typeof InteractionData>;

export const LineData = z.object({
  called: text(200).min(1),
  serviceName: text(200).min(1),
  scriptSet: text(100).optional(),
  language: text(35).optional(),
  /** Guidance checklist items this line requires, as "phase.item" (e.g. "identify.postcode"). */
  requiredChecks: z.array(text(100)).max(50).optional(),
});
export type LineData = z.infer<typeof LineData>;

export const ScriptData = z.object({ scriptSet: text(100), language: text(35), body: z.unknown() });
export const DispositionData = z.object({
  code: text(64).min(1),
  label: text(200).min(1),
  lines: z.array(text(200)).default([]),
  order: z.number().optional(),
});
export const KnowledgeData = z.object({
  title: text(300),
  body: text(20000),
  tags: z.array(text(60)).default([]),
  language: text(35).optional(),
});

/**
 * An outbound list (a campaign) the CRM gives the desk to work in order. Entries keep their ids
 * across versions: the desk keeps the outcome of an entry it has called when the list changes.
 */
export const OutboundListData = z.object({
  name: text(200).min(1),
  entries: z
    .array(
      z.object({
        id,
        number: text(40).min(3),
        name: text(200).optional(),
        customerId: id.optional(),
        note: text(2000).default(''),
      }),
    )
    .max(10_000),
});
export type OutboundListData = z.infer<typeof OutboundListData>;

/** What the desk sends when the agent records the outcome of a CRM list's entry. */
export const OutboundOutcomeData = z.object({
  listId: id,
  entryId: id,
  outcome: OutboundOutcome,
  attempts: z.number().int().min(0),
  at: z.number(),
  number: text(40),
  customerId: id.optional(),
  /** The callback agreed with a "not now" (its callback.create travels beside it). */
  callbackId: id.optional(),
});
export type OutboundOutcomeData = z.infer<typeof OutboundOutcomeData>;

/** A record as the server sends it; `data` is read per kind by the client (see `readRecordData`). */
export const SyncRecord = z.object({
  kind: z.string().min(1).max(40),
  id,
  version: z.number().int().min(1),
  updatedAt: z.number(),
  deleted: z.boolean().optional(),
  data: z.record(z.string(), z.unknown()).optional(),
});
export type SyncRecord = z.infer<typeof SyncRecord>;

export const PullResponse = z.object({
  changes: z.array(SyncRecord),
  cursor: z.string().min(1).max(1000),
  more: z.boolean(),
  remaining: z.number().int().min(0).optional(),
  serverTime: z.number().optional(),
});
export type PullResponse = z.infer<typeof PullResponse>;

export const MUTATION_KINDS = [
  'customer.create',
  'customer.update',
  'interaction.create',
  'wrapup.create',
  'callback.create',
  'callback.update',
  'outbound.outcome',
] as const;
export const MutationKind = z.enum(MUTATION_KINDS);
export type MutationKind = z.infer<typeof MutationKind>;

export const Mutation = z.object({
  id: z.string().min(1).max(100),
  kind: MutationKind,
  recordId: id,
  baseVersion: z.number().int().min(0).optional(),
  stream: z.string().min(1).max(250),
  seq: z.number().int().min(0),
  createdAt: z.number(),
  data: z.record(z.string(), z.unknown()),
});
export type Mutation = z.infer<typeof Mutation>;

export const PushRequest = z.object({
  /** The desk's id (made once per local database): `seq` is compared only among one origin's mutations. */
  origin: z.string().min(1).max(100),
  mutations: z.array(Mutation).min(1).max(MAX_MUTATIONS_PER_REQUEST),
});
export type PushRequest = z.infer<typeof PushRequest>;

export const REJECTION_CODES = ['invalid', 'not-found', 'gone', 'exists', 'forbidden', 'out-of-order'] as const;

const RecordRef = z.object({ kind: z.string(), id, version: z.number().int().min(1), updatedAt: z.number() });

export const MutationResult = z.discriminatedUnion('status', [
  z.object({ id: z.string(), status: z.literal('applied'), record: RecordRef, replayed: z.boolean().optional() }),
  z.object({ id: z.string(), status: z.literal('conflict'), current: SyncRecord }),
  z.object({
    id: z.string(),
    status: z.literal('rejected'),
    code: z.enum(REJECTION_CODES),
    message: z.string().max(2000),
    fields: z.record(z.string(), z.string()).optional(),
  }),
  z.object({ id: z.string(), status: z.literal('skipped') }),
]);
export type MutationResult = z.infer<typeof MutationResult>;

export const PushResponse = z.object({ results: z.array(MutationResult) });
export type PushResponse = z.infer<typeof PushResponse>;

export const StatusResponse = z.object({ server: z.string(), time: z.number() });
export type StatusResponse = z.infer<typeof StatusResponse>;

/** The data schema of each kind the client stores; kinds not listed are skipped by the client. */
export const RECORD_DATA = {
  customer: CustomerData,
  case: CaseData,
  interaction: InteractionData,
  line: LineData,
  script: ScriptData,
  disposition: DispositionData,
  knowledge: KnowledgeData,
  outboundList: OutboundListData,
} as const;

/** What the server validates a mutation's `data` with, by kind. */
export const MUTATION_DATA = {
  'customer.create': CustomerData.refine((data) => Boolean(data.givenName || data.familyName || data.company), {
    message: 'a name or a company is needed',
    path: ['familyName'],
  }),
  'customer.update': CustomerChanges,
  'interaction.create': InteractionData,
  'wrapup.create': z.looseObject({ customerId: id.optional(), interactionId: id.optional() }),
  'callback.create': z.looseObject({ customerId: id.optional() }),
  'callback.update': z.looseObject({ customerId: id.optional() }),
  'outbound.outcome': OutboundOutcomeData,
} as const;
