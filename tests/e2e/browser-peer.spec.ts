/**
 * The independent "customer" peer (plain sip.js + its Web SessionDescriptionHandler in Chromium)
 * proven against itself: two of them call each other through a real Kamailio, with real audio on
 * loopback. Softphone call tests rely on it behaving exactly like this.
 */
import { expect, test, type Browser } from '@playwright/test';
import { startPbx, type Pbx } from '../../tools/pbx/pbx.js';
import { startBrowserPeer, type BrowserPeer, type BrowserPeerOptions } from '../support/browser-peer/index.js';

let pbx: Pbx;
const peers: BrowserPeer[] = [];

test.beforeAll(async () => {
  pbx = await startPbx();
});
test.afterAll(async () => {
  await pbx?.stop();
});
test.afterEach(async () => {
  await Promise.all(peers.splice(0).map((p) => p.close()));
});

async function peer(browser: Browser, user: string, options: Partial<BrowserPeerOptions> = {}): Promise<BrowserPeer> {
  const started = await startBrowserPeer(browser, { pbx, user, ...options });
  peers.push(started);
  return started;
}

test('a call between two browser peers: ringing, audio both ways, hold, DTMF, hang-up', async ({ browser }) => {
  const caller = await peer(browser, '1003');
  const callee = await peer(browser, '1004');

  await caller.call('1004');
  const ringing = await callee.waitForState((s) => s.session === 'ringing-in');
  expect(ringing.lastIncoming).toMatchObject({ user: '1003', displayName: 'Agent Three' });
  await caller.waitForState((s) => s.session === 'early');

  await callee.answer();
  await caller.waitForState((s) => s.session === 'established');
  await callee.waitForState((s) => s.session === 'established');

  // Audio both ways: every byte counter keeps growing, on a loopback candidate pair, and the
  // callee decodes real samples with energy (the fake device's tone), not just packets.
  const [atCaller, atCallee] = await Promise.all([
    caller.waitForAudioFlowing({ direction: 'both' }),
    callee.waitForAudioFlowing({ direction: 'both' }),
  ]);
  for (const { after } of [atCaller, atCallee]) {
    expect(after.selectedPair?.local).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(after.selectedPair?.remote).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(after.codec).toBe('audio/opus');
    expect(after.direction).toBe('sendrecv');
  }
  expect(atCallee.after.inbound!.totalSamplesReceived).toBeGreaterThan(atCallee.before.inbound!.totalSamplesReceived);
  expect(atCallee.after.inbound!.totalAudioEnergy).toBeGreaterThan(atCallee.before.inbound!.totalAudioEnergy);
  expect((await callee.state()).playback).toMatchObject({ attached: true, playing: true, error: null });

  // Hold (re-INVITE a=sendonly): the held side sees it in the SDP and answers recvonly, so it
  // stops sending and the holder hears nothing; the holder may still send (music on hold).
  await caller.hold();
  const held = await callee.waitForState((s) => s.heldByRemote);
  expect(held.remoteDirection).toBe('sendonly');
  expect((await caller.state()).localHold).toBe(true);
  expect((await caller.audioStats()).currentDirection).toBe('sendonly');
  expect((await callee.audioStats()).currentDirection).toBe('recvonly');
  await Promise.all([
    callee.waitForAudioStopped('out'),
    caller.waitForAudioStopped('in'),
    callee.waitForAudioFlowing({ direction: 'in' }),
  ]);

  await caller.unhold();
  const resumed = await callee.waitForState((s) => !s.heldByRemote);
  expect(resumed.remoteDirection).toBe('sendrecv');
  await Promise.all([
    caller.waitForAudioFlowing({ direction: 'both' }),
    callee.waitForAudioFlowing({ direction: 'both' }),
  ]);

  // DTMF by SIP INFO arrives as digits; RFC 4733 can only be checked on the sending side.
  await caller.sendDtmf('12#', { method: 'info' });
  expect(await callee.waitForDtmfReceived('12#')).toEqual(['1', '2', '#']);
  expect((await callee.sendDtmf('5')).dtmfSent).toEqual(['5']);

  await callee.hangup();
  const ended = await caller.waitForState((s) => s.session === 'terminated');
  expect(ended.lastEnd).toEqual({ cause: 'bye', by: 'remote' });
  expect((await callee.state()).lastEnd).toEqual({ cause: 'bye', by: 'local' });
  expect((await caller.audioStats()).connectionState).toBeNull();
  expect((await caller.state()).playback.attached).toBe(false);
});

test('a busy customer answers 486 and the caller sees it', async ({ browser }) => {
  const caller = await peer(browser, '1003');
  const callee = await peer(browser, '1004', { incoming: { mode: 'reject', statusCode: 486 } });

  await caller.call('1004');
  const ended = await caller.waitForState((s) => s.session === 'terminated');
  expect(ended.lastEnd).toMatchObject({ cause: 'rejected', by: 'remote', statusCode: 486 });
  const calleeState = await callee.waitForState((s) => s.session === 'terminated');
  expect(calleeState.lastEnd).toMatchObject({ cause: 'rejected', by: 'local', statusCode: 486 });
  expect(calleeState.incomingCount).toBe(1);
});

test('an auto-answering customer, and a caller who hangs up', async ({ browser }) => {
  const caller = await peer(browser, '1003');
  const callee = await peer(browser, '1004', { incoming: { mode: 'answer', afterMs: 300 } });

  await caller.call('1004');
  await caller.waitForState((s) => s.session === 'established');
  await callee.waitForAudioFlowing({ direction: 'both' });
  await caller.hangup();
  const ended = await callee.waitForState((s) => s.session === 'terminated');
  expect(ended.lastEnd).toEqual({ cause: 'bye', by: 'remote' });
});

test('a caller who gives up while it rings: the customer sees the call canceled', async ({ browser }) => {
  const caller = await peer(browser, '1003');
  const callee = await peer(browser, '1004');

  await caller.call('1004');
  await callee.waitForState((s) => s.session === 'ringing-in');
  await caller.waitForState((s) => s.session === 'early');
  await caller.hangup();
  expect((await caller.state()).lastEnd).toMatchObject({ cause: 'canceled', by: 'local' });
  const ended = await callee.waitForState((s) => s.session === 'terminated');
  expect(ended.lastEnd).toEqual({ cause: 'canceled', by: 'remote' });
});

/** Audio flows both ways between a and b over one candidate pair: each one's local end is the other's remote. */
async function expectTalking(a: BrowserPeer, b: BrowserPeer): Promise<void> {
  const [atA, atB] = await Promise.all([
    a.waitForAudioFlowing({ direction: 'both' }),
    b.waitForAudioFlowing({ direction: 'both' }),
  ]);
  expect(atA.after.selectedPair).not.toBeNull();
  expect(atA.after.selectedPair?.local).toBe(atB.after.selectedPair?.remote);
  expect(atA.after.selectedPair?.remote).toBe(atB.after.selectedPair?.local);
}

test('auto-answer headers reach the callee; a second call while busy gets 486 and is recorded', async ({ browser }) => {
  const [caller, callee, third] = await Promise.all([
    peer(browser, '1003'),
    peer(browser, '1004', { incoming: { mode: 'answer' } }),
    peer(browser, '1005'),
  ]);

  await caller.call('1004', {
    extraHeaders: ['Call-Info: <sip:pbx.test>;answer-after=0', 'Alert-Info: <http://x>;info=alert-autoanswer'],
  });
  const answered = await callee.waitForState((s) => s.session === 'established');
  expect(answered.lastIncoming).toMatchObject({
    user: '1003',
    callInfo: '<sip:pbx.test>;answer-after=0',
    alertInfo: '<http://x>;info=alert-autoanswer',
  });
  expect(answered.lastBusyIncoming).toBeNull();

  await third.call('1004');
  const rejected = await third.waitForState((s) => s.session === 'terminated');
  expect(rejected.lastEnd).toMatchObject({ cause: 'rejected', by: 'remote', statusCode: 486 });
  const busy = await callee.state();
  expect(busy).toMatchObject({ session: 'established', incomingCount: 2, callId: answered.callId });
  expect(busy.lastBusyIncoming).toMatchObject({ caller: { user: '1005' }, statusCode: 486 });
  expect(busy.lastIncoming?.user).toBe('1003');
  await expectTalking(caller, callee);
});

test('blind transfer: the customer follows the REFER to the target and the transferor is out', async ({ browser }) => {
  const [agent, customer, target] = await Promise.all([
    peer(browser, '1003', { incoming: { mode: 'answer' } }),
    peer(browser, '1004'),
    peer(browser, '1005', { incoming: { mode: 'answer', afterMs: 300 } }),
  ]);
  await customer.call('1003');
  const first = await customer.waitForState((s) => s.session === 'established');
  await expectTalking(agent, customer);

  const referred = await agent.transfer('1005');
  expect(referred.transfer).toMatchObject({ kind: 'blind', referStatusCode: 202 });
  expect(referred.transfer?.referTo).toMatch(/^<?sip:1005@pbx\.test>?$/);
  const done = await agent.waitForTransfer();
  expect(done.outcome).toBe('succeeded');
  expect(done.progress.at(-1)).toBe(200);

  // The transferor hung up on the customer once the NOTIFY said 200: it has no call left.
  const agentAfter = await agent.waitForState((s) => s.session === 'terminated');
  expect(agentAfter.lastEnd).toEqual({ cause: 'bye', by: 'local' });
  expect(agentAfter.transfer?.callEnd).toEqual({ cause: 'bye', by: 'local' });
  expect((await agent.audioStats()).connectionState).toBeNull();

  // The customer placed a new call (no Replaces) and the transferor ended the old one.
  const customerAfter = await customer.waitForState((s) => s.referredCall?.referrerEnd != null);
  expect(customerAfter).toMatchObject({ session: 'established', direction: 'out', refersReceived: 1 });
  expect(customerAfter.lastReferTo).toMatch(/sip:1005@pbx\.test/);
  expect(customerAfter.callId).not.toBe(first.callId);
  expect(customerAfter.previousCallId).toBeNull();
  expect(customerAfter.referredCall).toEqual({
    callId: customerAfter.callId,
    replaces: null,
    statusCode: 200,
    established: true,
    referrerEnd: { cause: 'bye', by: 'remote' },
  });

  const targetAfter = await target.waitForState((s) => s.session === 'established');
  expect(targetAfter.lastIncoming?.user).toBe('1004');
  expect(targetAfter.callId).toBe(customerAfter.callId);
  await expectTalking(customer, target);
});

test('attended transfer: consultation, REFER with Replaces, the target swaps the consultation for the customer', async ({
  browser,
}) => {
  const [agent, customer, target] = await Promise.all([
    peer(browser, '1003', { incoming: { mode: 'answer' } }),
    peer(browser, '1004'),
    peer(browser, '1005', { incoming: { mode: 'answer', afterMs: 300 } }),
  ]);
  await customer.call('1003');
  const original = await agent.waitForState((s) => s.session === 'established');

  // Consultation: the customer waits on hold while the agent talks to the target.
  await agent.consult('1005');
  await customer.waitForState((s) => s.heldByRemote);
  const consulting = await agent.waitForState((s) => s.session === 'established');
  expect(consulting.previousCallId).toBe(original.callId);
  expect(consulting.callId).not.toBe(original.callId);
  expect((await target.state()).callId).toBe(consulting.callId);
  await expectTalking(agent, target);

  const referred = await agent.completeTransfer();
  expect(referred.transfer).toMatchObject({ kind: 'attended', referStatusCode: 202 });
  expect(referred.transfer?.referTo).toContain('?Replaces=');
  expect((await agent.waitForTransfer()).outcome).toBe('succeeded');

  // The target answered the customer's INVITE at once and ended the consultation it replaced.
  const targetAfter = await target.waitForState((s) => s.replacedCount === 1 && s.session === 'established');
  expect(targetAfter).toMatchObject({ lastReplacedCallId: consulting.callId, incomingCount: 2 });
  expect(targetAfter.lastIncoming?.user).toBe('1004');
  expect(targetAfter.callId).not.toBe(consulting.callId);

  const customerAfter = await customer.waitForState((s) => s.referredCall?.referrerEnd != null);
  expect(customerAfter).toMatchObject({ session: 'established', refersReceived: 1, heldByRemote: false });
  expect(customerAfter.callId).toBe(targetAfter.callId);
  expect(customerAfter.referredCall).toMatchObject({
    established: true,
    referrerEnd: { cause: 'bye', by: 'remote' },
  });
  expect(customerAfter.referredCall?.replaces).toMatch(
    new RegExp(`^${consulting.callId!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')};to-tag=[^;]+;from-tag=[^;]+$`),
  );

  // The agent: the held call ended by its BYE, the consultation by the target's.
  const agentAfter = await agent.waitForState((s) => s.session === 'terminated' && s.transfer?.callEnd != null);
  expect(agentAfter.callId).toBe(consulting.callId);
  expect(agentAfter.lastEnd).toEqual({ cause: 'bye', by: 'remote' });
  expect(agentAfter.transfer?.callEnd).toEqual({ cause: 'bye', by: 'local' });
  expect(agentAfter.previousCallId).toBeNull();
  await expectTalking(customer, target);
});

test('a declined REFER keeps the call; after a followed one the customer ends the call the transferor kept', async ({
  browser,
}) => {
  const [agent, customer, target] = await Promise.all([
    peer(browser, '1003', { incoming: { mode: 'answer' } }),
    peer(browser, '1004', { refer: 'reject' }),
    peer(browser, '1005', { incoming: { mode: 'answer' } }),
  ]);
  await customer.call('1003');
  await customer.waitForState((s) => s.session === 'established');

  const declined = await agent.transfer('1005');
  expect(declined.transfer).toMatchObject({ referStatusCode: 603, outcome: 'failed', callEnd: null });
  expect(declined.session).toBe('established');
  expect(await customer.state()).toMatchObject({ session: 'established', refersReceived: 1, referredCall: null });
  await expectTalking(agent, customer);
  expect((await target.state()).incomingCount).toBe(0);

  await customer.setRefer('accept');
  await agent.transfer('1005', { keepCall: true });
  expect((await agent.waitForTransfer()).outcome).toBe('succeeded');
  const ended = await agent.waitForState((s) => s.session === 'terminated');
  expect(ended.lastEnd).toEqual({ cause: 'bye', by: 'remote' });
  const customerAfter = await customer.state();
  expect(customerAfter.refersReceived).toBe(2);
  expect(customerAfter.referredCall?.referrerEnd).toEqual({ cause: 'bye', by: 'local' });
  await expectTalking(customer, target);
});

test('a consultation the target rejects: the agent is back on the held call', async ({ browser }) => {
  const [agent, customer] = await Promise.all([
    peer(browser, '1003', { incoming: { mode: 'answer' } }),
    peer(browser, '1004'),
    peer(browser, '1005', { incoming: { mode: 'reject', statusCode: 486 } }),
  ]);
  await customer.call('1003');
  const original = await agent.waitForState((s) => s.session === 'established');

  await agent.consult('1005');
  await customer.waitForState((s) => s.heldByRemote);
  const back = await agent.waitForState((s) => s.callId === original.callId && s.session === 'established');
  expect(back).toMatchObject({ localHold: true, previousCallId: null, direction: 'in', transfer: null });

  await agent.unhold();
  await customer.waitForState((s) => !s.heldByRemote);
  await expectTalking(agent, customer);
});
