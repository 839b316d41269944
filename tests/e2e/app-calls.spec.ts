/**
 * Calls between two desks, each a full softphone (web host + Chromium page with fake audio),
 * through a real Kamailio: audio is proven by the RTP counters of each side's RTCPeerConnection.
 */
import { expect, test, type Page } from '@playwright/test';
import { startPbx, type Pbx } from '../../tools/pbx/pbx.js';
import { openDesk } from './desk.js';
import { attachHostLogs, type WebHostProcess } from './stack.js';

let pbx: Pbx;
const hosts: WebHostProcess[] = [];

test.beforeAll(async () => {
  pbx = await startPbx();
});
// Each test's desks unregister when it ends, so that no desk of an earlier test is rung as well.
test.afterEach(async () => {
  await attachHostLogs(hosts);
  for (const host of hosts.splice(0)) await host.stop();
});
test.afterAll(async () => {
  await pbx?.stop();
});

type Counters = { bytesSent: number; bytesReceived: number; tonesPlayed?: string };
async function counters(page: Page): Promise<Counters> {
  return page.evaluate(async () => {
    const media = (
      globalThis as unknown as { softphoneMedia: { callIds(): string[]; stats(id: string): Promise<Counters> } }
    ).softphoneMedia;
    const id = media.callIds()[0];
    return id ? media.stats(id) : { bytesSent: 0, bytesReceived: 0 };
  });
}

/** Audio flows when both counters keep growing over a second. */
async function expectAudioFlowing(page: Page, direction: 'both' | 'send' | 'receive' = 'both') {
  await expect
    .poll(
      async () => {
        const before = await counters(page);
        await page.waitForTimeout(700);
        const after = await counters(page);
        const sent = after.bytesSent > before.bytesSent;
        const received = after.bytesReceived > before.bytesReceived;
        return direction === 'both' ? sent && received : direction === 'send' ? sent : received;
      },
      { timeout: 15_000 },
    )
    .toBe(true);
}

test('one desk calls another, it is answered, audio flows both ways, and hang-up ends both', async ({ browser }) => {
  const agent = await openDesk(browser, pbx, '1001', hosts);
  const colleague = await openDesk(browser, pbx, '1002', hosts);

  await colleague.getByLabel('Number or address').fill('1001');
  await colleague.getByRole('button', { name: 'Call', exact: true }).click();
  await expect(colleague.getByRole('region', { name: 'Current call' })).toContainText(/Calling|Ringing/);

  const incoming = agent.getByRole('region', { name: 'Incoming call' });
  await expect(incoming).toContainText('1002');
  await expect(incoming).toContainText('Agent Two');
  await expect(incoming.getByRole('button', { name: 'Answer' })).toBeFocused();
  await incoming.getByRole('button', { name: 'Answer' }).click();

  await expect(agent.getByRole('region', { name: 'Current call' })).toContainText('Connected');
  await expect(colleague.getByRole('region', { name: 'Current call' })).toContainText('Connected');
  await expectAudioFlowing(agent);
  await expectAudioFlowing(colleague);

  // Hold: the held side is told, and no audio crosses either way (the caller never hears the desk).
  await agent.getByRole('button', { name: 'Hold' }).click();
  await expect(agent.getByRole('region', { name: 'Current call' })).toContainText('On hold');
  await expect(colleague.getByRole('region', { name: 'Current call' })).toContainText('put you on hold');
  await colleague.waitForTimeout(500); // packets already in flight
  const [heldAt, holderAt] = [await counters(colleague), await counters(agent)];
  await colleague.waitForTimeout(1500);
  const [held, holder] = [await counters(colleague), await counters(agent)];
  expect(held.bytesReceived - heldAt.bytesReceived).toBeLessThan(200);
  expect(holder.bytesReceived - holderAt.bytesReceived).toBeLessThan(200);
  await agent.getByRole('button', { name: 'Resume' }).click();
  await expect(agent.getByRole('region', { name: 'Current call' })).toContainText('Connected');
  await expectAudioFlowing(colleague, 'receive');

  // Keypad tones go into the audio stream (RFC 4733): the sending side's DTMF sender plays them.
  await agent.getByRole('button', { name: 'Keypad' }).click();
  for (const key of ['1', '2', '#']) await agent.getByRole('button', { name: `Key ${key}` }).click();
  await expect(agent.getByRole('status', { name: 'Tones sent' })).toHaveText('12#');
  await expect.poll(async () => (await counters(agent)).tonesPlayed, { timeout: 10_000 }).toBe('12#');

  // Mute: the microphone is silenced, the call stays up.
  await agent.getByRole('button', { name: 'Mute' }).click();
  await expect(agent.getByRole('button', { name: 'Unmute' })).toHaveAttribute('aria-pressed', 'true');
  await agent.getByRole('button', { name: 'Unmute' }).click();

  await agent.getByRole('button', { name: 'Hang up' }).click();
  await expect(agent.getByRole('region', { name: 'Last call' })).toContainText('You ended the call.');
  await expect(colleague.getByRole('region', { name: 'Last call' })).toContainText('The other party hung up.');
});

test('a declined call is reported as such on both sides', async ({ browser }) => {
  const agent = await openDesk(browser, pbx, '1003', hosts);
  const colleague = await openDesk(browser, pbx, '1004', hosts);
  await colleague.getByLabel('Number or address').fill('1003');
  await colleague.keyboard.press('Enter');
  await agent.getByRole('region', { name: 'Incoming call' }).getByRole('button', { name: 'Decline' }).click();
  await expect(agent.getByRole('region', { name: 'Last call' })).toContainText('You declined the call.');
  await expect(colleague.getByRole('region', { name: 'Last call' })).toContainText('The number is busy.');
});

/** Makes the page's media engine stop answering, as a frozen or crashed window would. */
async function freezeMedia(page: Page) {
  await page.evaluate(() => {
    const media = (globalThis as unknown as { softphoneMedia: { handle: () => Promise<never> } }).softphoneMedia;
    media.handle = () => new Promise<never>(() => undefined);
  });
}

test('when the media side stops answering, an outgoing call ends cleanly and the agent is told', async ({
  browser,
}) => {
  const agent = await openDesk(browser, pbx, '1005', hosts);
  const colleague = await openDesk(browser, pbx, '1006', hosts);
  await freezeMedia(agent);
  await agent.getByLabel('Number or address').fill('1006');
  await agent.keyboard.press('Enter');
  // The core's own deadline (10 s) ends it: no INVITE reached the colleague.
  await expect(agent.getByRole('region', { name: 'Last call' })).toContainText('audio could not be set up', {
    timeout: 20_000,
  });
  await expect(colleague.getByRole('region', { name: 'Incoming call' })).toHaveCount(0);
  await expect(agent.getByRole('status', { name: 'Line' })).toContainText('Registered');
});

test('when the media side stops answering, an incoming call is refused with 480 and shown as such', async ({
  browser,
}) => {
  const agent = await openDesk(browser, pbx, '1003', hosts);
  const colleague = await openDesk(browser, pbx, '1004', hosts);
  await colleague.getByLabel('Number or address').fill('1003');
  await colleague.keyboard.press('Enter');
  const incoming = agent.getByRole('region', { name: 'Incoming call' });
  await expect(incoming).toBeVisible();
  await freezeMedia(agent);
  await incoming.getByRole('button', { name: 'Answer' }).click();
  await expect(agent.getByRole('region', { name: 'Last call' })).toContainText('audio could not be set up', {
    timeout: 20_000,
  });
  await expect(colleague.getByRole('region', { name: 'Last call' })).toContainText('cannot be reached right now');
});
