/**
 * The line heals itself: the desk reaches Kamailio through a fault relay of the test's own
 * (tests/support/fault-relay.ts) that resets, black-holes or delays the connection on command,
 * while an independent sip.js customer in Chromium talks to the desk directly through Kamailio.
 */
import { expect, test, type Page } from '@playwright/test';
import { startPbx, type Pbx } from '../../tools/pbx/pbx.js';
import { startBrowserPeer, type BrowserPeer } from '../support/browser-peer/index.js';
import { startFaultRelay, type FaultRelay } from '../support/fault-relay.js';
import { openDesk } from './desk.js';
import { attachHostLogs, type WebHostProcess } from './stack.js';

let pbx: Pbx;
let relay: FaultRelay;
const hosts: WebHostProcess[] = [];
const peers: BrowserPeer[] = [];

test.beforeAll(async () => {
  pbx = await startPbx();
});
test.beforeEach(async () => {
  relay = await startFaultRelay({ upstreamUrl: pbx.wsUrl });
});
test.afterEach(async () => {
  const info = test.info();
  if (info.status !== info.expectedStatus) {
    await info.attach('relay events', { body: relay.describe(), contentType: 'text/plain' });
  }
  await attachHostLogs(hosts);
  for (const peer of peers.splice(0)) await peer.close();
  for (const host of hosts.splice(0)) await host.stop();
  await relay.close();
});
test.afterAll(async () => {
  await pbx?.stop();
});

/** The desk, registered through the relay. */
async function deskBehindRelay(browser: Parameters<typeof openDesk>[0], user = '1001'): Promise<Page> {
  return openDesk(browser, { ...pbx, wsUrl: relay.url }, user, hosts);
}

async function customer(browser: Parameters<typeof startBrowserPeer>[0], user = '1002'): Promise<BrowserPeer> {
  const peer = await startBrowserPeer(browser, { pbx, user, displayName: 'Anna Rossi' });
  peers.push(peer);
  return peer;
}

async function talking(agent: Page, peer: BrowserPeer): Promise<void> {
  await peer.call('sip:1001@pbx.test');
  await agent.getByRole('region', { name: 'Incoming call' }).getByRole('button', { name: 'Answer' }).click();
  await peer.waitForState((s) => s.session === 'established');
  await peer.waitForAudioFlowing({ direction: 'both' });
}

const line = (agent: Page) => agent.getByRole('status', { name: 'Line' });
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('a call survives repeated cuts of the connection, and the customer can still hang up afterwards', async ({
  browser,
}) => {
  test.setTimeout(240_000);
  const agent = await deskBehindRelay(browser);
  const peer = await customer(browser);
  await talking(agent, peer);
  const call = agent.getByRole('region', { name: 'Current call' });

  const cuts = Number(process.env.FLAP_CUTS ?? 6);
  for (let cut = 0; cut < cuts; cut++) {
    relay.cut();
    await expect(line(agent)).toContainText('Not registered');
    await pause(1000 + (cut % 3) * 1000);
    relay.restore();
    await expect(line(agent)).toContainText('Registered', { timeout: 15_000 });
    await expect(call).toContainText('Connected');
    await peer.waitForAudioFlowing({ direction: 'both' });
  }

  // The customer's BYE reaches the desk over the newest connection: the dialog moved with it.
  await peer.hangup();
  await expect(agent.getByRole('region', { name: 'Last call' })).toContainText('The other party hung up.');
  // Each cut is in the line-health panel, with the reason in plain words.
  await agent.getByRole('button', { name: 'Line health' }).click();
  await expect(agent.getByRole('heading', { name: `${cuts} reconnections today` })).toBeVisible();
  await expect(agent.getByRole('list', { name: 'Reconnections today' }).getByRole('listitem').first()).toContainText(
    'The connection to the phone server was lost',
  );
});

test('a half-open connection is noticed by the keepalive and replaced', async ({ browser }) => {
  test.setTimeout(120_000);
  const agent = await deskBehindRelay(browser);
  const peer = await customer(browser);
  await talking(agent, peer);

  // Nothing gets through any more, and no RST or FIN says so: only the keepalive can tell.
  const connectionsBefore = relay.events.filter((event) => event.type === 'connect').length;
  relay.blackhole();
  await pause(500);
  relay.restore();
  // The desk gives the dead connection up and opens a new one. (Not read from the line status: with
  // the quick first retry, "Not registered" may show for less than a poll of the page.)
  await expect
    .poll(() => relay.events.filter((event) => event.type === 'connect').length, { timeout: 45_000 })
    .toBeGreaterThan(connectionsBefore);
  await expect(line(agent)).toContainText('Registered', { timeout: 15_000 });
  await expect(agent.getByRole('region', { name: 'Current call' })).toContainText('Connected');
  await peer.waitForAudioFlowing({ direction: 'both' });
  await peer.hangup();
  await expect(agent.getByRole('region', { name: 'Last call' })).toContainText('The other party hung up.');
});

test('a call that rings while the connection breaks ends in a defined state, and the line comes back', async ({
  browser,
}) => {
  const agent = await deskBehindRelay(browser);
  const peer = await customer(browser);
  await peer.call('sip:1001@pbx.test');
  await expect(agent.getByRole('region', { name: 'Incoming call' })).toBeVisible();
  relay.cut();
  await peer.hangup();
  await pause(1000);
  relay.restore();
  await expect(line(agent)).toContainText('Registered', { timeout: 15_000 });
  // The desk cannot learn whether the caller gave up: it shows no ringing call nobody can answer.
  await expect(agent.getByRole('region', { name: 'Incoming call' })).toHaveCount(0);
  await expect(agent.getByRole('region', { name: 'Current call' })).toHaveCount(0);
  await expect(agent.getByRole('region', { name: 'Last call' })).toContainText(
    'The call dropped: the connection to the phone server was lost.',
  );

  // And the next call works.
  await talking(agent, peer);
});

test('a call on hold survives a cut and is resumed', async ({ browser }) => {
  const agent = await deskBehindRelay(browser);
  const peer = await customer(browser);
  await talking(agent, peer);
  await agent.getByRole('button', { name: 'Hold' }).click();
  await peer.waitForState((s) => s.heldByRemote);
  // The hold's re-INVITE is complete on the desk's side too (a cut in the middle of it: below).
  await expect(agent.getByRole('region', { name: 'Current call' })).toContainText('On hold');

  relay.cut();
  await pause(2000);
  relay.restore();
  await expect(line(agent)).toContainText('Registered', { timeout: 15_000 });
  // Still held after the recovery re-INVITE: the customer hears nothing from the desk.
  await expect(agent.getByRole('region', { name: 'Current call' })).toContainText('On hold');
  await peer.waitForState((s) => s.heldByRemote);
  await peer.waitForAudioStopped('both');
  await agent.getByRole('button', { name: 'Resume' }).click();
  await peer.waitForState((s) => !s.heldByRemote);
  await peer.waitForAudioFlowing({ direction: 'both' });
});

/**
 * The agent presses Hold just as the connection dies: the hold's re-INVITE goes out and its answer
 * never comes back. `lost` says how much the dying connection takes with it: the re-INVITE itself
 * (both ways black-holed), or only the far end's 200 OK (the customer is already on hold and waits
 * for our ACK). Either way the call must come back over the new connection on hold, as the agent
 * asked, and not be dropped because the unanswered re-INVITE stands in the way of the recovery one.
 */
for (const lost of ['the re-INVITE', 'only its answer'] as const) {
  test(`a cut in the middle of putting the call on hold (${lost} lost): the call comes back on hold`, async ({
    browser,
  }) => {
    test.setTimeout(120_000);
    const agent = await deskBehindRelay(browser);
    const peer = await customer(browser);
    await talking(agent, peer);
    const call = agent.getByRole('region', { name: 'Current call' });

    if (lost === 'the re-INVITE') {
      relay.blackhole();
      await agent.getByRole('button', { name: 'Hold' }).click();
      // The re-INVITE with its offer (over a kilobyte, unlike a keepalive) went into the hole.
      await expect.poll(() => relay.stats().dropped.toUpstream, { timeout: 15_000 }).toBeGreaterThan(1000);
    } else {
      relay.blackhole({ only: 'toClient' });
      await agent.getByRole('button', { name: 'Hold' }).click();
      // The customer has the hold and has answered it; the 200 OK with its answer went into the hole.
      await peer.waitForState((s) => s.heldByRemote);
      await expect.poll(() => relay.stats().dropped.toClient, { timeout: 15_000 }).toBeGreaterThan(500);
    }
    // Nothing came back: the desk does not claim a hold it has no answer for.
    await expect(call).toContainText('Connected');
    await expect(call).not.toContainText('On hold');

    relay.cut();
    await expect(line(agent)).toContainText('Not registered');
    await pause(1500);
    relay.restore();
    await expect(line(agent)).toContainText('Registered', { timeout: 15_000 });

    // The recovery re-INVITE carried the hold: the desk and the customer agree that the call is held.
    await expect(call).toContainText('On hold');
    await expect(call.getByRole('button', { name: 'Resume' })).toBeVisible();
    await peer.waitForState((s) => s.heldByRemote && s.session === 'established');
    await peer.waitForAudioStopped('both');

    // The dialog is whole again: resuming works, and the customer's BYE reaches the desk.
    await call.getByRole('button', { name: 'Resume' }).click();
    await peer.waitForState((s) => !s.heldByRemote);
    await expect(call).not.toContainText('On hold');
    await peer.waitForAudioFlowing({ direction: 'both' });
    await peer.hangup();
    await expect(agent.getByRole('region', { name: 'Last call' })).toContainText('The other party hung up.');
  });
}

test('Hold pressed while the line is down takes effect with the recovery', async ({ browser }) => {
  const agent = await deskBehindRelay(browser);
  const peer = await customer(browser);
  await talking(agent, peer);
  const call = agent.getByRole('region', { name: 'Current call' });

  relay.cut();
  await expect(line(agent)).toContainText('Not registered');
  await call.getByRole('button', { name: 'Hold' }).click();
  await pause(1000);
  // Nothing could be sent: the desk does not show a hold the customer does not have.
  await expect(call).not.toContainText('On hold');
  relay.restore();
  await expect(line(agent)).toContainText('Registered', { timeout: 15_000 });

  await expect(call).toContainText('On hold');
  await peer.waitForState((s) => s.heldByRemote && s.session === 'established');
  await peer.waitForAudioStopped('both');
  await call.getByRole('button', { name: 'Resume' }).click();
  await peer.waitForState((s) => !s.heldByRemote);
  await peer.waitForAudioFlowing({ direction: 'both' });
  await peer.hangup();
  await expect(agent.getByRole('region', { name: 'Last call' })).toContainText('The other party hung up.');
});

test('a cut just as the customer puts the call on hold (our answer lost): the hold completes and the call comes back', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const agent = await deskBehindRelay(browser);
  const peer = await customer(browser);
  await talking(agent, peer);
  const call = agent.getByRole('region', { name: 'Current call' });

  // The customer's re-INVITE reaches the desk; the desk's 200 OK goes into the hole.
  relay.blackhole({ only: 'toUpstream' });
  const holding = peer.hold().then(
    () => 'held',
    (error: Error) => error.message,
  );
  await expect(call).toContainText('The other party put you on hold');
  await expect.poll(() => relay.stats().dropped.toUpstream, { timeout: 15_000 }).toBeGreaterThan(500);

  relay.cut();
  await expect(line(agent)).toContainText('Not registered');
  await pause(1500);
  relay.restore();
  await expect(line(agent)).toContainText('Registered', { timeout: 15_000 });

  // The customer gets its answer over the new connection, and the desk's recovery follows it:
  // its re-INVITE tells the customer where the desk is now (until then the customer's next request
  // would go to the dead connection; the recovery waits and tries again if the two cross).
  expect(await holding).toBe('held');
  await peer.waitForState((s) => s.reinvitesReceived >= 1, 20_000);
  await expect(call).toContainText('The other party put you on hold');
  await expect(call).not.toContainText('On hold');
  await peer.waitForState((s) => s.localHold && s.session === 'established');
  // Still held after the recovery's new offer and answer: the desk sends the customer nothing.
  expect((await peer.audioStats()).currentDirection).toBe('sendonly');
  await peer.waitForAudioStopped('in');

  await peer.unhold();
  await expect(call).not.toContainText('The other party put you on hold');
  await expect(call).toContainText('Connected');
  await peer.waitForAudioFlowing({ direction: 'both' });
  await peer.hangup();
  await expect(agent.getByRole('region', { name: 'Last call' })).toContainText('The other party hung up.');
});

test('a cut during an attended transfer leaves the agent with both calls, and the transfer can be completed', async ({
  browser,
}) => {
  const agent = await deskBehindRelay(browser);
  const peer = await customer(browser);
  const target = await startBrowserPeer(browser, { pbx, user: '1003', incoming: { mode: 'answer', afterMs: 200 } });
  peers.push(target);
  await talking(agent, peer);
  await agent.getByRole('button', { name: 'Transfer' }).click();
  await agent.getByLabel('Transfer to (number or address)').fill('1003');
  await agent.getByRole('button', { name: 'Consult first' }).click();
  const consultation = agent.getByRole('region', { name: 'Consultation call' });
  await expect(consultation).toContainText('Connected');

  relay.cut();
  await pause(1500);
  relay.restore();
  await expect(line(agent)).toContainText('Registered', { timeout: 15_000 });
  await expect(consultation).toContainText('Connected');
  await expect(agent.getByRole('region', { name: 'Current call' })).toContainText('On hold while you consult 1003.');

  await consultation.getByRole('button', { name: 'Complete transfer' }).click();
  await expect(agent.getByRole('region', { name: 'Last call' })).toContainText('You transferred the call.');
  await peer.waitForState((s) => s.referredCall?.established === true);
  await peer.waitForAudioFlowing({ direction: 'both' });
  await target.waitForAudioFlowing({ direction: 'both' });
});

test('Kamailio restarted: the desk registers again once it is back', async ({ browser }) => {
  const agent = await deskBehindRelay(browser);
  const { wsPort, udpPort } = pbx;
  await pbx.stop();
  await expect(line(agent)).toContainText('Not registered');
  pbx = await startPbx({ wsPort, udpPort });
  await expect(line(agent)).toContainText('Registered', { timeout: 15_000 });
  const peer = await customer(browser);
  await talking(agent, peer);
});
