/**
 * The agent's line against a real Kamailio (tools/pbx) over SIP WebSocket: the right password,
 * a wrong one, a server that is down and comes back, and a clean unregister on stop.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LineState } from '../../src/contract/index.js';
import { silentLogger } from '../../src/log/logger.js';
import { Registration, type SipAccount } from '../../src/telephony/registration.js';
import { getTestAccount } from '../../tools/pbx/accounts.js';
import { startPbx, type Pbx } from '../../tools/pbx/pbx.js';
import { registerPeer, sendMessage } from '../support/sip-peer.js';
import { waitFor } from '../support/wait.js';

const running: Array<{ stop(): Promise<unknown> }> = [];
afterEach(async () => {
  for (const thing of running.splice(0).reverse()) await thing.stop();
});

function account(
  pbx: { wsUrl: string; domain: string },
  user = '1001',
  password = getTestAccount(user).password,
): SipAccount {
  return { wsUrl: pbx.wsUrl, domain: pbx.domain, user, password, displayName: 'Agent' };
}

function line(acc: SipAccount, backoff = { baseMs: 300, maxMs: 1_500 }) {
  const registration = new Registration(acc, { logger: silentLogger(), backoff, registerTimeoutMs: 4_000 });
  const states: LineState[] = [];
  registration.onState((state) => states.push(state));
  running.push(registration);
  return { registration, states };
}

async function pbx(options?: Parameters<typeof startPbx>[0]): Promise<Pbx> {
  const started = await startPbx(options);
  running.push(started);
  return started;
}

describe('registration against Kamailio', () => {
  it('registers with the right password and reports the granted expiry', async () => {
    const server = await pbx();
    const { registration, states } = line(account(server));
    registration.start();
    const registered = await waitFor('registered', () =>
      registration.state.status === 'registered' ? registration.state : undefined,
    );
    expect(registered).toMatchObject({ aor: 'sip:1001@pbx.test', server: server.wsUrl });
    expect(registered.expiresInSeconds).toBeGreaterThan(0);
    expect(states.map((s) => s.status)).toEqual(['registering', 'registered']);

    // Reachable for real: another party's MESSAGE is routed to us (sip.js answers it).
    const peer = await registerPeer(server, '1002');
    running.push(peer.ua);
    expect(await sendMessage(peer.ua, 'sip:1001@pbx.test')).toBe(200);
  });

  it('fails clearly with a wrong password and does not hammer the server with retries', async () => {
    const server = await pbx();
    const { registration } = line(account(server, '1001', 'not-the-password'));
    registration.start();
    const failed = await waitFor('failure', () =>
      registration.state.status === 'failed' ? registration.state : undefined,
    );
    expect(failed.reason).toBe('wrong-credentials');
    expect([401, 403]).toContain(failed.code);
    expect(failed.retryAt).toBeUndefined();
  });

  it('retries with backoff while the server is down, then registers within seconds of its return', async () => {
    const first = await pbx();
    const { wsPort, udpPort } = first;
    await first.stop();

    const { registration, states } = line(account(first));
    registration.start();
    // Several failed tries, each telling when the next one comes, each later than the previous.
    await waitFor('three failures', () => states.filter((s) => s.status === 'failed').length >= 3);
    const failures = states.filter((s): s is Extract<LineState, { status: 'failed' }> => s.status === 'failed');
    expect(failures[0]).toMatchObject({ reason: 'unreachable', attempt: 1 });
    expect(failures.map((f) => f.attempt)).toEqual(failures.map((_, i) => i + 1));
    for (const failure of failures) expect(failure.retryAt).toBeGreaterThan(0);

    const back = await pbx({ wsPort, udpPort });
    const cameBackAt = Date.now();
    await waitFor('registered again', () => registration.state.status === 'registered', 10_000);
    // The backoff is capped at 1.5 s in this test, so the line is back within a couple of seconds.
    expect(Date.now() - cameBackAt).toBeLessThan(5_000);
    expect(back.wsUrl).toBe(first.wsUrl);
  });

  it('unregisters on stop: calls to the line are no longer routed to it', async () => {
    const server = await pbx();
    const { registration } = line(account(server));
    registration.start();
    await waitFor('registered', () => registration.state.status === 'registered');
    const peer = await registerPeer(server, '1002');
    running.push(peer.ua);
    expect(await sendMessage(peer.ua, 'sip:1001@pbx.test')).toBe(200);

    await registration.stop();
    expect(registration.state).toEqual({ status: 'unregistered' });
    const after = await sendMessage(peer.ua, 'sip:1001@pbx.test');
    expect([404, 480]).toContain(after);
    // Kamailio drops a binding when its socket closes, so the 404/480 alone would not prove it:
    // the log must show the REGISTER with expires 0 that a clean unregister sends.
    expect(server.readLog()).toMatch(/REGISTRAR: 1001 contact=.*;expires=0|REGISTRAR: 1001 contact=.* Expires=0\b/);
  });
});
