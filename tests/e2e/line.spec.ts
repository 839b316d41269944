/**
 * The first thing an agent sees: their line registering. The web host runs as a user starts it,
 * driven in Debian's Chromium, against a real Kamailio.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { getTestAccount } from '../../tools/pbx/accounts.js';
import { startPbx, type Pbx } from '../../tools/pbx/pbx.js';
import { registerPeer, sendMessage } from '../support/sip-peer.js';
import { attachHostLogs, startWebHost, type WebHostProcess } from './stack.js';

let pbx: Pbx;
const hosts: WebHostProcess[] = [];
const agent = getTestAccount('1001');

test.beforeAll(async () => {
  pbx = await startPbx();
});
test.afterAll(async () => {
  await pbx?.stop();
});
test.afterEach(async () => {
  await attachHostLogs(hosts);
  for (const host of hosts.splice(0)) await host.stop();
});

async function host(options?: Parameters<typeof startWebHost>[0]) {
  const started = await startWebHost(options);
  hosts.push(started);
  return started;
}

test('an agent enters the account in Settings and the line registers', async ({ page }) => {
  const web = await host();
  await page.goto(web.url);
  const line = page.getByRole('status', { name: 'Line' });
  await expect(line).toContainText('Not registered');
  await expect(line).toContainText('not set up yet');

  // The settings open by themselves when nothing else can help.
  await page.getByLabel('Server address (WebSocket)', { exact: true }).fill(pbx.wsUrl);
  await page.getByLabel('User', { exact: true }).fill(agent.user);
  await page.getByLabel('Domain').fill(pbx.domain);
  await page.getByLabel('Password').fill(agent.password);
  await page.getByLabel('Your name').fill('Giulia Bianchi');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Settings saved.' })).toBeVisible();

  await expect(line).toContainText('Registered');
  await expect(line).toContainText(`Ready for calls as ${agent.user}@${pbx.domain}`);

  // The password went to the secret store, never to the settings file.
  const settingsFile = fs.readFileSync(path.join(web.dataDir, 'settings.json'), 'utf8');
  expect(settingsFile).toContain('Giulia Bianchi');
  expect(settingsFile).not.toContain(agent.password);
  expect(fs.statSync(path.join(web.dataDir, 'secrets.json')).mode & 0o777).toBe(0o600);

  // A reload finds the line still registered.
  await page.reload();
  await expect(page.getByRole('status', { name: 'Line' })).toContainText('Registered');
});

test('a wrong password is explained in plain words, with the server answer one click away', async ({ page }) => {
  const web = await host({
    settings: { sip: { wsUrl: pbx.wsUrl, user: agent.user, domain: pbx.domain } },
    env: { HEADSET_SOFTPHONE_SIP_PASSWORD: 'not-the-password' },
  });
  await page.goto(web.url);
  const line = page.getByRole('status', { name: 'Line' });
  await expect(line).toContainText('Not registered');
  await expect(line).toContainText('Wrong user name or password. Check them in Settings.');
  await expect(line).toContainText('It will not try again until the settings change.');
  await page.getByText('Technical details').click();
  await expect(page.getByText(/Server answer: 40[13]/)).toBeVisible();
  // Nothing secret or personal in the log, even of a failure.
  const log = fs.readFileSync(path.join(web.dataDir, 'logs', 'core.log'), 'utf8');
  expect(log).toContain('line registration failed');
  expect(log).not.toContain('not-the-password');
});

test('a server that is down is reported, and the line registers when the agent fixes the address', async ({ page }) => {
  const web = await host({
    settings: { sip: { wsUrl: 'ws://127.0.0.1:9', user: agent.user, domain: pbx.domain } },
    env: { HEADSET_SOFTPHONE_SIP_PASSWORD: agent.password },
  });
  await page.goto(web.url);
  const line = page.getByRole('status', { name: 'Line' });
  await expect(line).toContainText('Cannot reach the phone server');
  await expect(line).toContainText(/Next try in \d+ seconds?/);

  await page.getByRole('button', { name: 'Settings' }).click();
  const address = page.getByLabel('Server address (WebSocket)', { exact: true });
  await address.fill('http://wrong');
  await expect(page.getByText('Must start with ws:// or wss://')).toBeVisible();
  await address.fill(pbx.wsUrl);
  await expect(page.getByText('Must start with ws:// or wss://')).toHaveCount(0);
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(line).toContainText('Registered');
});

test('settings locked by IT are shown as locked, and a broken policy key is named', async ({ page }) => {
  const web = await host({
    policy: {
      settings: { sip: { wsUrl: pbx.wsUrl, domain: pbx.domain }, phone: { defaultRegion: 'Italy' } },
      locked: ['sip.wsUrl', 'sip.domain'],
    },
    settings: { sip: { user: agent.user } },
  });
  await page.goto(web.url);
  await expect(page.getByRole('status', { name: 'Line' })).toContainText('No SIP password is saved');
  await expect(page.getByLabel('Server address (WebSocket)', { exact: true })).toBeDisabled();
  await expect(page.getByLabel('Server address (WebSocket)', { exact: true })).toHaveValue(pbx.wsUrl);
  await expect(page.getByLabel('Domain')).toBeDisabled();
  await expect(page.getByText('Locked by your IT administrator')).toHaveCount(2);
  const problems = page.getByRole('alert').filter({ hasText: 'Problems in the configuration files' });
  await expect(problems).toContainText('settings.phone.defaultRegion');
  await expect(problems).toContainText('two-letter country code');

  await page.getByLabel('Password').fill(agent.password);
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByRole('status', { name: 'Line' })).toContainText('Registered');
});

test('the interface speaks Italian when the agent chooses it', async ({ page }) => {
  const web = await host({ settings: { ui: { language: 'it' } } });
  await page.goto(web.url);
  await expect(page.getByRole('status', { name: 'Linea' })).toContainText('Non registrata');
  await expect(page.getByRole('button', { name: 'Salva impostazioni' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'it');
});

test('quitting the web host unregisters the line, so no call is routed to a desk that is gone', async ({ page }) => {
  const web = await host({
    settings: { sip: { wsUrl: pbx.wsUrl, user: agent.user, domain: pbx.domain } },
    env: { HEADSET_SOFTPHONE_SIP_PASSWORD: agent.password },
  });
  await page.goto(web.url);
  await expect(page.getByRole('status', { name: 'Line' })).toContainText('Registered');
  const peer = await registerPeer(pbx, '1002');
  try {
    expect(await sendMessage(peer.ua, `sip:${agent.user}@${pbx.domain}`)).toBe(200);
    hosts.splice(hosts.indexOf(web), 1);
    await web.stop(); // SIGTERM, as Ctrl-C or a service manager would
    expect([404, 480]).toContain(await sendMessage(peer.ua, `sip:${agent.user}@${pbx.domain}`));
    // A lost socket also drops the binding; only a clean unregister sends expires 0.
    expect(pbx.readLog()).toMatch(/REGISTRAR: 1001 contact=.*;expires=0|REGISTRAR: 1001 contact=.* Expires=0\b/);
  } finally {
    await peer.ua.stop();
  }
});
