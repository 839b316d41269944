import { z } from 'zod';

/**
 * What the desk shows of the CRM sync: when it last pulled, what waits to be pushed, the problems
 * the agent has to decide on, and the progress of a first sync. Times are epoch milliseconds.
 */

/** One field of a change the CRM did not take as it is: the agent's value and the CRM's. */
export const SyncFieldDiff = z.object({
  /** e.g. "emails", "identification.postcode". */
  field: z.string(),
  mine: z.unknown().optional(),
  theirs: z.unknown().optional(),
});
export type SyncFieldDiff = z.infer<typeof SyncFieldDiff>;

/**
 * A change written at the desk that the CRM did not apply and that will not go by itself:
 * `conflict` (someone changed the record in the CRM since; both versions are shown and the agent
 * chooses) or `rejected` (the CRM refuses it as it is; the agent fixes it or drops it).
 */
export const SyncProblem = z.object({
  mutationId: z.string(),
  type: z.enum(['conflict', 'rejected']),
  /** e.g. "customer.update". */
  kind: z.string(),
  /** The customer it is about, in the local cache, when there is one. */
  customerId: z.number().int().optional(),
  /** Who it is about, for the list (a customer's name). */
  label: z.string().optional(),
  createdAt: z.number(),
  /** The CRM's words (a rejection), or a code the UI words (`conflict`). */
  message: z.string().optional(),
  code: z.string().optional(),
  /** The fields the change touches, with the CRM's current value where it sent one. */
  fields: z.array(SyncFieldDiff),
});
export type SyncProblem = z.infer<typeof SyncProblem>;

/** A first (or full) pull in progress: how much is in, how fast, how long still. */
export const SyncProgress = z.object({
  received: z.number().int().min(0),
  /** The CRM's estimate of the total, when it gives one. */
  total: z.number().int().min(0).optional(),
  perSecond: z.number().min(0),
  secondsLeft: z.number().min(0).optional(),
});
export type SyncProgress = z.infer<typeof SyncProgress>;

export const SyncStatus = z.object({
  /**
   * `off`: no CRM configured. `connecting`: starting. `syncing`: pulling or pushing now. `idle`: up
   * to date. `offline`: the CRM cannot be reached (the desk works on; changes wait). `failing`: the
   * CRM refuses the desk (token) or answers nonsense; `error` says why.
   */
  state: z.enum(['off', 'connecting', 'syncing', 'idle', 'offline', 'failing']),
  /** The CRM's address without credentials, for "synced with …". */
  server: z.string().optional(),
  lastPullAt: z.number().optional(),
  lastPushAt: z.number().optional(),
  /** Changes written at the desk and not yet taken by the CRM (problems included). */
  pending: z.number().int().min(0),
  problems: z.array(SyncProblem),
  /** A pull that started from the beginning (the first sync) and is still running. */
  firstSync: SyncProgress.optional(),
  error: z
    .object({
      code: z.enum([
        'unreachable',
        'unauthorized',
        'server',
        'protocol',
        'no-token',
        'database',
        'insecure-url',
        'practice-crm',
      ]),
      message: z.string(),
      /** When the next try comes (epoch ms), for "retrying in 20 s". */
      retryAt: z.number().optional(),
    })
    .optional(),
});
export type SyncStatus = z.infer<typeof SyncStatus>;

export const SYNC_OFF: SyncStatus = { state: 'off', pending: 0, problems: [] };
