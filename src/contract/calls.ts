import { z } from 'zod';
import { GuidanceRecord } from './guidance.js';

/**
 * A call as the agent sees it. `dialling` until the far end rings, `ringing-out` while it rings
 * (we play a ringback tone), `early-media` while the far end plays its own audio before answering
 * (183), `ringing-in` while ours rings, `active` once answered, `ended` with a cause. Hold is a
 * separate pair of flags: held by us, held by them, or both; a transfer is described by `transfer`.
 */
export const CallState = z.enum(['dialling', 'ringing-out', 'early-media', 'ringing-in', 'active', 'ended']);
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
  /** The agent handed the call over to someone else (blind or attended transfer). */
  'transferred',
  /** Another call took this one's place (we were the target of an attended transfer). */
  'replaced',
  /** A second call came in while the agent was busy, and the agent's setting declines those. */
  'auto-declined',
  /** The caller's audio offer has nothing we can play (no common codec, not WebRTC): 488. */
  'incompatible',
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

/**
 * How the call sounds, from the media engine's statistics of the last seconds: an estimated MOS
 * (ITU-T G.107 E-model, 1–4.5), a level for the indicator, and the reason when it is poor.
 */
export const CallQuality = z.object({
  mos: z.number().min(1).max(5),
  level: z.enum(['good', 'fair', 'poor']),
  /** Set when the line degraded: 3 of the last 5 seconds with loss, jitter or delay, or no audio. */
  warning: z.enum(['loss', 'jitter', 'delay', 'no-audio']).optional(),
  jitterMs: z.number().min(0),
  lossPercent: z.number().min(0).max(100),
  rttMs: z.number().min(0).optional(),
});
export type CallQuality = z.infer<typeof CallQuality>;

/** A transfer of this call in progress (or just finished). */
export const CallTransfer = z.object({
  kind: z.enum(['blind', 'attended']),
  /** The number or address the call is handed to. */
  target: z.string(),
  /**
   * `consulting`: the customer waits on hold while the agent talks to the target (attended);
   * `transferring`: the REFER is out and the customer is being connected; `failed`: it did not
   * work and the customer is still with the agent.
   */
  state: z.enum(['consulting', 'transferring', 'failed']),
  /** The consultation call with the target (attended). */
  consultCallId: z.string().optional(),
  /** The server's answer when it failed. */
  code: z.number().int().optional(),
});
export type CallTransfer = z.infer<typeof CallTransfer>;

export const Call = z.object({
  id: z.string(),
  direction: z.enum(['in', 'out']),
  state: CallState,
  remote: CallParty,
  /**
   * Incoming: the number or queue the caller dialled (P-Called-Party-ID, else the To user when it is
   * not the agent's own), which names the service the call is for.
   */
  called: z.string().optional(),
  /** Epoch milliseconds. */
  startedAt: z.number(),
  answeredAt: z.number().optional(),
  endedAt: z.number().optional(),
  hold: z.object({ local: z.boolean(), remote: z.boolean() }),
  muted: z.boolean(),
  /** The PBX asked for this call to be answered automatically, and it was. */
  autoAnswered: z.boolean().optional(),
  /** For a consultation call: the customer call it consults for. */
  consultFor: z.string().optional(),
  transfer: CallTransfer.optional(),
  /** A short note for whoever takes the call over, written during the consultation. */
  handoverNote: z.string().max(2000).optional(),
  /** Once ended: the guidance trail of the call (phases, ticks, holds, procedures, notes). */
  guidance: GuidanceRecord.optional(),
  quality: CallQuality.optional(),
  /** Once ended: how the call sounded over its whole length, for the line-health history. */
  qualitySummary: z
    .object({
      mosAverage: z.number(),
      mosLowest: z.number(),
      warnings: z.array(z.enum(['loss', 'jitter', 'delay', 'no-audio'])),
    })
    .optional(),
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

/** An incoming call the agent did not take: the caller gave up, or it was refused without the agent. */
export function isMissedCall(call: Call): boolean {
  return (
    call.direction === 'in' &&
    !call.answeredAt &&
    ['missed', 'auto-declined', 'media-failed'].includes(call.end?.cause ?? '')
  );
}
