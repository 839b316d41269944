/**
 * After the call: the agent writes the wrap-up with the keyboard only and saves it; it shows in the
 * customer's history at once and waits in the outbox for the CRM, with the callback it promised.
 * The callback's reminder comes, and one action dials it with the record on screen. Meanwhile the
 * agent in Wrap-up is not available: a call that comes then is declined and listed. Real calls: the
 * desk (web host) through a real Kamailio, customers as sip.js peers in Chromium.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect, test, type Browser } from '@playwright/test';
import { CUSTOMER_DB_FILE } from '../../src/config/paths.js';
import { CustomerRepository } from '../../src/customers/repository.js';
import { migrate, openDatabase } from '../../src/storage/database.js';
import { CUSTOMER_MIGRATIONS } from '../../src/storage/migrations/index.js';
import { getTestAccount } from '../../tools/pbx/accounts.js';
import { startBrowserPeer } from '../support/browser-peer/index.js';
import { currentPhase, useCallStack } from './desk.js';
import { startWebHost } from './stack.js';

const stack = useCallStack();
const { hosts, peers } = stack;

function seed(dataDir: string): void {
  const db = openDatabase(path.join(dataDir, CUSTOMER_DB_FILE));
  migrate(db, CUSTOMER_MIGRATIONS);
  new CustomerRepository(db).upsertCustomer(
    {
      externalId: 'crm-1',
      givenName: 'Giulia',
      familyName: 'Bianchi',
      language: 'en',
      phones: [{ number: '347 123 4567', label: 'mobile' }],
      updatedAt: Date.now(),
    },
    'IT',
  );
  db.close();
}

/** The agent's desk (1005) with a seeded customer; `work` changes the work settings of the test. */
async function openDesk(browser: Browser, work: Record<string, unknown> = {}) {
  const user = '1005';
  const web = await startWebHost({
    settings: {
      sip: { wsUrl: stack.pbx.wsUrl, user, domain: stack.pbx.domain, displayName: getTestAccount(user).displayName },
      agent: { name: 'Marco Neri', company: 'Acme' },
      work: {
        wrapUpSeconds: 300,
        wrapUpExpiry: 'stay',
        whenNotAvailable: 'decline',
        notReadyReasons: ['training'],
        callbackReminderMinutes: 5,
        breakReminderMinutes: 0,
        ...work,
      },
    },
    env: { HEADSET_SOFTPHONE_SIP_PASSWORD: getTestAccount(user).password },
    prepare: seed,
  });
  hosts.push(web);
  const page = await web.open(browser);
  await expect(page.getByRole('status', { name: 'Line' })).toContainText('Registered');
  return { page, dataDir: web.dataDir, web };
}

/** "2026-11-26" and "14:05" a few minutes from now, in this machine's time zone (the desk's). */
function soon(minutes: number): { date: string; hours: number; minutes: number } {
  const at = new Date(Date.now() + minutes * 60_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return {
    date: `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`,
    hours: at.getHours(),
    minutes: at.getMinutes(),
  };
}

test('wrap-up by keyboard, saved once committed, in the history and the outbox; its callback reminds and dials in one action', async ({
  browser,
}) => {
  // Two calls, a form filled key by key, a reminder: more than the default minute on a loaded machine.
  test.setTimeout(120_000);
  const { page: agent, dataDir } = await openDesk(browser);
  const customer = await startBrowserPeer(browser, {
    pbx: stack.pbx,
    user: '1006',
    incoming: { mode: 'answer', afterMs: 500 },
  });
  peers.push(customer);
  const state = agent.getByRole('button', { name: 'Agent state' });

  await customer.call('sip:1005@pbx.test', { extraHeaders: ['P-Asserted-Identity: <sip:+393471234567@pbx.test>'] });
  await agent.getByRole('region', { name: 'Incoming call' }).getByRole('button', { name: 'Answer' }).click();
  await customer.waitForState((s) => s.session === 'established');
  await expect(state).toHaveAccessibleDescription(/On call/);
  await customer.hangup();

  // Wrap-up: the agent is not available, and the form has the focus.
  const wrapUp = agent.getByRole('region', { name: 'Wrap-up' });
  await expect(wrapUp).toContainText('Giulia Bianchi');
  await expect(state).toHaveAccessibleDescription(/Wrap-up/);
  await expect(wrapUp.getByRole('textbox', { name: 'Reason for the call' })).toBeFocused();

  // A call now is declined (486) and listed for the agent.
  const other = await startBrowserPeer(browser, { pbx: stack.pbx, user: '1004', displayName: 'Petros' });
  peers.push(other);
  await other.call('sip:1005@pbx.test');
  await other.waitForState((s) => s.lastEnd?.statusCode === 486);
  await expect(agent.getByRole('region', { name: 'Declined calls' })).toContainText('Petros');
  await expect(wrapUp.getByRole('textbox', { name: 'Reason for the call' })).toBeFocused();

  // The keyboard only, field after field.
  const keys = agent.keyboard;
  await keys.type('Question about the March bill');
  await keys.press('Tab');
  await expect(wrapUp.getByRole('combobox', { name: 'Outcome' })).toBeFocused();
  await keys.type('Resol');
  await keys.press('ArrowDown');
  await keys.press('Enter');
  await expect(wrapUp.getByRole('combobox', { name: 'Outcome' })).toHaveValue('Resolved');
  // Resolved on first contact: Yes.
  await wrapUp.getByRole('radio', { name: 'Yes' }).focus();
  await keys.press('Space');
  await expect(wrapUp.getByRole('radio', { name: 'Yes' })).toBeChecked();
  await wrapUp.getByRole('textbox', { name: 'Summary' }).focus();
  await keys.type('Explained the estimated reading; a real reading is due.');
  await wrapUp.getByRole('checkbox', { name: 'Call back' }).focus();
  await keys.press('Space');
  const due = soon(3);
  await wrapUp.getByLabel('Date').focus();
  // Chromium's date field in en-US: month, day, year.
  const [year, month, day] = due.date.split('-');
  await keys.type(`${month}${day}${year}`);
  await wrapUp.getByLabel('Time').focus();
  const hours12 = due.hours % 12 === 0 ? 12 : due.hours % 12;
  await keys.type(
    `${String(hours12).padStart(2, '0')}${String(due.minutes).padStart(2, '0')}${due.hours < 12 ? 'A' : 'P'}`,
  );
  const number = wrapUp.getByRole('textbox', { name: 'Number' });
  await expect(number).toHaveValue('+393471234567');
  // The customer asked to be called on the office extension.
  await number.focus();
  await keys.press('ControlOrMeta+A');
  await keys.type('1006');
  await keys.press('Tab');
  await keys.type('Confirm the real reading');
  await keys.press('Control+Enter');

  // "Saved" only once the core committed it: the agent is available again.
  await expect(agent.getByRole('status').filter({ hasText: 'Wrap-up saved' })).toBeVisible();
  await expect(wrapUp).toHaveCount(0);
  await expect(state).toHaveAccessibleDescription(/Available/);

  // At once in the customer's history on screen.
  await expect(agent.getByRole('region', { name: "Caller's record" })).toContainText('Resolved');
  // And in the outbox for the CRM, with the callback, written together.
  const db = new Database(path.join(dataDir, CUSTOMER_DB_FILE), { readonly: true });
  try {
    const rows = db.prepare('SELECT kind, data FROM outbox ORDER BY seq').all() as { kind: string; data: string }[];
    expect(rows.map((row) => row.kind)).toEqual(['interaction.create', 'wrapup.create', 'callback.create']);
    expect(JSON.parse(rows[1]!.data)).toMatchObject({
      customerId: 'crm-1',
      reason: 'Question about the March bill',
      disposition: 'resolved',
      resolvedFirstContact: true,
    });
    expect(JSON.parse(rows[2]!.data)).toMatchObject({
      number: '1006',
      note: 'Confirm the real reading',
      source: 'wrapup',
    });
  } finally {
    db.close();
  }

  // The callback is due in three minutes; its reminder comes five minutes ahead: now.
  const reminder = agent.getByRole('alert', { name: 'Callback reminder' });
  await expect(reminder).toContainText('Giulia Bianchi');
  await reminder.getByRole('button', { name: 'Call now' }).click();
  // One action: the number is dialled, the customer's record pops, the outbound guidance starts.
  await customer.waitForState((s) => s.session === 'established');
  await expect(agent.getByRole('region', { name: 'Current call' })).toContainText('Connected');
  await expect(agent.getByRole('region', { name: "Caller's record" })).toContainText('Giulia Bianchi');
  await expect(currentPhase(agent)).toHaveText('Introduce yourself');
  await expect(state).toHaveAccessibleDescription(/On call/);
});

test('a callback from the card; a wrap-up whose time runs out moves the agent on and keeps the draft, through a crash; the day in My figures', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  // Eight seconds of wrap-up, then on to Available by the policy.
  const desk = await openDesk(browser, { wrapUpSeconds: 8, wrapUpExpiry: 'available' });
  const web = desk.web;
  let agent = desk.page;
  const customer = await startBrowserPeer(browser, { pbx: stack.pbx, user: '1006' });
  peers.push(customer);

  await customer.call('sip:1005@pbx.test', { extraHeaders: ['P-Asserted-Identity: <sip:+393471234567@pbx.test>'] });
  await agent.getByRole('region', { name: 'Incoming call' }).getByRole('button', { name: 'Answer' }).click();
  await customer.waitForState((s) => s.session === 'established');

  // During the call, a callback promised from the customer's card: tomorrow at 10:30.
  const record = agent.getByRole('region', { name: "Caller's record" });
  await record.getByRole('button', { name: 'Schedule a callback' }).click();
  const form = agent.getByRole('region', { name: 'New callback' });
  const tomorrow = new Date(Date.now() + 86_400_000);
  await form.getByLabel('Date').focus();
  await agent.keyboard.type(
    `${String(tomorrow.getMonth() + 1).padStart(2, '0')}${String(tomorrow.getDate()).padStart(2, '0')}${tomorrow.getFullYear()}`,
  );
  await form.getByLabel('Time').focus();
  await agent.keyboard.type('1030A');
  await form.getByLabel('Note').fill('Send the new tariff first');
  await form.getByRole('button', { name: 'Save callback' }).click();
  await expect(agent.getByText(/Callback scheduled for/)).toBeVisible();
  await agent.getByRole('button', { name: 'Callbacks' }).click();
  const callbacks = agent.getByRole('region', { name: 'Callbacks' });
  await expect(callbacks).toContainText('Giulia Bianchi');
  await expect(callbacks).toContainText('Send the new tariff first');

  await customer.hangup();
  const state = agent.getByRole('button', { name: 'Agent state' });
  const reason = () =>
    agent.getByRole('region', { name: 'Wrap-up' }).getByRole('textbox', { name: 'Reason for the call' });
  await expect(reason()).toBeFocused();
  await agent.keyboard.type('Meter reading question');
  await expect(agent.getByText(/Draft kept/)).toBeVisible();

  // Eight seconds of wrap-up, then on to Available by the policy: warned, the draft still there.
  await expect(agent.getByText('Wrap-up time is up. Your draft is kept.')).toBeVisible({ timeout: 20_000 });
  await expect(state).toHaveAccessibleDescription(/Available/);
  await expect(reason()).toHaveValue('Meter reading question');

  // The core dies (SIGKILL, no clean stop) and starts again: the draft comes back.
  const restarted = await web.crashAndRestart();
  hosts.push(restarted);
  agent = await restarted.open(browser);
  await expect(agent.getByRole('status', { name: 'Line' })).toContainText('Registered');
  await expect(reason()).toHaveValue('Meter reading question');
  const wrapUp = agent.getByRole('region', { name: 'Wrap-up' });
  await wrapUp.getByRole('combobox', { name: 'Outcome' }).fill('Resol');
  await agent.keyboard.press('ArrowDown');
  await agent.keyboard.press('Enter');
  await wrapUp.getByRole('radio', { name: 'Yes' }).check();
  await wrapUp.getByRole('textbox', { name: 'Summary' }).fill('Explained how the reading is estimated.');
  await agent.keyboard.press('Control+Enter');
  await expect(agent.getByRole('status').filter({ hasText: 'Wrap-up saved' })).toBeVisible();

  // The agent's own day: the call, its resolution, the states with the time the app was down.
  await agent.getByRole('button', { name: 'My figures' }).click();
  const figures = agent.getByRole('region', { name: 'My figures' });
  const tiles = figures.getByRole('list', { name: 'Summary' });
  await expect(tiles.getByRole('listitem').filter({ hasText: 'Calls in' })).toContainText('1');
  await expect(tiles.getByRole('listitem').filter({ hasText: 'First-contact resolution' })).toContainText('100');
  await expect(figures.getByRole('list', { name: 'State timeline' }).getByRole('listitem')).toContainText([/Offline/]);
  const download = agent.waitForEvent('download');
  await figures.getByRole('button', { name: 'Export CSV' }).click();
  const file = await (await download).path();
  const csv = fs.readFileSync(file, 'utf8');
  expect(csv.replace(/^\uFEFF/, '').split(/\r?\n/)[0]).toMatch(/^started,direction,number,/);
  expect(csv).toMatch(/,in,\+393471234567,.*,resolved,/);
});
