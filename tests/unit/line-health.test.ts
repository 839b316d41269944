/**
 * The pure parts of a line that heals: what the health panel makes of the line's states, the
 * keepalive's worst case, and a server's Retry-After. The line itself, against Kamailio and a
 * fault relay, is in tests/integration/registration-healing.test.ts.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import type { LineFailureReason, LineState } from '../../src/contract/index.js';
import { retryAfterMs } from '../../src/telephony/failure.js';
import { LineHealthTracker } from '../../src/telephony/line-health.js';
import { DEFAULT_KEEPALIVE } from '../../src/telephony/websocket.js';

const PRIMARY = 'wss://pbx-a.example:8443';
const SECONDARY = 'wss://pbx-b.example:8443';
const SECOND = 1_000;
const MINUTE = 60 * SECOND;

/** A tracker on a clock the test moves; the states it is fed are stamped with that clock. */
function panel(start: Date) {
  let now = start.getTime();
  const health = new LineHealthTracker(
    () => PRIMARY,
    () => now,
  );
  return {
    health,
    at: (when: Date) => (now = when.getTime()),
    advance: (ms: number) => (now += ms),
    registered: (server = PRIMARY) => ({
      status: 'registered' as const,
      server,
      aor: 'sip:1001@pbx.test',
      since: now,
      expiresInSeconds: 300,
    }),
    failed: (reason: LineFailureReason, detail?: string, server = PRIMARY): LineState => ({
      status: 'failed',
      reason,
      server,
      detail,
      attempt: 1,
      retryAt: now + SECOND,
    }),
    registering: (server = PRIMARY): LineState => ({ status: 'registering', server, attempt: 1 }),
  };
}

// Local time: "today" on the panel is the agent's day, midnight to midnight where the desk is.
const morning = new Date(2026, 10, 25, 9, 0, 0);

describe('line health: reconnects', () => {
  it('counts a break and its failed retries as one reconnect, with what broke the line and how long it was down', () => {
    const p = panel(morning);
    p.health.observe(p.registered());
    const brokeAt = p.advance(10 * MINUTE);
    p.health.observe(p.failed('connection-lost', 'the server did not answer a keepalive within 8 s'));
    p.advance(SECOND);
    p.health.observe(p.registering());
    p.advance(SECOND);
    p.health.observe(p.failed('unreachable', 'ECONNREFUSED'));
    p.advance(2 * SECOND);
    p.health.observe(p.registering());
    p.advance(SECOND);
    const back = p.registered();
    p.health.observe(back);

    const view = p.health.view();
    expect(view.reconnects).toEqual([
      {
        at: back.since,
        reason: 'connection-lost',
        detail: 'the server did not answer a keepalive within 8 s',
        downMs: 5 * SECOND,
      },
    ]);
    expect(view.reconnects[0]!.at - brokeAt).toBe(5 * SECOND);
    // The panel's "last failure" is the latest one, the retry's.
    expect(view.lastFailure).toMatchObject({ reason: 'unreachable', detail: 'ECONNREFUSED' });
    expect(view.registeredSince).toBe(back.since);
  });

  it('lists each break of the day, newest first', () => {
    const p = panel(morning);
    p.health.observe(p.registered());
    for (const reason of ['connection-lost', 'timeout', 'connection-lost'] as const) {
      p.advance(MINUTE);
      p.health.observe(p.failed(reason));
      p.advance(3 * SECOND);
      p.health.observe(p.registered());
    }
    expect(p.health.view().reconnects.map((r) => r.reason)).toEqual(['connection-lost', 'timeout', 'connection-lost']);
    const times = p.health.view().reconnects.map((r) => r.at);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(new Set(times).size).toBe(3);
  });

  it('does not count registering for the first time as a reconnect, however many tries it took', () => {
    const p = panel(morning);
    p.health.observe(p.registering());
    p.health.observe(p.failed('unreachable'));
    p.advance(5 * SECOND);
    p.health.observe(p.registering());
    p.health.observe(p.failed('timeout'));
    p.advance(5 * SECOND);
    p.health.observe(p.registered());
    expect(p.health.view().reconnects).toEqual([]);
    expect(p.health.view().lastFailure?.reason).toBe('timeout');
  });

  it('does not count going offline by choice, and coming back, as a reconnect', () => {
    const p = panel(morning);
    p.health.observe(p.registered());
    p.advance(MINUTE);
    p.health.observe({ status: 'unregistered' });
    expect(p.health.view().registeredSince).toBeUndefined();
    p.advance(10 * MINUTE);
    p.health.observe(p.registering());
    p.health.observe(p.registered());
    expect(p.health.view().reconnects).toEqual([]);
    expect(p.health.view().lastFailure).toBeUndefined();
  });

  it('does not count the way back as a reconnect when the agent went offline while the line was down', () => {
    const p = panel(morning);
    p.health.observe(p.registered());
    p.advance(MINUTE);
    p.health.observe(p.failed('connection-lost'));
    p.advance(SECOND);
    p.health.observe({ status: 'unregistered' });
    p.advance(MINUTE);
    p.health.observe(p.registered());
    expect(p.health.view().reconnects).toEqual([]);
  });

  // Far from UTC on both sides, so that UTC midnight cannot pass for the desk's (CI runs in UTC).
  it.each(['Pacific/Auckland', 'America/Los_Angeles'])('shows only the reconnects since local midnight (%s)', (tz) => {
    const saved = process.env.TZ;
    process.env.TZ = tz;
    onTestFinished(() => {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    });
    const p = panel(new Date(2026, 10, 24, 23, 50));
    p.health.observe(p.registered());
    p.at(new Date(2026, 10, 24, 23, 55));
    p.health.observe(p.failed('connection-lost', 'yesterday'));
    p.at(new Date(2026, 10, 24, 23, 58));
    p.health.observe(p.registered());
    p.at(new Date(2026, 10, 24, 23, 59));
    expect(p.health.view().reconnects.map((r) => r.detail)).toEqual(['yesterday']);

    // Down across midnight: the reconnect counts for the day it came back.
    p.at(new Date(2026, 10, 24, 23, 59, 30));
    p.health.observe(p.failed('connection-lost', 'across midnight'));
    p.at(new Date(2026, 10, 25, 0, 0, 0));
    p.health.observe(p.registered());
    p.at(new Date(2026, 10, 25, 0, 5));
    p.health.observe(p.failed('timeout', 'today'));
    p.at(new Date(2026, 10, 25, 0, 6));
    p.health.observe(p.registered());

    p.at(new Date(2026, 10, 25, 9, 0));
    const today = p.health.view().reconnects;
    expect(today.map((r) => r.detail)).toEqual(['today', 'across midnight']);
    expect(today[1]!.downMs).toBe(30 * SECOND);
  });
});

describe('line health: which server', () => {
  it('says when the line is on the secondary server, and when it is back on the primary', () => {
    const p = panel(morning);
    p.health.observe(p.registered(PRIMARY));
    expect(p.health.view()).toMatchObject({ onSecondary: false, server: PRIMARY });

    p.health.observe(p.failed('unreachable', undefined, PRIMARY));
    p.health.observe(p.registering(SECONDARY));
    p.health.observe(p.registered(SECONDARY));
    expect(p.health.view()).toMatchObject({ onSecondary: true, server: SECONDARY });
    p.health.observe(p.failed('connection-lost', undefined, SECONDARY));
    expect(p.health.view()).toMatchObject({ onSecondary: true, server: SECONDARY });

    p.health.observe(p.registering(PRIMARY));
    p.health.observe(p.registered(PRIMARY));
    expect(p.health.view()).toMatchObject({ onSecondary: false, server: PRIMARY });
  });

  it('tells the caller when the panel changed, so that it pushes only then', () => {
    const p = panel(morning);
    const registered = p.registered();
    expect(p.health.observe(registered)).toBe(true);
    expect(p.health.observe(registered)).toBe(false);
    expect(p.health.observe(p.registering(SECONDARY))).toBe(true);
  });
});

describe('keepalive worst case', () => {
  it('the default settings give up on a half-open connection within 40 s', () => {
    const { intervalMs, timeoutMs } = DEFAULT_KEEPALIVE;
    // A connection that dies just after a ping was answered: the next ping comes after the longest
    // wait the ±20% jitter allows, and is given up on when its deadline passes unanswered.
    const longestWait = intervalMs * 1.2;
    expect(longestWait + timeoutMs).toBeLessThanOrEqual(40_000);
    expect(timeoutMs).toBeGreaterThan(0);
  });
});

describe('Retry-After (RFC 3261 §20.33)', () => {
  it.each([
    ['3', 3_000],
    [' 120 (maintenance);duration=3600', 120_000],
    ['0', 0],
    // A server's typo must not silence the line for days.
    ['999999', 3_600_000],
    ['soon', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%j means wait %j ms', (header, ms) => {
    expect(retryAfterMs(header)).toBe(ms);
  });
});
