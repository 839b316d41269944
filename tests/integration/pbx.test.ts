/**
 * The local PBX (tools/pbx) with real SIP clients: sip.js over WebSocket (and SIPp over UDP).
 * Needs the Debian packages kamailio + kamailio-websocket-modules (+ sip-tester for the SIPp case).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Inviter, SessionState, UserAgent, type Invitation, type Session, type UserAgentDelegate } from 'sip.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreeUdpPort, startPbx, type Pbx } from '../../tools/pbx/pbx.js';
import { registerPeer, sendMessage } from '../support/sip-peer.js';

const agents: UserAgent[] = [];

/** A registered test party, stopped after the suite. */
async function register(pbx: Pbx, user: string, password?: string, delegate?: UserAgentDelegate) {
  const peer = await registerPeer(pbx, user, { password, delegate });
  agents.push(peer.ua);
  return peer;
}

function reached(session: Session, state: SessionState): Promise<void> {
  return new Promise((resolve) => {
    if (session.state === state) resolve();
    session.stateChange.addListener((s) => s === state && resolve());
  });
}

async function stopAgents(): Promise<void> {
  await Promise.allSettled(agents.splice(0).map((ua) => ua.stop()));
}

describe('local PBX (Kamailio)', () => {
  let pbx: Pbx;

  beforeAll(async () => {
    pbx = await startPbx();
  });

  afterAll(async () => {
    await stopAgents();
    await pbx?.stop();
  });

  it('starts on free ports on 127.0.0.1', () => {
    expect(pbx.wsUrl).toBe(`ws://127.0.0.1:${pbx.wsPort}`);
    expect(pbx.udpPort).toBeGreaterThan(0);
    expect(pbx.domain).toBe('pbx.test');
    expect(pbx.pid).toBeGreaterThan(0);
  });

  it('registers 1001 with the right password (200)', async () => {
    expect((await register(pbx, '1001')).status).toBe(200);
  });

  it('rejects a wrong password (401/403)', async () => {
    expect([401, 403]).toContain((await register(pbx, '1003', 'wrong-password')).status);
  });

  it('routes a MESSAGE from 1001 to 1002 between WebSocket users; 404 unknown, 480 offline', async () => {
    let received!: (body: string, from: string | undefined) => void;
    const got = new Promise<[string, string | undefined]>((resolve) => (received = (...args) => resolve(args)));
    const a = await register(pbx, '1001');
    const b = await register(pbx, '1002', undefined, {
      onMessage: (m) => {
        void m.accept();
        received(m.request.body, m.request.from.uri.user);
      },
    });
    expect([a.status, b.status]).toEqual([200, 200]);

    expect(await sendMessage(a.ua, 'sip:1002@pbx.test', 'hello 1002')).toBe(200);
    expect(await got).toEqual(['hello 1002', '1001']);
    expect(await sendMessage(a.ua, 'sip:1099@pbx.test', 'nobody')).toBe(404);
    expect(await sendMessage(a.ua, 'sip:1006@pbx.test', 'offline')).toBe(480);
  });

  it('routes an INVITE dialog between WebSocket users (407 auth, record-route, ACK, re-INVITE, BYE)', async () => {
    let incoming!: (i: Invitation) => void;
    const invited = new Promise<Invitation>((resolve) => (incoming = resolve));
    await register(pbx, '1005', undefined, { onInvite: (i) => (incoming(i), void i.accept()) });
    const { ua } = await register(pbx, '1004');

    const call = new Inviter(ua, UserAgent.makeURI('sip:1005@pbx.test')!);
    await call.invite();
    const callee = await invited;
    await Promise.all([reached(call, SessionState.Established), reached(callee, SessionState.Established)]);
    await new Promise((r) => setTimeout(r, 200)); // let the ACK settle before the re-INVITE

    const reinvite = await new Promise<number>((resolve, reject) => {
      const done = (r: { message: { statusCode?: number } }) => resolve(r.message.statusCode ?? 0);
      call.invite({ requestDelegate: { onAccept: done, onReject: done } }).catch(reject);
    });
    expect(reinvite).toBe(200);

    await call.bye();
    await reached(callee, SessionState.Terminated);
  });

  it("routes a new INVITE to a WebSocket user's Contact, as an attended transfer's Refer-To names it", async () => {
    // 1003: no earlier test leaves it registered, so the call to its AOR reaches this agent only.
    let invites = 0;
    await register(pbx, '1003', undefined, {
      // The first INVITE is the call; the second only has to reach 1003 (its 486 proves it did).
      onInvite: (i) => void (++invites === 1 ? i.accept() : i.reject({ statusCode: 486 })),
    });
    const { ua: caller } = await register(pbx, '1004');
    const call = new Inviter(caller, UserAgent.makeURI('sip:1003@pbx.test')!);
    await call.invite();
    await reached(call, SessionState.Established);
    const contact = call.dialog!.remoteTarget;
    expect(contact.toString()).toMatch(/\.invalid;.*alias=/);

    const { ua: other } = await register(pbx, '1002');
    const final = await new Promise<number>((resolve, reject) => {
      const done = (r: { message: { statusCode?: number } }) => resolve(r.message.statusCode ?? 0);
      new Inviter(other, contact).invite({ requestDelegate: { onAccept: done, onReject: done } }).catch(reject);
    });
    expect([final, invites]).toEqual([486, 2]);
    await call.bye();
  });

  it('routes a SIPp call over UDP to a WebSocket user (unauthenticated from UDP)', async () => {
    await register(pbx, '1006', undefined, { onInvite: (i) => void i.accept() });
    const sippPort = String(await findFreeUdpPort());
    // built-in "uac" scenario: INVITE, 200, ACK, BYE (it ignores Record-Route; the PBX copes)
    const args = ['-sn', 'uac', '-s', '1006', `127.0.0.1:${pbx.udpPort}`, '-i', '127.0.0.1', '-p', sippPort];
    await promisify(execFile)('sipp', [
      ...args,
      '-m',
      '1',
      '-d',
      '200',
      '-timeout',
      '20',
      '-timeout_error',
      '-nostdin',
    ]);
  });

  it('can be stopped and started again on the same ports', async () => {
    await stopAgents();
    const { wsPort, udpPort } = pbx;
    await pbx.stop();
    await expect(register(pbx, '1001')).rejects.toThrow();
    await stopAgents();

    pbx = await startPbx({ wsPort, udpPort });
    expect([pbx.wsPort, pbx.udpPort]).toEqual([wsPort, udpPort]);
    expect((await register(pbx, '1001')).status).toBe(200);
  });
});
