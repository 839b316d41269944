/**
 * Call waiting, the decline and call-waiting settings, the recent-calls list, the call sounds and
 * the live quality indicator: the desk (our softphone) against independent sip.js customers in
 * Chromium, through a real Kamailio.
 */
import { expect, test } from '@playwright/test';
import { startBrowserPeer } from '../support/browser-peer/index.js';
import { deskTones, openDesk, useCallStack } from './desk.js';

const stack = useCallStack();
const { hosts, peers } = stack;

async function customer(browser: Parameters<typeof startBrowserPeer>[0], user: string, displayName?: string) {
  const peer = await startBrowserPeer(browser, { pbx: stack.pbx, user, displayName });
  peers.push(peer);
  return peer;
}

test('call waiting: a second caller rings softly, answering holds the first, and the agent goes back to it', async ({
  browser,
}) => {
  const agent = await openDesk(browser, stack.pbx, '1001', hosts);
  const first = await customer(browser, '1002', 'Ioana Popescu');
  const second = await customer(browser, '1003', 'Nikos Georgiou');
  // The agent has used the window (the browser plays sounds only after that).
  await agent.getByRole('status', { name: 'Line' }).click();

  await first.call('sip:1001@pbx.test');
  await expect(agent.getByRole('region', { name: 'Incoming call' })).toContainText('Ioana Popescu');
  await expect.poll(async () => (await deskTones(agent)).ringtone.playing).toBe(true);
  await agent.getByRole('button', { name: 'Answer' }).click();
  await first.waitForAudioFlowing({ direction: 'both' });
  await expect.poll(async () => (await deskTones(agent)).ringtone.playing).toBe(false);

  await second.call('sip:1001@pbx.test');
  const waiting = agent.getByRole('region', { name: 'Incoming call' });
  await expect(waiting).toContainText('Another call is waiting');
  await expect(waiting).toContainText('Nikos Georgiou');
  await expect(waiting).toContainText('Answering puts the call you are on now on hold.');
  await expect.poll(async () => (await deskTones(agent)).ringtone.playing).toBe(true);

  await waiting.getByRole('button', { name: 'Answer' }).click();
  // The first caller waits on hold and hears nothing from the desk; the second talks with the agent.
  await first.waitForState((s) => s.heldByRemote);
  await first.waitForAudioStopped('both');
  await second.waitForState((s) => s.session === 'established');
  await second.waitForAudioFlowing({ direction: 'both' });
  const calls = agent.getByRole('region', { name: 'Current call' });
  await expect(calls).toHaveCount(2);
  await expect(calls.filter({ hasText: 'Ioana Popescu' })).toContainText('On hold');
  await expect(calls.filter({ hasText: 'Nikos Georgiou' })).toContainText('Connected');

  await calls.filter({ hasText: 'Nikos Georgiou' }).getByRole('button', { name: 'Hang up' }).click();
  await second.waitForState((s) => s.session === 'terminated');
  await agent.getByRole('region', { name: 'Current call' }).getByRole('button', { name: 'Resume' }).click();
  await first.waitForState((s) => !s.heldByRemote);
  await first.waitForAudioFlowing({ direction: 'both' });
  await first.hangup();
  await expect(agent.getByRole('region', { name: 'Last call' })).toContainText('The other party hung up.');
});

test('with call waiting set to decline, a second caller is refused at once and shows as missed', async ({
  browser,
}) => {
  const agent = await openDesk(browser, stack.pbx, '1001', hosts, { calls: { callWaiting: 'decline' } });
  const first = await customer(browser, '1002');
  const second = await customer(browser, '1003', 'Olga Smirnova');

  await first.call('sip:1001@pbx.test');
  await agent.getByRole('button', { name: 'Answer' }).click();
  await first.waitForAudioFlowing({ direction: 'both' });

  await second.call('sip:1001@pbx.test');
  await second.waitForState((s) => s.session === 'terminated');
  expect((await second.state()).lastEnd).toMatchObject({ cause: 'rejected', statusCode: 486 });
  await expect(agent.getByRole('region', { name: 'Incoming call' })).toHaveCount(0);
  // The first call never noticed.
  expect((await first.state()).heldByRemote).toBe(false);
  await first.waitForAudioFlowing({ direction: 'both' });

  const recent = agent.getByRole('region', { name: 'Recent calls' });
  await expect(recent.getByRole('listitem').first()).toContainText('Olga Smirnova');
  await expect(recent.getByRole('listitem').first()).toContainText('Missed');
  await expect(recent.getByLabel('1 missed call not yet seen')).toBeVisible();
});

test('declining sends 603 when the agent chose it, and 486 by default', async ({ browser }) => {
  const agent = await openDesk(browser, stack.pbx, '1001', hosts, { calls: { declineCode: 603 } });
  const caller = await customer(browser, '1002');
  await caller.call('sip:1001@pbx.test');
  await agent.getByRole('button', { name: 'Decline' }).click();
  await caller.waitForState((s) => s.session === 'terminated');
  expect((await caller.state()).lastEnd).toMatchObject({ cause: 'rejected', statusCode: 603 });
  await expect(agent.getByRole('region', { name: 'Last call' })).toContainText('You declined the call.');

  // Changed in the settings screen, it applies to the next call.
  await agent.getByRole('button', { name: 'Settings', exact: true }).click();
  await agent.getByRole('button', { name: /When you decline a call/ }).click();
  await agent.getByRole('option', { name: 'Tell the caller you are busy (486)' }).click();
  await agent.getByRole('button', { name: 'Save settings' }).click();
  await expect(agent.getByText('Settings saved.')).toBeVisible();
  await agent.getByRole('button', { name: 'Close settings' }).click();
  await caller.call('sip:1001@pbx.test');
  await agent.getByRole('button', { name: 'Decline' }).click();
  await caller.waitForState((s) => s.session === 'terminated' && s.lastEnd?.statusCode === 486);
});

test('calling out plays the ringback tone until the customer answers; the quality indicator reads the real line', async ({
  browser,
}) => {
  const agent = await openDesk(browser, stack.pbx, '1001', hosts);
  const callee = await customer(browser, '1002');
  await agent.getByLabel('Number or address').fill('1002');
  await agent.keyboard.press('Enter');
  await callee.waitForState((s) => s.session === 'ringing-in');
  await expect(agent.getByRole('region', { name: 'Current call' })).toContainText('Ringing');
  await expect.poll(async () => (await deskTones(agent)).ringback.playing).toBe(true);
  await callee.answer();
  await expect(agent.getByRole('region', { name: 'Current call' })).toContainText('Connected');
  await expect.poll(async () => (await deskTones(agent)).ringback.playing).toBe(false);

  // On loopback the line is clean: the E-model gives a good score from the live statistics.
  const meter = agent.getByRole('meter', { name: 'Call quality' });
  await expect(meter).toHaveAttribute('aria-valuetext', 'Good', { timeout: 20_000 });
  expect(Number(await meter.getAttribute('aria-valuenow'))).toBeGreaterThanOrEqual(4);
  await expect(agent.getByRole('region', { name: 'Current call' }).getByRole('alert')).toHaveCount(0);
  await agent.getByRole('button', { name: 'Hang up' }).click();
  await callee.waitForState((s) => s.session === 'terminated');
});

test('a tel: link opened as the desk’s address asks first: Escape calls nobody, Enter calls; an unusable link is named', async ({
  browser,
}) => {
  const agent = await openDesk(browser, stack.pbx, '1001', hosts);
  const web = hosts.at(-1)!;
  const callee = await startBrowserPeer(browser, {
    pbx: stack.pbx,
    user: '1004',
    incoming: { mode: 'answer', afterMs: 300 },
  });
  peers.push(callee);
  const open = (link: string) => agent.goto(`${web.url}&dial=${encodeURIComponent(link)}`);
  const prompt = agent.getByRole('alertdialog', { name: 'Call from a link' });

  await open('tel:1004');
  await expect(prompt).toContainText('Another program asks to call 1004. Call now?');
  // The link leaves the address at once: a reload does not offer the call again.
  expect(new URL(agent.url()).searchParams.has('dial')).toBe(false);
  await expect(prompt.getByRole('button', { name: 'Call', exact: true })).toBeFocused();
  await agent.keyboard.press('Escape');
  await expect(prompt).toHaveCount(0);
  await expect(agent.getByRole('region', { name: 'Current call' })).toHaveCount(0);

  // A SIP link's parameters and headers are dropped; Enter calls.
  await open('sip:1004@pbx.test;transport=tcp?Subject=free%20money');
  await expect(prompt).toContainText('Another program asks to call 1004.');
  await agent.keyboard.press('Enter');
  await callee.waitForState((s) => s.session === 'established');
  const call = agent.getByRole('region', { name: 'Current call' });
  await expect(call).toContainText('Connected');
  await call.getByRole('button', { name: 'Hang up' }).click();
  await callee.waitForState((s) => s.session === 'terminated');

  await open('tel:call-me-maybe');
  await expect(prompt).toContainText('This link holds no number or address the desk can call: tel:call-me-maybe');
  await prompt.getByRole('button', { name: 'Dismiss' }).click();
  await expect(prompt).toHaveCount(0);
});
