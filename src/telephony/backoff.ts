export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

/**
 * Short on purpose: an agent's line must be back within seconds of the server (RFC 5626 suggests
 * 30 s and more, for fleets of idle phones). The 50–100% jitter still spreads a restart's
 * reconnections, and a server under load can ask for more with Retry-After.
 */
export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, maxMs: 4_000 };

/**
 * Delay before the next try after `failures` consecutive failures (1 = first failure), after
 * RFC 5626 §4.5: a random 50–100% of min(max, base·2^(failures−1)), so that hundreds of desks
 * that lost the server at the same moment do not all come back at the same moment.
 */
export function backoffDelay(
  failures: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, failures - 1);
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(exponent, 30));
  return Math.round(ceiling * (0.5 + 0.5 * random()));
}
