/**
 * The line heals itself: a connection that goes silent (half-open) or is reset is noticed, the line
 * says "connection lost", and once the network is back it registers again on the same sip.js
 * UserAgent, so that calls in progress keep their dialogs. A server's Retry-After is obeyed, a
 * primary that keeps failing gives way to the secondary and is gone back to when it answers again,
 * but never while a call is up. Kamailio (tools/pbx) behind the fault relay (tests/support), or a
 * fake WebSocket SIP server where Kamailio cannot be made to answer the way a test needs.
 */
import net from 'node:net';
import type { UserAgent } from 'sip.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import type { LineState } from '../../src/contract/index.js';
import { silentLogger } from '../../src/log/logger.js';
import { retryDelay } from '../../src/telephony/backoff.js';
import {
  probeWebSocket,
  Registration,
  type RegistrationOptions,
  type SipAccount,
} from '../../src/telephony/registration.js';
import {
  DEFAULT_KEEPALIVE,
  installNodeWebSocket,
  KeepaliveTimeoutError,
  NodeSipWebSocket,
  takeSocketError,
} from '../../src/telephony/websocket.js';
import { startPbx, type Pbx } from '../../tools/pbx/pbx.js';
import { startFaultRelay, type FaultRelay } from '../support/fault-relay.js';
import { registerPeer, sendMessage } from '../support/sip-peer.js';
import { waitFor } from '../support/wait.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * Node's timers run on the event loop's millisecond clock, Date.now() on the wall clock: the two
 * can disagree by a millisecond or so, so "not before X" measured across them allows this much.
 */
const CLOCK_SLACK_MS = 10;

async function pbx(): Promise<Pbx> {
  const started = await startPbx();
  cleanups.push(() => started.stop());
  return started;
}

async function relayTo(server: Pbx, listenPort?: number): Promise<FaultRelay> {
  const relay = await startFaultRelay({ upstreamUrl: server.wsUrl, listenPort });
  cleanups.push(() => relay.close());
  return relay;
}

/** A port on which nothing listens (found free, then released): connections to it are refused. */
async function deadPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function account(wsUrl: string, wsUrlSecondary?: string): SipAccount {
  return { wsUrl, wsUrlSecondary, domain: 'pbx.test', user: '1001', password: 'secret1001' };
}

type Failed = Extract<LineState, { status: 'failed' }>;
type Registered = Extract<LineState, { status: 'registered' }>;

interface Seen {
  state: LineState;
  /** Date.now() when the listener was told. */
  at: number;
  /** The line's own clock (`now`) as it last read it: for a failed state, the time its retryAt counts from. */
  clock: number;
}

/** A line with every state it goes through recorded, the UserAgents it hands out, and its flow restorations. */
function startLine(acc: SipAccount, options: Partial<RegistrationOptions> = {}) {
  const clock = { last: 0 };
  const seen: Seen[] = [];
  const userAgents: UserAgent[] = [];
  let flowRestored = 0;
  const registration = new Registration(acc, {
    logger: silentLogger(),
    backoff: { baseMs: 200, maxMs: 1_000 },
    registerTimeoutMs: 4_000,
    now: () => (clock.last = Date.now()),
    onUserAgent: (ua) => {
      if (ua) userAgents.push(ua);
    },
    onFlowRestored: () => flowRestored++,
    ...options,
  });
  registration.onState((state) => seen.push({ state, at: Date.now(), clock: clock.last }));
  cleanups.push(() => registration.stop());
  registration.start();

  /** The first state from `from` on (an index into `seen`) that matches, waiting for it. */
  const next = <S extends LineState>(
    what: string,
    match: (state: LineState) => state is S,
    from = 0,
    timeoutMs = 20_000,
    context: () => string = () => '',
  ): Promise<{ state: S; at: number; clock: number; index: number }> =>
    waitFor(
      `${what}\nstates: ${JSON.stringify(seen.slice(from).map((s) => s.state))}\n${context()}`,
      () => {
        for (let index = from; index < seen.length; index++) {
          const entry = seen[index]!;
          if (match(entry.state)) return { ...entry, state: entry.state, index };
        }
        return undefined;
      },
      timeoutMs,
    );
  return { registration, seen, userAgents, flowRestored: () => flowRestored, next };
}

const isRegistered =
  (server?: string) =>
  (state: LineState): state is Registered =>
    state.status === 'registered' && (server === undefined || state.server === server);
const isFailed =
  (reason?: Failed['reason']) =>
  (state: LineState): state is Failed =>
    state.status === 'failed' && (reason === undefined || state.reason === reason);

/** Every UserAgent the line handed out is one and the same object. */
function expectOneUserAgent(userAgents: UserAgent[], atLeast: number): void {
  expect(userAgents.length).toBeGreaterThanOrEqual(atLeast);
  expect(new Set(userAgents).size, 'a new UserAgent was made: calls in progress would lose their dialogs').toBe(1);
}

/** Kamailio routes a MESSAGE from another party to 1001: the registration it holds is a live one. */
async function expectReachable(server: Pbx): Promise<void> {
  const peer = await registerPeer(server, '1002');
  cleanups.push(() => peer.ua.stop());
  expect(await sendMessage(peer.ua, 'sip:1001@pbx.test')).toBe(200);
}

describe('the line notices a dead connection and heals on the same UserAgent', () => {
  it('keepalive: a black-holed connection is declared lost within seconds, and the line comes back', async () => {
    const server = await pbx();
    const relay = await relayTo(server);
    const line = startLine(account(relay.url), {
      keepalive: { intervalMs: 1_000, timeoutMs: 1_000 },
      backoff: { baseMs: 200, maxMs: 1_000 },
    });
    const first = await line.next('registered', isRegistered(relay.url), 0, 20_000, relay.describe);
    expect(line.flowRestored()).toBe(0);

    relay.blackhole();
    const blackholedAt = Date.now();
    // Nothing but the keepalive can tell: no FIN, no RST, no data. 1 s + 20% jitter + 1 s deadline.
    const lost = await line.next('connection-lost', isFailed('connection-lost'), first.index, 10_000, relay.describe);
    expect(lost.at).toBeGreaterThan(blackholedAt);
    expect(lost.state.detail).toMatch(/keepalive/);
    expect(lost.state.retryAt).toBeGreaterThan(0);
    expect(lost.state.attempt).toBe(1);

    // A retry into the black hole is accepted by the network and never answered: it must fail too,
    // and the line must not claim to be registered meanwhile (calls would be placed on no flow).
    await line.next('a retry through the black hole to fail', isFailed(), lost.index + 1, 20_000, relay.describe);
    expect(line.seen.slice(first.index + 1).some((s) => s.state.status === 'registered')).toBe(false);

    relay.restore();
    const back = await line.next('registered again', isRegistered(relay.url), lost.index, 30_000, relay.describe);
    expect(back.state.since).toBeGreaterThan(first.state.since);
    expectOneUserAgent(line.userAgents, 2);
    expect(line.flowRestored()).toBe(1);
    await expectReachable(server);
  });

  it('cut: a reset connection is lost, retried once quickly and then by the backoff, and the line comes back', async () => {
    const server = await pbx();
    const relay = await relayTo(server);
    const backoff = { baseMs: 400, maxMs: 1_600, quickRetryAfterLoss: { minMs: 50, maxMs: 150, afterUpMs: 1_000 } };
    const line = startLine(account(relay.url), { backoff });
    const first = await line.next('registered', isRegistered(relay.url), 0, 20_000, relay.describe);
    // Up long enough for the quick retry.
    await new Promise((resolve) => setTimeout(resolve, backoff.quickRetryAfterLoss.afterUpMs + 100));

    relay.cut();
    const lost = await line.next('connection-lost', isFailed('connection-lost'), first.index, 10_000, relay.describe);
    expect(lost.state.attempt).toBe(1);
    // Enough failures during the cut to reach the cap: at most 150, then 400, 800, 1600, 1600 ms.
    await waitFor(`five failures\n${relay.describe()}`, () => failures().length >= 5, 20_000);
    relay.restore();
    const back = await line.next('registered again', isRegistered(relay.url), lost.index, 20_000, relay.describe);

    function failures() {
      return line.seen.slice(lost.index).filter((s): s is Seen & { state: Failed } => s.state.status === 'failed');
    }
    const during = failures();
    // Consecutive failures, each counted: the backoff grows with them.
    expect(during.map((f) => f.state.attempt)).toEqual(during.map((_, i) => i + 1));
    for (const [i, failure] of during.entries()) {
      const { attempt, retryAt } = failure.state;
      // The rule: the first retry after losing a registered connection within [min, max]; then a
      // random 50–100% of min(max, base·2^(n−2)) for the n-th failure, the backoff from its start.
      const [low, high] =
        attempt === 1
          ? [backoff.quickRetryAfterLoss.minMs, backoff.quickRetryAfterLoss.maxMs]
          : [
              Math.min(backoff.maxMs, backoff.baseMs * 2 ** (attempt - 2)) / 2,
              Math.min(backoff.maxMs, backoff.baseMs * 2 ** (attempt - 2)),
            ];
      expect([low, high]).toEqual([
        retryDelay(attempt, true, backoff, () => 0),
        retryDelay(attempt, true, backoff, () => 1),
      ]);
      const delay = retryAt! - failure.clock;
      expect(delay, `failure ${attempt}`).toBeGreaterThanOrEqual(low);
      expect(delay, `failure ${attempt}`).toBeLessThanOrEqual(high);
      // And the next try did wait for it.
      const nextTry = line.seen.find(
        (s, index) => index > line.seen.indexOf(failure) && s.state.status === 'registering',
      );
      expect(nextTry, `a try after failure ${i + 1}`).toBeDefined();
      expect(nextTry!.at, `failure ${attempt}`).toBeGreaterThanOrEqual(retryAt! - CLOCK_SLACK_MS);
    }
    // The tries reached the network (the relay reset each one), one per failure after the first.
    expect(relay.events.filter((e) => e.type === 'refused').length).toBeGreaterThanOrEqual(during.length - 1);

    expect(back.state.since).toBeGreaterThan(first.state.since);
    expectOneUserAgent(line.userAgents, 2);
    expect(line.flowRestored()).toBe(1);
    await expectReachable(server);
  });

  it('cut right after registering: no quick retry, the backoff from its start', async () => {
    const server = await pbx();
    const relay = await relayTo(server);
    const backoff = { baseMs: 400, maxMs: 1_600, quickRetryAfterLoss: { minMs: 50, maxMs: 150, afterUpMs: 5_000 } };
    const line = startLine(account(relay.url), { backoff });
    const first = await line.next('registered', isRegistered(relay.url), 0, 20_000, relay.describe);

    // A server that drops each registration at once must not be retried every 150 ms by every desk.
    relay.cut();
    const lost = await line.next('connection-lost', isFailed('connection-lost'), first.index, 10_000, relay.describe);
    expect(lost.state.attempt).toBe(1);
    const delay = lost.state.retryAt! - lost.clock;
    expect(delay).toBeGreaterThanOrEqual(backoff.baseMs / 2);
    expect(delay).toBeLessThanOrEqual(backoff.baseMs);
    relay.restore();
    await line.next('registered again', isRegistered(relay.url), lost.index, 20_000, relay.describe);
  });

  it('checkNow(): a half-open connection is found by a 3 s probe, long before the next keepalive', async () => {
    const server = await pbx();
    const relay = await relayTo(server);
    // The first keepalive ping comes at 48 s at the earliest, far beyond the 15 s waited below: what
    // happens within it is the probe's doing.
    const line = startLine(account(relay.url), {
      keepalive: { intervalMs: 60_000, timeoutMs: 8_000 },
      backoff: { baseMs: 2_000, maxMs: 4_000 },
    });
    const first = await line.next('registered', isRegistered(relay.url), 0, 20_000, relay.describe);

    relay.blackhole();
    const checkedAt = Date.now();
    line.registration.checkNow();
    const lost = await line.next('connection-lost', isFailed('connection-lost'), first.index, 15_000, relay.describe);
    // The probe's deadline, not the keepalive's 8 s, is what gave up on the connection.
    expect(lost.state.detail).toMatch(/within 3 s/);
    expect(lost.at - checkedAt).toBeGreaterThanOrEqual(3_000 - CLOCK_SLACK_MS);

    // The retry (1 s at the earliest with this backoff) goes through a network that works again.
    relay.restore();
    await line.next('registered again', isRegistered(relay.url), lost.index, 20_000, relay.describe);
    expectOneUserAgent(line.userAgents, 2);
    expect(line.flowRestored()).toBe(1);
  });

  it('checkNow() leaves a healthy registered line alone', async () => {
    const server = await pbx();
    const relay = await relayTo(server);
    const line = startLine(account(relay.url), { keepalive: { intervalMs: 60_000, timeoutMs: 8_000 } });
    const first = await line.next('registered', isRegistered(relay.url), 0, 20_000, relay.describe);
    line.registration.checkNow();
    // The probe's deadline is 3 s: after it, the line has not moved and no new connection was made.
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    expect(line.seen.slice(first.index + 1).map((s) => s.state)).toEqual([]);
    expect(relay.events.filter((e) => e.type === 'connect')).toHaveLength(1);
  });

  it('with the default keepalive, a server that stops answering is given up on within 40 s (fake time)', async () => {
    // The slowest the jitter allows: every wait drawn at +20%.
    installNodeWebSocket({ ...DEFAULT_KEEPALIVE, random: () => 1 });
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, autoPong: false, handleProtocols: () => 'sip' });
    cleanups.push(() => wss.close());
    cleanups.push(() => installNodeWebSocket(DEFAULT_KEEPALIVE));
    await new Promise((resolve) => wss.once('listening', resolve));
    const url = `ws://127.0.0.1:${(wss.address() as net.AddressInfo).port}`;

    // Timers only: the sockets still do real I/O.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    cleanups.push(() => vi.useRealTimers());
    const socket = new NodeSipWebSocket(url, 'sip');
    cleanups.push(() => socket.terminate());
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    await vi.advanceTimersByTimeAsync(30_000);
    expect(socket.readyState, 'given up before any ping had its deadline').toBe(WebSocket.OPEN);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(socket.readyState, 'still open after 40 s without an answer').not.toBe(WebSocket.OPEN);
    expect(takeSocketError(url, 0)).toBeInstanceOf(KeepaliveTimeoutError);
  });
});

/** A WebSocket SIP server of the test's own, for answers Kamailio would not give. */
async function startFakeSipServer(answer: (socket: WebSocket, request: string) => void) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => 'sip' });
  const registers: number[] = [];
  wss.on('connection', (socket) =>
    socket.on('message', (data) => {
      const request = String(data);
      if (!request.startsWith('REGISTER ')) return;
      registers.push(Date.now());
      answer(socket, request);
    }),
  );
  cleanups.push(() => {
    for (const client of wss.clients) client.terminate();
    wss.close();
  });
  await new Promise((resolve) => wss.once('listening', resolve));
  return {
    url: `ws://127.0.0.1:${(wss.address() as net.AddressInfo).port}`,
    registers,
    connections: () => wss.clients,
  };
}

/** A SIP response to `request` (RFC 3261 §8.2.6): its Via, From, Call-ID and CSeq, a To with a tag. */
function sipResponse(request: string, status: string, extraHeaders: string[] = []): string {
  const headers = request.split('\r\n');
  const all = (name: RegExp) => headers.filter((line) => name.test(line));
  const one = (name: RegExp) => all(name)[0] ?? '';
  const to = one(/^(to|t)\s*:/i);
  return [
    `SIP/2.0 ${status}`,
    ...all(/^(via|v)\s*:/i),
    one(/^(from|f)\s*:/i),
    /;\s*tag=/i.test(to) ? to : `${to};tag=fake-server`,
    one(/^(call-id|i)\s*:/i),
    one(/^cseq\s*:/i),
    ...extraHeaders,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

describe('a server that says when to come back', () => {
  it.each([
    ['keeps the connection open', false],
    ['closes the connection right after', true],
  ])('503 with Retry-After: 3 is obeyed over a 100–200 ms backoff when the server %s', async (_, close) => {
    let answeredAt = 0;
    const server = await startFakeSipServer((socket, request) => {
      socket.send(sipResponse(request, '503 Service Unavailable', ['Retry-After: 3']));
      answeredAt ||= Date.now();
      if (close) socket.close(1001, 'going away');
    });
    const line = startLine(account(server.url), { backoff: { baseMs: 100, maxMs: 200 } });

    const failed = await line.next('the 503', isFailed(), 0, 10_000);
    expect(failed.state).toMatchObject({ reason: 'unreachable', code: 503, attempt: 1 });
    expect(failed.state.retryAt! - failed.clock).toBeGreaterThanOrEqual(3_000);

    // And the line does wait: the server hears nothing more until then.
    await waitFor('a second REGISTER', () => server.registers.length >= 2, 15_000);
    expect(server.registers[1]! - answeredAt).toBeGreaterThanOrEqual(3_000 - CLOCK_SLACK_MS);
    // Every failed state until that REGISTER kept the server's date.
    for (const s of line.seen.filter((s) => s.state.status === 'failed' && s.at < server.registers[1]!))
      expect((s.state as Failed).retryAt).toBeGreaterThanOrEqual(answeredAt + 3_000 - CLOCK_SLACK_MS);
  });
});

describe('a server that says not to come back', () => {
  it('a refused password stays final when the server then closes the connection', async () => {
    const server = await startFakeSipServer((socket, request) => {
      socket.send(sipResponse(request, '403 Forbidden'));
      socket.close(1000);
    });
    const line = startLine(account(server.url), { backoff: { baseMs: 100, maxMs: 200 } });
    const failed = await line.next('the 403', isFailed(), 0, 10_000);
    expect(failed.state).toMatchObject({ reason: 'wrong-credentials', code: 403 });
    expect(failed.state.retryAt).toBeUndefined();

    // Retrying a refused password only gets the account locked. With a 100-200 ms backoff, two
    // seconds would have seen ten retries.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(server.registers).toHaveLength(1);
    expect(line.seen.filter((s) => s.state.status === 'failed')).toHaveLength(1);
    expect(line.registration.state).toMatchObject({ status: 'failed', reason: 'wrong-credentials' });
  });
});

describe('failover to the secondary server and back', () => {
  it('registers on the secondary after failoverAfter failures, and goes back once the primary answers', async () => {
    const server = await pbx();
    const port = await deadPort();
    const primary = `ws://127.0.0.1:${port}`;
    const probes: Array<{ server: string; ok: boolean }> = [];
    const line = startLine(account(primary, server.wsUrl), {
      failoverAfter: 2,
      primaryRecheckMs: 1_000,
      backoff: { baseMs: 100, maxMs: 400 },
      probeServer: async (to) => {
        const ok = await probeWebSocket(to);
        probes.push({ server: to, ok });
        return ok;
      },
    });

    const onSecondary = await line.next('registered on the secondary', isRegistered(server.wsUrl), 0, 20_000);
    const before = line.seen.slice(0, onSecondary.index).map((s) => s.state);
    const failures = before.filter(isFailed());
    expect(failures, JSON.stringify(before)).toHaveLength(2);
    for (const failure of failures) expect(failure).toMatchObject({ server: primary, reason: 'unreachable' });
    expect(before.filter((s) => s.status === 'registering').map((s) => s.server)).toEqual([
      primary,
      primary,
      server.wsUrl,
    ]);

    // The primary comes back (a relay to the same Kamailio on its very port).
    await waitFor('a primary check that finds it down', () => probes.length >= 1, 10_000);
    expect(probes[0]).toEqual({ server: primary, ok: false });
    const relay = await relayTo(server, port);
    const onPrimary = await line.next('registered on the primary', isRegistered(primary), onSecondary.index, 20_000);
    expect(probes.at(-1)).toEqual({ server: primary, ok: true });
    const leftSecondaryAt = line.seen.find((s, i) => i > onSecondary.index && s.state.status === 'registering')!.at;
    expect(leftSecondaryAt - onSecondary.at).toBeGreaterThanOrEqual(1_000 - CLOCK_SLACK_MS);
    expect(line.seen.slice(onSecondary.index + 1).filter((s) => s.state.status === 'failed')).toEqual([]);
    expect(onPrimary.state.server).toBe(relay.url);
    // The line goes through the relay: the probe's connection and the line's own, the probe's closed.
    expect(relay.events.filter((e) => e.type === 'connect').length).toBeGreaterThanOrEqual(2);
    await waitFor(`the line's connection alone\n${relay.describe()}`, () => relay.connections() === 1, 5_000);
    await expectReachable(server);

    // A loss on the primary now is told as what it is, not as the refusal a check met while it was down.
    relay.cut();
    const lost = await line.next('connection-lost', isFailed('connection-lost'), onPrimary.index, 10_000);
    expect(lost.state.server).toBe(primary);
    expect(lost.state.detail).not.toMatch(/ECONNREFUSED/);
  });

  it('does not leave its server for the other while a call is up', async () => {
    const server = await pbx();
    const relay = await relayTo(server);
    let calls = true;
    const line = startLine(account(relay.url, server.wsUrl), {
      failoverAfter: 2,
      backoff: { baseMs: 100, maxMs: 400 },
      callsInProgress: () => calls,
    });
    const first = await line.next('registered on the primary', isRegistered(relay.url), 0, 20_000);

    relay.cut();
    // Twice failoverAfter and more: without the call, the line would have switched long ago.
    const elsewhere = () =>
      line.seen.slice(first.index + 1).filter((s) => s.state.status !== 'unregistered' && s.state.server !== relay.url);
    await waitFor(
      'six failures (or a move to the other server)',
      () => line.seen.filter((s) => s.state.status === 'failed').length >= 6 || elsewhere().length > 0,
      20_000,
    );
    expect(elsewhere().map((s) => s.state)).toEqual([]);

    // The call ends: the next failure moves the line to the secondary.
    calls = false;
    await line.next('registered on the secondary', isRegistered(server.wsUrl), first.index);
  });

  it('does not go back to the primary while a call is up', async () => {
    const server = await pbx();
    const port = await deadPort();
    const primary = `ws://127.0.0.1:${port}`;
    let calls = false;
    const probes: Array<{ server: string; ok: boolean }> = [];
    const line = startLine(account(primary, server.wsUrl), {
      failoverAfter: 1,
      primaryRecheckMs: 1_000,
      backoff: { baseMs: 100, maxMs: 400 },
      callsInProgress: () => calls,
      probeServer: async (to) => {
        const ok = await probeWebSocket(to);
        probes.push({ server: to, ok });
        return ok;
      },
    });
    const onSecondary = await line.next('registered on the secondary', isRegistered(server.wsUrl), 0, 20_000);

    calls = true;
    await relayTo(server, port);
    // The primary answers, check after check, and the line stays where its call is.
    await waitFor(
      'three checks that find the primary up (or the line moving)',
      () => probes.filter((p) => p.ok).length >= 3 || line.seen.length > onSecondary.index + 1,
      15_000,
    );
    expect(line.seen.slice(onSecondary.index + 1).map((s) => s.state)).toEqual([]);

    calls = false;
    await line.next('registered on the primary', isRegistered(primary), onSecondary.index, 20_000);
  });
});
