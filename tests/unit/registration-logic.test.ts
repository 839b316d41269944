import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../src/telephony/backoff.js';
import { classifyRegisterResponse, classifyTransportError, needsNewSettings } from '../../src/telephony/failure.js';

const err = (code: string, message = code) => Object.assign(new Error(message), { code });

describe('backoff with jitter', () => {
  const policy = { baseMs: 1000, maxMs: 30_000 };
  it('doubles up to the cap, always between half and all of it', () => {
    for (const [failures, ceiling] of [
      [1, 1000],
      [2, 2000],
      [3, 4000],
      [6, 30_000],
      [40, 30_000],
    ] as const) {
      expect(backoffDelay(failures, policy, () => 0)).toBe(ceiling / 2);
      expect(backoffDelay(failures, policy, () => 1)).toBe(ceiling);
    }
  });
  it('spreads desks that failed together', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(4, policy)));
    expect(delays.size).toBeGreaterThan(10);
  });
});

describe('why registration failed, in the agent’s terms', () => {
  it.each([
    [401, 'wrong-credentials'],
    [403, 'wrong-credentials'],
    [407, 'wrong-credentials'],
    [404, 'unknown-user'],
    [408, 'timeout'],
    [503, 'unreachable'],
    [488, 'rejected'],
  ])('a %i answer means %s', (code, reason) => {
    expect(classifyRegisterResponse(code, 'Phrase', 'ws://x')).toMatchObject({ reason, code, phrase: 'Phrase' });
  });

  it.each([
    [err('ECONNREFUSED'), 'unreachable'],
    [err('ENOTFOUND'), 'unreachable'],
    [err('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate'), 'tls'],
    [err('ERR_TLS_CERT_ALTNAME_INVALID'), 'tls'],
    [new Error('Opening handshake has timed out'), 'timeout'],
    [new Error('Unexpected server response: 404'), 'rejected'],
    [undefined, 'unreachable'],
  ])('a socket error %s means %s', (error, reason) => {
    expect(classifyTransportError(error, 'wss://x').reason).toBe(reason);
  });

  it('does not keep retrying what only new settings can mend', () => {
    expect(needsNewSettings({ reason: 'wrong-credentials' })).toBe(true);
    expect(needsNewSettings({ reason: 'unreachable' })).toBe(false);
  });
});
