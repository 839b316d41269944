import { z } from 'zod';

/**
 * A call as the agent sees it. `dialling` until the far end rings, `ringing-out` while it rings
 * (or plays early media), `ringing-in` while ours rings, `active` once answered, `ended` with a
 * cause. Hold is a separate pair of flags: held by us, held by them, or both.
 */
export const CallState = z.enum(['dialling', 'ringing-out', 'ringing-in', 'active', 'ended']);
export type CallState = z.infer<typeof CallState>;

export const CallEndCause = z.enum([
  /** The agent hung up. */
  'local-hangup',
  /** The other party hung up. */
  'remote-hangup',
  /** The agent declined a ringing call. */
  'declined',
  /** The agent cancelled an outgoing call before it was answered. */
  'cancelled',
  /** The caller gave up before the agent answered. */
  'missed',
  /** The called party is busy. */
  'busy',
  /** Nobody answered in time. */
  'no-answer',
  /** The called party refused the call. */
  'rejected',
  /** The number or address does not exist. */
  'not-found',
  /** The called party is not reachable now (not registered, offline). */
  'unavailable',
  /** The connection to the phone server was lost. */
  'network',
  /** The audio could not be set up (no microphone, the media engine did not answer). */
  'media-failed',
  /** Any other failure; `code` and `phrase` say what the server answered. */
  'failed',
]);
export type CallEndCause = z.infer<typeof CallEndCause>;

export const CallParty = z.object({
  /** What to show: a number (E.164 where it is one) or the user part of the SIP address. */
  number: z.string(),
  displayName: z.string().optional(),
  uri: z.string(),
});
export type CallParty = z.infer<typeof CallParty>;

export const Call = z.object({
  id: z.string(),
  direction: z.enum(['in', 'out']),
  state: CallState,
  remote: CallParty,
  /** Epoch milliseconds. */
  startedAt: z.number(),
  answeredAt: z.number().optional(),
  endedAt: z.number().optional(),
  hold: z.object({ local: z.boolean(), remote: z.boolean() }),
  muted: z.boolean(),
  end: z
    .object({
      cause: CallEndCause,
      code: z.number().int().optional(),
      phrase: z.string().optional(),
      detail: z.string().optional(),
    })
    .optional(),
});
export type Call = z.infer<typeof Call>;
