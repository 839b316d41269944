export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
  /**
   * A registered connection that breaks after being up `afterUpMs` or longer is retried sooner: the
   * first retry waits a random `minMs`–`maxMs`, and if it fails `backoffDelay` follows from its
   * start. Absent: no quicker retry.
   */
  quickRetryAfterLoss?: { minMs: number; maxMs: number; afterUpMs: number };
}

/**
 * Short on purpose: an agent's line must be back within seconds of the server (RFC 5626 suggests
 * 30 s and more, for fleets of idle phones). The 50–100% jitter still spreads a restart's
 * reconnections, and a server under load can ask for more with Retry-After.
 *
 * A registered connection that breaks is most often a blip (a proxy or NAT dropping one idle
 * connection, a Wi-Fi roam) with the server itself fine: the first retry comes after 200–500 ms, a
 * window wide enough to spread the desks one proxy restart throws off at once. Only for a
 * connection that stayed up 2 s: a server that takes registrations and drops them at once gets the
 * plain backoff, not a retry every few hundred ms from every desk.
 */
export const DEFAULT_BACKOFF: BackoffPolicy = {
  baseMs: 1_000,
  maxMs: 4_000,
  quickRetryAfterLoss: { minMs: 200, maxMs: 500, afterUpMs: 2_000 },
};

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

/**
 * Delay before a line's next try after `failures` consecutive failures. When they began with the
 * loss of a connection that qualifies for the quick retry (`quick`), the first waits in its window
 * and the rest follow `backoffDelay` counted from the second failure: one quick try, then the
 * backoff from its start.
 */
export function retryDelay(
  failures: number,
  quick: boolean,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const window = quick ? policy.quickRetryAfterLoss : undefined;
  if (!window) return backoffDelay(failures, policy, random);
  if (failures <= 1) return Math.round(window.minMs + (window.maxMs - window.minMs) * random());
  return backoffDelay(failures - 1, policy, random);
}
