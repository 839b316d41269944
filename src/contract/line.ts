import { z } from 'zod';

/**
 * Why the line is not registered. The UI turns each reason into plain words; `code` and
 * `phrase` carry the server's answer for the technical detail one click away.
 */
export const LineFailureReason = z.enum([
  'not-configured',
  'missing-password',
  'wrong-credentials',
  'unknown-user',
  'unreachable',
  'timeout',
  'tls',
  'rejected',
  /** The connection was up and broke (reset, or the server stopped answering keepalives). */
  'connection-lost',
]);
export type LineFailureReason = z.infer<typeof LineFailureReason>;

export const LineState = z.discriminatedUnion('status', [
  z.object({ status: z.literal('unregistered') }),
  z.object({
    status: z.literal('registering'),
    server: z.string(),
    attempt: z.number().int().nonnegative(),
  }),
  z.object({
    status: z.literal('registered'),
    server: z.string(),
    aor: z.string(),
    /** Epoch milliseconds. */
    since: z.number(),
    expiresInSeconds: z.number().int().nonnegative(),
  }),
  z.object({
    status: z.literal('failed'),
    reason: LineFailureReason,
    server: z.string().optional(),
    code: z.number().int().optional(),
    phrase: z.string().optional(),
    detail: z.string().optional(),
    attempt: z.number().int().nonnegative(),
    /** Epoch milliseconds of the next automatic try, when one is planned. */
    retryAt: z.number().optional(),
  }),
]);
export type LineState = z.infer<typeof LineState>;

/** What the line has been through: for the agent's line-health panel and the team lead. */
export const LineHealth = z.object({
  /** Epoch ms since the line has been registered without a break; absent while it is not. */
  registeredSince: z.number().optional(),
  /** The server in use (or last tried). */
  server: z.string().optional(),
  /** The line was on the secondary server. */
  onSecondary: z.boolean(),
  /** Each time today the line broke and came back, newest first (at most 50). */
  reconnects: z.array(
    z.object({ at: z.number(), reason: LineFailureReason, detail: z.string().optional(), downMs: z.number() }),
  ),
  lastFailure: z
    .object({
      at: z.number(),
      reason: LineFailureReason,
      code: z.number().int().optional(),
      phrase: z.string().optional(),
      detail: z.string().optional(),
    })
    .optional(),
});
export type LineHealth = z.infer<typeof LineHealth>;
