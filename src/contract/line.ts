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
