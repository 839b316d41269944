/**
 * The agent's desk (our softphone) against a customer that is not our code: plain sip.js in
 * Chromium with fake audio (tests/support/browser-peer), through a real Kamailio.
 */
import { expect, test } from '@playwright/test';
import { startBrowserPeer } from '../support/browser-peer/index.js';
import { openDesk, useCallStack } from './desk.js';

const stack = useCallStack();
const { hosts, peers } = stack;

test('a customer calls, the agent answers, talks, holds, sends keypad tones, and the customer hangs up', async ({
  browser,
}) => {
  const agent = await openDesk(browser, stack.pbx, '1005', hosts, { calls: { dtmfMethod: 'info' } });
  const customer = await startBrowserPeer(browser, { pbx: stack.pbx, user: '1006', displayName: 'Maria Papadopoulou' });
  peers.push(customer);

  await customer.call('sip:1005@pbx.test');
  const incoming = agent.getByRole('region', { name: 'Incoming call' });
  await expect(incoming).toContainText('Maria Papadopoulou');
  await expect(incoming).toContainText('1006');
  await incoming.getByRole('button', { name: 'Answer' }).click();
  await expect(agent.getByRole('region', { name: 'Current call' })).toContainText('Connected');
  await customer.waitForState((s) => s.session === 'established');
  await customer.waitForAudioFlowing({ direction: 'both' });

  // On hold the customer is told by the SDP, sends nothing back, and hears nothing from the desk.
  await agent.getByRole('button', { name: 'Hold' }).click();
  await expect(agent.getByRole('region', { name: 'Current call' })).toContainText('On hold');
  await customer.waitForState((s) => s.heldByRemote);
  await customer.waitForAudioStopped('both');
  await agent.getByRole('button', { name: 'Resume' }).click();
  await customer.waitForState((s) => !s.heldByRemote);
  await customer.waitForAudioFlowing({ direction: 'both' });

  // Mute: the call stays up, but the customer hears silence (the audio energy they receive stops growing).
  const heardOverASecond = async () => {
    const before = (await customer.audioStats()).inbound?.totalAudioEnergy ?? 0;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    return ((await customer.audioStats()).inbound?.totalAudioEnergy ?? 0) - before;
  };
  await expect.poll(heardOverASecond).toBeGreaterThan(0);
  await agent.getByRole('button', { name: 'Mute' }).click();
  await expect(agent.getByRole('button', { name: 'Unmute' })).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(heardOverASecond).toBeLessThan(1e-6);
  // The call stays up: packets keep coming, carrying silence.
  await customer.waitForAudioFlowing({ direction: 'in', minBytes: 1 });
  await agent.getByRole('button', { name: 'Unmute' }).click();
  await expect.poll(heardOverASecond).toBeGreaterThan(0);

  // Keypad tones by SIP INFO, as this desk's setting says: the customer's side receives them.
  await agent.getByRole('button', { name: 'Keypad' }).click();
  for (const key of ['4', '2']) await agent.getByRole('button', { name: `Key ${key}` }).click();
  await customer.waitForDtmfReceived('42');

  await customer.hangup();
  await expect(agent.getByRole('region', { name: 'Last call' })).toContainText('The other party hung up.');
});

test('the agent calls a customer who is busy, then one who does not exist', async ({ browser }) => {
  const agent = await openDesk(browser, stack.pbx, '1003', hosts);
  const customer = await startBrowserPeer(browser, {
    pbx: stack.pbx,
    user: '1004',
    incoming: { mode: 'reject', statusCode: 486 },
  });
  peers.push(customer);
  await agent.getByLabel('Number or address').fill('1004');
  await agent.keyboard.press('Enter');
  await expect(agent.getByRole('region', { name: 'Last call' })).toContainText('The number is busy.');
  await agent.getByLabel('Number or address').fill('1099');
  await agent.keyboard.press('Enter');
  await expect(agent.getByRole('region', { name: 'Last call' })).toContainText('does not exist');
});

test('the agent cancels an outgoing call before it is answered; a customer who gives up is a missed call', async ({
  browser,
}) => {
  const agent = await openDesk(browser, stack.pbx, '1001', hosts);
  const customer = await startBrowserPeer(browser, { pbx: stack.pbx, user: '1002', incoming: { mode: 'ring' } });
  peers.push(customer);

  await agent.getByLabel('Number or address').fill('1002');
  await agent.keyboard.press('Enter');
  await customer.waitForState((s) => s.session === 'ringing-in');
  await agent.getByRole('button', { name: 'Cancel call' }).click();
  await expect(agent.getByRole('region', { name: 'Last call' })).toContainText('You cancelled the call.');
  await customer.waitForState((s) => s.session === 'terminated' || s.session === 'idle');

  await customer.call('sip:1001@pbx.test');
  await expect(agent.getByRole('region', { name: 'Incoming call' })).toBeVisible();
  await customer.hangup();
  await expect(agent.getByRole('region', { name: 'Last call' })).toContainText('Missed');
  // It stays in the recent calls, marked, until the agent has seen it.
  const recent = agent.getByRole('region', { name: 'Recent calls' });
  await expect(recent.getByRole('listitem').first()).toContainText('Missed');
  await expect(recent.getByLabel('1 missed call not yet seen')).toBeVisible();
  await recent.getByRole('button', { name: 'Mark missed calls as seen' }).click();
  await expect(recent.getByLabel('1 missed call not yet seen')).toBeHidden();
  await expect(recent.getByRole('listitem').first()).toContainText('Missed');

  // One press calls the customer back.
  await agent.getByRole('region', { name: 'Last call' }).getByRole('button', { name: 'Call back' }).click();
  await customer.waitForState((s) => s.session === 'ringing-in');
  await expect(agent.getByRole('region', { name: 'Current call' })).toContainText('1002');
  await agent.getByRole('button', { name: 'Cancel call' }).click();
  await expect(agent.getByRole('button', { name: 'Redial' })).toBeVisible();
});
