/**
 * The practice switch in the running web host: off by default; turned on in Settings it restarts
 * the desk on its practice folder (its own settings, nothing shared with the real desk), the page
 * reconnects by itself and every screen says "Practice"; turned off, the real desk is back with its
 * settings untouched. IT's policy can lock it off. No PBX needed: this is about the folders.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { writeJson } from '../support/tmp.js';
import { startWebHost, type WebHostProcess } from './stack.js';

const hosts: WebHostProcess[] = [];
test.afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.stop()));
});

test('practice mode: on from Settings on a folder of its own, every screen marked, then off again', async ({
  browser,
}) => {
  const web = await startWebHost({
    settings: { agent: { name: 'Real Agent' } },
    // A practice folder already pointed at a phone system that is not there: this test is about
    // the folders, and a demo another test runs at the same time must not ring this desk.
    // (A fresh practice folder pointing at the demo is demo.spec.ts's.)
    prepare: (dataDir) =>
      writeJson(path.join(dataDir, 'practice', 'settings.json'), { sip: { wsUrl: 'ws://127.0.0.1:9' } }),
  });
  hosts.push(web);
  const page = await web.open(browser);
  const banner = page.getByRole('note', { name: 'Practice mode' });
  // Not configured: the settings open by themselves; practice is off.
  const practice = page.getByRole('region', { name: 'Practice mode' });
  await expect(practice.getByRole('button', { name: 'Start practising' })).toBeVisible();
  await expect(banner).toHaveCount(0);

  await practice.getByRole('button', { name: 'Start practising' }).click();
  // The desk restarts on the practice folder; the page reconnects and draws it.
  await expect(banner).toBeVisible({ timeout: 30_000 });
  await expect(banner).toContainText('nothing you do here reaches a real CRM');
  await expect(practice.getByRole('button', { name: 'Leave practice mode' })).toBeVisible();
  const realSettings = JSON.parse(fs.readFileSync(path.join(web.dataDir, 'settings.json'), 'utf8'));
  expect(realSettings.practice).toEqual({ enabled: true });
  expect(fs.existsSync(path.join(web.dataDir, 'practice'))).toBe(true);
  // The practice desk has its own settings: the real agent's name is not there.
  await expect(page.getByLabel('Your name')).toHaveValue('');
  await expect(page.getByLabel('Server address (WebSocket)', { exact: true })).toHaveValue('ws://127.0.0.1:9');
  await page.getByLabel('Your name').fill('Trainee');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Settings saved.' })).toBeVisible();
  // The reviews are there to open (none yet).
  await banner.getByRole('button', { name: 'Practice reviews (0)' }).click();
  await expect(page.getByRole('region', { name: 'Practice reviews' })).toContainText('No practice call yet');

  await page.getByRole('button', { name: 'Settings' }).click();
  await practice.getByRole('button', { name: 'Leave practice mode' }).click();
  await expect(banner).toHaveCount(0, { timeout: 30_000 });
  await expect(page.getByLabel('Your name')).toHaveValue('Real Agent');
  const practiceSettings = JSON.parse(fs.readFileSync(path.join(web.dataDir, 'practice', 'settings.json'), 'utf8'));
  expect(practiceSettings).toEqual({ sip: { wsUrl: 'ws://127.0.0.1:9' }, agent: { name: 'Trainee' } });
});

test('practice mode locked off by IT: no way to switch it on', async ({ browser }) => {
  const web = await startWebHost({
    policy: { settings: { practice: { enabled: false } }, locked: ['practice.enabled'] },
  });
  hosts.push(web);
  const page = await web.open(browser);
  const practice = page.getByRole('region', { name: 'Practice mode' });
  await expect(practice).toContainText('Locked by your IT administrator');
  await expect(practice.getByRole('button')).toHaveCount(0);
  await expect(page.getByRole('note', { name: 'Practice mode' })).toHaveCount(0);
});
