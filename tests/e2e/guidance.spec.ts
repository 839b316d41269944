/**
 * Live call guidance on real calls: the desk (web host) through a real Kamailio, the customer a
 * plain sip.js peer in Chromium with fake audio. The guidance follows the call by itself: prepare
 * while it rings, welcome once answered, the hold etiquette, close after the hang-up; its trail
 * lands with the call (recent calls) and with the customer's interaction (and its outbox entry).
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { CUSTOMER_DB_FILE } from '../../src/config/paths.js';
import { CustomerRepository } from '../../src/customers/repository.js';
import { migrate, openDatabase } from '../../src/storage/database.js';
import { CUSTOMER_MIGRATIONS } from '../../src/storage/migrations/index.js';
import type { GuidanceRecord } from '../../src/contract/guidance.js';
import { getTestAccount } from '../../tools/pbx/accounts.js';
import { startBrowserPeer } from '../support/browser-peer/index.js';
import { useCallStack } from './desk.js';
import { startWebHost } from './stack.js';

const stack = useCallStack();
const { hosts, peers } = stack;

/** A customer who speaks Italian, with two identification keys, on an Italian line. */
function seed(dataDir: string): void {
  const db = openDatabase(path.join(dataDir, CUSTOMER_DB_FILE));
  migrate(db, CUSTOMER_MIGRATIONS);
  const repo = new CustomerRepository(db);
  repo.upsertCustomer(
    {
      externalId: 'crm-1',
      title: 'Sig.ra',
      givenName: 'Giulia',
      familyName: 'Bianchi',
      language: 'it',
      identification: { customerCode: 'GB-4471', postcode: '20121' },
      phones: [{ number: '347 123 4567', label: 'mobile' }],
      updatedAt: Date.now(),
    },
    'IT',
  );
  repo.upsertLine({ called: '800100200', serviceName: 'Assistenza bollette', language: 'it' }, 'IT');
  db.close();
}

async function openGuidedDesk(browser: Browser, prepare?: (dataDir: string) => void) {
  const user = '1005';
  const web = await startWebHost({
    settings: {
      sip: { wsUrl: stack.pbx.wsUrl, user, domain: stack.pbx.domain, displayName: getTestAccount(user).displayName },
      agent: { name: 'Marco Neri', company: 'Acme Energia' },
      // The shortest reminder the settings allow, so that the test sees it come.
      guidance: { askBeforeHold: true, holdReminderSeconds: 10 },
    },
    env: { HEADSET_SOFTPHONE_SIP_PASSWORD: getTestAccount(user).password },
    ...(prepare ? { prepare } : {}),
  });
  hosts.push(web);
  const page = await web.open(browser);
  await expect(page.getByRole('status', { name: 'Line' })).toContainText('Registered');
  return { page, dataDir: web.dataDir };
}

function panel(page: Page) {
  const guidance = page.getByRole('region', { name: 'Call guidance' });
  return {
    guidance,
    current: guidance.getByRole('region', { name: 'Current phase' }),
  };
}

test('an unknown caller: the guidance follows the call through ringing, welcome, hold and hang-up by itself', async ({
  browser,
}) => {
  // A welcome of 8 s and a hold reminder of 10 s run on the clock: more than a minute on a loaded machine.
  test.setTimeout(120_000);
  const { page: agent, dataDir } = await openGuidedDesk(browser);
  const customer = await startBrowserPeer(browser, { pbx: stack.pbx, user: '1006', displayName: 'Nikos' });
  peers.push(customer);
  const { guidance, current } = panel(agent);

  await customer.call('sip:1005@pbx.test');
  await expect(agent.getByRole('region', { name: 'Incoming call' })).toBeVisible();
  // While it rings: get ready, and the next phase (the welcome) already in view.
  await expect(current.getByRole('heading')).toHaveText('Get ready');
  await expect(guidance.getByRole('region', { name: 'Next phase' })).toContainText('Welcome');

  await agent.getByRole('region', { name: 'Incoming call' }).getByRole('button', { name: 'Answer' }).click();
  await customer.waitForState((s) => s.session === 'established');
  // Answered: the welcome, with the agent's own name and the company filled in.
  await expect(current.getByRole('heading')).toHaveText('Welcome');
  await expect(current).toContainText(/Good (morning|afternoon|evening), Acme Energia, this is Marco\./);

  // The welcome's time (8 s in the script) runs out: on to identifying the caller, by itself.
  await expect(current.getByRole('heading')).toHaveText('Identify the caller');

  // Hold: first what to ask the caller; the call is not held until the agent says so.
  await agent.getByRole('button', { name: 'Hold' }).click();
  const ask = agent.getByRole('dialog', { name: 'Before the hold' });
  await expect(ask).toContainText('May I put you on hold for a moment?');
  await expect(agent.getByRole('region', { name: 'Current call' })).not.toContainText('On hold');
  await agent.keyboard.press('Enter');
  await expect(agent.getByRole('region', { name: 'Current call' })).toContainText('On hold');
  await customer.waitForState((s) => s.heldByRemote);
  const onHold = guidance.getByRole('region', { name: 'On hold' });
  await expect(onHold).toContainText(/0:0\d/);
  // The reminder comes at the time set (10 s): go back to the caller.
  await expect(guidance.getByRole('alert')).toContainText('Thank you for holding', { timeout: 20_000 });
  // The phase does not move on while the caller waits.
  await expect(current.getByRole('heading')).toHaveText('Identify the caller');

  await agent.getByRole('button', { name: 'Resume' }).click();
  await customer.waitForState((s) => !s.heldByRemote);
  await expect(guidance.getByRole('region', { name: 'Back from hold' })).toContainText('Thank you for waiting');
  await customer.waitForAudioFlowing({ direction: 'both' });

  await customer.hangup();
  await expect(agent.getByRole('region', { name: 'Last call' })).toBeVisible();
  await expect(current.getByRole('heading')).toHaveText('Close the case');

  // The trail is kept with the call: phases by the call and the clock, the hold and its reminder.
  await expect
    .poll(() => {
      const history = JSON.parse(fs.readFileSync(path.join(dataDir, 'call-history.json'), 'utf8')) as {
        calls: { guidance?: GuidanceRecord }[];
      };
      return history.calls[0]?.guidance?.trail.map((entry) => `${entry.kind}:${entry.phase ?? ''}:${entry.by}`);
    })
    .toEqual(
      expect.arrayContaining([
        'phase:prepare:call',
        'phase:welcome:call',
        'phase:identify:time',
        'hold:identify:call',
        'hold-reminder:identify:time',
        'resume:identify:call',
        'phase:close:call',
      ]),
    );
});

test('a known Italian customer: Italian guidance, verified by keyboard, and the trail in the interaction sent to the CRM', async ({
  browser,
}) => {
  const { page: agent, dataDir } = await openGuidedDesk(browser, seed);
  const customer = await startBrowserPeer(browser, { pbx: stack.pbx, user: '1006' });
  peers.push(customer);
  const { guidance, current } = panel(agent);

  await customer.call('sip:1005@pbx.test', {
    extraHeaders: ['P-Asserted-Identity: <sip:+393471234567@pbx.test>', 'P-Called-Party-ID: <sip:800100200@pbx.test>'],
  });
  await expect(agent.getByRole('region', { name: 'Incoming call' })).toContainText('Giulia Bianchi');
  await expect(current.getByRole('heading')).toHaveText('Prepararsi');
  await agent.getByRole('region', { name: 'Incoming call' }).getByRole('button', { name: 'Answer' }).click();
  await expect(current.getByRole('heading')).toHaveText('Accoglienza');
  await expect(current).toContainText('Acme Energia, sono Marco.');

  // Without the mouse: to the identification, then tick both keys the record has.
  await agent.keyboard.press('Alt+PageDown');
  await expect(current.getByRole('heading')).toHaveText('Identificare il cliente');
  await expect(current.getByRole('checkbox')).toHaveCount(2);
  await expect(current).toContainText('20121');
  await agent.keyboard.press('Alt+1');
  await agent.keyboard.press('Alt+2');
  // Verified: on to the request by itself.
  await expect(current.getByRole('heading')).toHaveText('Capire la richiesta');
  await expect(guidance.getByRole('list', { name: 'Phases' }).getByRole('listitem')).toHaveCount(8);

  await agent.getByRole('textbox', { name: 'Call notes' }).fill('Chiede la rateizzazione della bolletta di marzo.');
  await customer.hangup();
  await expect(current.getByRole('heading')).toHaveText('Chiudere il caso');

  const db = new Database(path.join(dataDir, CUSTOMER_DB_FILE), { readonly: true });
  try {
    await expect
      .poll(() => db.prepare("SELECT guidance FROM interactions WHERE external_id LIKE 'call:%'").pluck().get())
      .toBeTruthy();
    const record = JSON.parse(
      db.prepare("SELECT guidance FROM interactions WHERE external_id LIKE 'call:%'").pluck().get() as string,
    ) as GuidanceRecord;
    expect(record).toMatchObject({ scriptId: 'general-it', language: 'it' });
    expect(record.notes).toBe('Chiede la rateizzazione della bolletta di marzo.');
    expect(record.phases.find((phase) => phase.id === 'identify')).toMatchObject({
      status: 'done',
      done: ['postcode', 'customerCode'],
    });
    expect(record.trail.filter((entry) => entry.kind === 'tick').map((entry) => entry.item)).toEqual([
      'postcode',
      'customerCode',
    ]);
    // The same trail goes to the CRM with the interaction (the outbox entry of the same transaction).
    const sent = JSON.parse(
      db.prepare("SELECT data FROM outbox WHERE kind = 'interaction.create'").pluck().get() as string,
    ) as { guidance: GuidanceRecord; summary: string };
    expect(sent.guidance.trail).toEqual(record.trail);
    expect(sent.summary).toBe(record.notes);
  } finally {
    db.close();
  }
});
