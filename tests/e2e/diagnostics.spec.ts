/**
 * The diagnostics file an agent sends to IT: made from the Line health panel of the running desk,
 * after a real call, and checked for what it must hold (the SIP trace, versions, settings, log)
 * and for what it must never hold (the password, names, whole numbers).
 */
import fs from 'node:fs';
import { expect, test } from '@playwright/test';
import { strFromU8, unzipSync } from 'fflate';
import { getTestAccount } from '../../tools/pbx/accounts.js';
import { startBrowserPeer } from '../support/browser-peer/index.js';
import { openDesk, useCallStack } from './desk.js';

const stack = useCallStack();
const { hosts, peers } = stack;

test('the agent makes a diagnostics file for IT: it explains the line and calls, and gives away nobody', async ({
  browser,
}) => {
  const agent = await openDesk(browser, stack.pbx, '1001', hosts, { agent: { name: 'Giulia Bianchi' } });
  const customer = await startBrowserPeer(browser, { pbx: stack.pbx, user: '1002', displayName: 'Anna Rossi' });
  peers.push(customer);
  await customer.call('sip:1001@pbx.test');
  await agent.getByRole('button', { name: 'Answer' }).click();
  await customer.waitForAudioFlowing({ direction: 'both' });
  await agent.getByRole('button', { name: 'Keypad' }).click();
  await agent.getByRole('button', { name: 'Key 7' }).click();
  await customer.hangup();
  await expect(agent.getByRole('region', { name: 'Last call' })).toBeVisible();

  await agent.getByRole('button', { name: 'Line health' }).click();
  await agent.getByRole('button', { name: 'Create a diagnostics file for IT' }).click();
  const saved = agent.getByRole('status').filter({ hasText: 'Saved:' });
  await expect(saved).toContainText('it holds no passwords');
  const file = /Saved: (\S+\.zip)\./.exec((await saved.textContent()) ?? '')?.[1];
  expect(file, 'the panel names the file').toBeTruthy();

  const entries = unzipSync(new Uint8Array(fs.readFileSync(file!)));
  expect(Object.keys(entries)).toEqual(
    expect.arrayContaining(['README.txt', 'versions.json', 'settings.json', 'sip-trace.txt', 'core.log']),
  );
  const text = Object.fromEntries(Object.entries(entries).map(([name, data]) => [name, strFromU8(data)]));

  // What IT needs: the SIP exchanges of the line and of the call, with their status lines.
  expect(text['sip-trace.txt']).toMatch(/REGISTER sip:/);
  expect(text['sip-trace.txt']).toMatch(/SIP\/2\.0 200 OK/);
  expect(text['sip-trace.txt']).toMatch(/INVITE sip:/);
  expect(text['sip-trace.txt']).toMatch(/BYE sip:/);
  expect(JSON.parse(text['versions.json']!)).toMatchObject({ app: { name: 'Headset Softphone', host: 'web' } });

  // What must never leave the desk: the password, names, whole numbers, the digest, the key pressed.
  const everything = Object.values(text).join('\n');
  expect(everything).not.toContain(getTestAccount('1001').password);
  expect(everything).not.toContain('Anna Rossi');
  expect(everything).not.toContain('Giulia Bianchi');
  expect(everything).not.toMatch(/sip:100[12]@/);
  expect(everything).not.toMatch(/nonce="[0-9a-f]/i);
  expect(text['sip-trace.txt']).not.toMatch(/Signal=7/);
});
