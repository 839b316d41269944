/**
 * An outbound list worked in order on real calls: imported from a CSV file on the screen (a bad
 * row refused with its line), "Call next" dials the first entry (a sip.js peer that answers, through
 * a real Kamailio) with the outbound guidance, the person has no time now: the outcome makes a
 * callback at the agreed time, and the list moves on to the next entry.
 */
import { expect, test } from '@playwright/test';
import { startBrowserPeer } from '../support/browser-peer/index.js';
import { currentPhase, openDesk, useCallStack } from './desk.js';

const stack = useCallStack();
const { hosts, peers } = stack;

test('an outbound list: imported, called in order, "not now" becomes a callback', async ({ browser }) => {
  test.setTimeout(120_000);
  const agent = await openDesk(browser, stack.pbx, '1005', hosts);
  const first = await startBrowserPeer(browser, {
    pbx: stack.pbx,
    user: '1006',
    incoming: { mode: 'answer', afterMs: 300 },
  });
  peers.push(first);

  await agent.getByRole('button', { name: /^Outbound/ }).click();
  const panel = agent.getByRole('region', { name: 'Outbound lists' });
  const csv = [
    'name,number,note',
    'Eleni Papadaki,1006,Renewal of the contract',
    'Nobody,call me maybe,',
    'Ion Popescu,1004,Survey',
  ];
  await panel.locator('input[type="file"]').setInputFiles({
    name: 'renewals.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(csv.join('\n')),
  });
  await expect(panel).toContainText('2 entries imported');
  await expect(panel.getByRole('list', { name: 'Rows not imported' })).toContainText('Line 3');

  const list = panel.getByRole('region', { name: 'renewals' });
  await list.getByRole('button', { name: 'Call next' }).click();
  await first.waitForState((s) => s.session === 'established');
  await expect(agent.getByRole('region', { name: 'Current call' })).toContainText('Connected');
  // The outbound variant of the guidance.
  await expect(currentPhase(agent)).toHaveText('Introduce yourself');
  // While the call is up, the next entry waits.
  await expect(list.getByRole('button', { name: 'Call next' })).toBeDisabled();
  await agent.getByRole('button', { name: 'Hang up' }).click();

  // Not a good time: a callback tomorrow at 10:00 (the panel stayed open through the call).
  await list.getByRole('group', { name: 'Outcome' }).getByRole('button', { name: 'Not now' }).click();
  const tomorrow = new Date(Date.now() + 86_400_000);
  const date = `${tomorrow.getFullYear()}-${String(tomorrow.getMonth() + 1).padStart(2, '0')}-${String(tomorrow.getDate()).padStart(2, '0')}`;
  await list.getByLabel('Date').fill(date);
  await list.getByLabel('Time').fill('10:00');
  await list.getByRole('button', { name: 'Save' }).click();
  await expect(list).toContainText('1 of 2 done');

  await agent.getByRole('button', { name: /^Callbacks/ }).click();
  const callbacks = agent.getByRole('region', { name: 'Callbacks' });
  await expect(callbacks).toContainText('1006');
  await expect(callbacks).toContainText('Renewal of the contract');
});
