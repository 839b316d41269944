/**
 * Transfers and auto-answer: the desk (our softphone) with independent sip.js peers in Chromium as
 * the customer and the transfer target, through a real Kamailio. Each transfer is proven by the
 * customer's new call and by audio flowing between the customer and the target afterwards.
 */
import { expect, test, type Page } from '@playwright/test';
import { startBrowserPeer, type BrowserPeer, type BrowserPeerOptions } from '../support/browser-peer/index.js';
import { openDesk, useCallStack } from './desk.js';

const stack = useCallStack();
const { hosts, peers } = stack;

async function peer(
  browser: Parameters<typeof startBrowserPeer>[0],
  user: string,
  options: Partial<BrowserPeerOptions> = {},
): Promise<BrowserPeer> {
  const started = await startBrowserPeer(browser, { pbx: stack.pbx, user, ...options });
  peers.push(started);
  return started;
}

/** The customer calls the desk and the agent answers; audio flows both ways. */
async function customerOnTheLine(agent: Page, customer: BrowserPeer): Promise<void> {
  await customer.call('sip:1001@pbx.test');
  await agent.getByRole('region', { name: 'Incoming call' }).getByRole('button', { name: 'Answer' }).click();
  await customer.waitForState((s) => s.session === 'established');
  await customer.waitForAudioFlowing({ direction: 'both' });
}

async function openTransfer(agent: Page, target: string): Promise<void> {
  await agent.getByRole('button', { name: 'Transfer' }).click();
  await agent.getByLabel('Transfer to (number or address)').fill(target);
}

test('blind transfer: the customer ends up talking to the target and the agent is free', async ({ browser }) => {
  const agent = await openDesk(browser, stack.pbx, '1001', hosts);
  const customer = await peer(browser, '1002', { displayName: 'Elena Ionescu' });
  const target = await peer(browser, '1003', { incoming: { mode: 'answer', afterMs: 300 } });
  await customerOnTheLine(agent, customer);

  await openTransfer(agent, '1003');
  await agent.getByRole('button', { name: 'Transfer now' }).click();
  await expect(agent.getByRole('region', { name: 'Last call' })).toContainText('You transferred the call.');

  const after = await customer.waitForState((s) => s.referredCall?.established === true);
  expect(after.referredCall?.replaces).toBeNull();
  await customer.waitForState((s) => s.referredCall?.referrerEnd != null);
  await target.waitForState((s) => s.session === 'established');
  await customer.waitForAudioFlowing({ direction: 'both' });
  await target.waitForAudioFlowing({ direction: 'both' });
  await expect(agent.getByRole('region', { name: 'Current call' })).toHaveCount(0);
});

test('a blind transfer that fails leaves the customer with the agent, and says why', async ({ browser }) => {
  const agent = await openDesk(browser, stack.pbx, '1001', hosts);
  const customer = await peer(browser, '1002');
  await peer(browser, '1003', { incoming: { mode: 'reject', statusCode: 486 } });
  await customerOnTheLine(agent, customer);

  await openTransfer(agent, '1003');
  await agent.getByRole('button', { name: 'Transfer now' }).click();
  const call = agent.getByRole('region', { name: 'Current call' });
  await expect(call.getByRole('alert')).toContainText('The transfer to 1003 did not go through (486)');
  await expect(call).toContainText('Connected');
  expect((await customer.state()).session).toBe('established');
  await customer.waitForAudioFlowing({ direction: 'both' });
});

test('attended transfer: the agent consults the target with the customer on hold, writes a note, completes', async ({
  browser,
}) => {
  const agent = await openDesk(browser, stack.pbx, '1001', hosts);
  const customer = await peer(browser, '1002', { displayName: 'Elena Ionescu' });
  const target = await peer(browser, '1003', { incoming: { mode: 'answer', afterMs: 300 } });
  await customerOnTheLine(agent, customer);

  await openTransfer(agent, '1003');
  await agent.getByRole('button', { name: 'Consult first' }).click();
  // The customer waits on hold, hearing nothing from the desk; the agent talks to the target.
  await customer.waitForState((s) => s.heldByRemote);
  await customer.waitForAudioStopped('both');
  const consultation = agent.getByRole('region', { name: 'Consultation call' });
  await expect(consultation).toContainText('Connected');
  await target.waitForAudioFlowing({ direction: 'both' });
  await expect(agent.getByRole('region', { name: 'Current call' })).toContainText('On hold while you consult 1003.');
  await consultation.getByLabel('Handover note').fill('Wants to move the contract to her daughter.');
  // The note is kept with the customer's call and shown on it: that line moves the consultation's
  // buttons down, so the click waits for it (a click during the shift can land beside the button).
  await expect(agent.getByRole('region', { name: 'Current call' })).toContainText(
    'Handover note: Wants to move the contract to her daughter.',
  );

  await consultation.getByRole('button', { name: 'Complete transfer' }).click();
  const last = agent.getByRole('region', { name: 'Last call' });
  await expect(last).toContainText('You transferred the call.');
  await expect(last).toContainText('Handover note: Wants to move the contract to her daughter.');
  await expect(agent.getByRole('region', { name: 'Current call' })).toHaveCount(0);
  await expect(agent.getByRole('region', { name: 'Consultation call' })).toHaveCount(0);

  // The customer's new call replaced the consultation at the target (RFC 3891), and they talk.
  const after = await customer.waitForState((s) => s.referredCall?.established === true);
  expect(after.referredCall?.replaces).toBeTruthy();
  await target.waitForState((s) => s.replacedCount === 1);
  await customer.waitForAudioFlowing({ direction: 'both' });
  await target.waitForAudioFlowing({ direction: 'both' });
});

test('attended transfer abandoned: the consultation ends and the agent is back with the customer', async ({
  browser,
}) => {
  const agent = await openDesk(browser, stack.pbx, '1001', hosts);
  const customer = await peer(browser, '1002');
  const target = await peer(browser, '1003', { incoming: { mode: 'answer', afterMs: 300 } });
  await customerOnTheLine(agent, customer);

  await openTransfer(agent, '1003');
  await agent.getByRole('button', { name: 'Consult first' }).click();
  const consultation = agent.getByRole('region', { name: 'Consultation call' });
  await expect(consultation).toContainText('Connected');
  await consultation.getByRole('button', { name: 'Back to the caller' }).click();

  await target.waitForState((s) => s.session === 'terminated');
  await customer.waitForState((s) => !s.heldByRemote);
  await customer.waitForAudioFlowing({ direction: 'both' });
  const call = agent.getByRole('region', { name: 'Current call' });
  await expect(call).toHaveCount(1);
  await expect(call).toContainText('Connected');
  expect((await customer.state()).refersReceived).toBe(0);
});

test('the desk as the target of an attended transfer: the customer takes the consultation’s place', async ({
  browser,
}) => {
  const agent = await openDesk(browser, stack.pbx, '1001', hosts);
  const customer = await peer(browser, '1002', { displayName: 'Dmitri Volkov' });
  const colleague = await peer(browser, '1003', { incoming: { mode: 'answer', afterMs: 0 } });
  await customer.call('sip:1003@pbx.test');
  await colleague.waitForState((s) => s.session === 'established');

  await colleague.consult('1001');
  await agent.getByRole('region', { name: 'Incoming call' }).getByRole('button', { name: 'Answer' }).click();
  await colleague.waitForState((s) => s.session === 'established' && s.previousCallId !== null);
  await colleague.completeTransfer();
  expect((await colleague.waitForTransfer()).outcome).toBe('succeeded');

  // No ringing: the desk took the customer's INVITE with Replaces at once, in the colleague's place.
  // For a moment both calls show (the customer's answered, the colleague's not yet ended): an
  // assertion on "the" current call would fail at once on the two of them.
  const call = agent.getByRole('region', { name: 'Current call' });
  await expect(call).toHaveCount(1);
  await expect(call).toContainText('Dmitri Volkov');
  await expect(call).toContainText('Connected');
  await expect(agent.getByRole('region', { name: 'Incoming call' })).toHaveCount(0);
  await customer.waitForState((s) => s.referredCall?.established === true);
  await customer.waitForAudioFlowing({ direction: 'both' });
});

test('auto-answer: the desk answers by itself when the PBX asks and the agent allows it, not otherwise', async ({
  browser,
}) => {
  const agent = await openDesk(browser, stack.pbx, '1001', hosts, { calls: { autoAnswer: true } });
  const caller = await peer(browser, '1002');
  await caller.call('sip:1001@pbx.test', { extraHeaders: ['Call-Info: <sip:pbx.test>;answer-after=0'] });
  await caller.waitForState((s) => s.session === 'established');
  await caller.waitForAudioFlowing({ direction: 'both' });
  await expect(agent.getByRole('region', { name: 'Current call' })).toContainText('answered automatically');
  await caller.hangup();
  await expect(agent.getByRole('region', { name: 'Last call' })).toBeVisible();

  // Without the header the call rings for the agent as usual.
  await caller.call('sip:1001@pbx.test');
  await expect(agent.getByRole('region', { name: 'Incoming call' })).toBeVisible();
  await agent.waitForTimeout(1500);
  // Still ringing (180), not answered.
  expect((await caller.state()).session).toBe('early');
  await caller.hangup();
});

test('auto-answer requests are ignored while the agent has not allowed them', async ({ browser }) => {
  const agent = await openDesk(browser, stack.pbx, '1001', hosts);
  const caller = await peer(browser, '1002');
  await caller.call('sip:1001@pbx.test', {
    extraHeaders: ['Alert-Info: <http://pbx.test>;info=alert-autoanswer'],
  });
  await expect(agent.getByRole('region', { name: 'Incoming call' })).toBeVisible();
  await agent.waitForTimeout(1500);
  // Still ringing (180), not answered.
  expect((await caller.state()).session).toBe('early');
  await caller.hangup();
});
