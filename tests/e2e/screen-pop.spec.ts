/**
 * The screen-pop: the desk's customer cache (real SQLite, seeded before the host starts) shows who
 * is calling while the call still rings, through a real Kamailio and a sip.js customer in Chromium.
 * The PBX tells the desk the caller's number in P-Asserted-Identity (as a trunk or queue does; the
 * test accounts' own user parts are extensions) and the number dialled in P-Called-Party-ID.
 */
import path from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import Database from 'better-sqlite3';
import { CUSTOMER_DB_FILE } from '../../src/config/paths.js';
import { CustomerRepository } from '../../src/customers/repository.js';
import { migrate, openDatabase } from '../../src/storage/database.js';
import { CUSTOMER_MIGRATIONS } from '../../src/storage/migrations/index.js';
import { startBrowserPeer } from '../support/browser-peer/index.js';
import { useCallStack } from './desk.js';
import { startWebHost } from './stack.js';
import { getTestAccount } from '../../tools/pbx/accounts.js';

const stack = useCallStack();
const { hosts, peers } = stack;

const DAY = 86_400_000;
const now = Date.now();

function seed(dataDir: string): void {
  const db = openDatabase(path.join(dataDir, CUSTOMER_DB_FILE));
  migrate(db, CUSTOMER_MIGRATIONS);
  const repo = new CustomerRepository(db);
  const giulia = repo.upsertCustomer(
    {
      externalId: 'crm-1',
      givenName: 'Giulia',
      familyName: 'Bianchi',
      company: 'Bianchi Ottica',
      language: 'it',
      flags: ['vip'],
      emails: ['giulia@bianchi.example'],
      identification: { customerCode: 'GB-4471', postcode: '20121' },
      phones: [{ number: '347 123 4567', label: 'mobile' }],
      updatedAt: now,
    },
    'IT',
  );
  repo.upsertCase(giulia, {
    externalId: 'case-1',
    subject: 'Invoice charged twice',
    status: 'waiting for refund',
    open: true,
    openedAt: now - 3 * DAY,
    updatedAt: now - DAY,
  });
  repo.upsertCase(giulia, {
    externalId: 'case-0',
    subject: 'New glasses delivered late',
    status: 'solved',
    open: false,
    openedAt: now - 90 * DAY,
    updatedAt: now - 80 * DAY,
  });
  // A family sharing the landline: the one called most recently comes first in the chooser.
  for (const [id, given, lastCall] of [
    ['crm-2', 'Ivan', now - 20 * DAY],
    ['crm-3', 'Olga', now - 2 * DAY],
  ] as const) {
    const customer = repo.upsertCustomer(
      {
        externalId: id,
        givenName: given,
        familyName: 'Petrov',
        language: 'ru',
        phones: [{ number: '+7 495 123-45-67', label: 'home' }],
        updatedAt: now,
      },
      'IT',
    );
    repo.recordInteraction(customer, { channel: 'call', direction: 'in', startedAt: lastCall, outcome: 'solved' });
  }
  repo.upsertCustomer(
    {
      externalId: 'crm-4',
      givenName: 'Andrei',
      familyName: 'Popescu',
      company: 'Popescu Transport',
      phones: [{ number: '+40 721 234 567' }],
      updatedAt: now,
    },
    'IT',
  );
  repo.upsertLine({ called: '800100200', serviceName: 'Billing help desk', language: 'it' }, 'IT');
  db.close();
}

async function openSeededDesk(browser: Browser): Promise<{ page: Page; dataDir: string }> {
  const user = '1005';
  const web = await startWebHost({
    settings: {
      sip: { wsUrl: stack.pbx.wsUrl, user, domain: stack.pbx.domain, displayName: getTestAccount(user).displayName },
    },
    env: { HEADSET_SOFTPHONE_SIP_PASSWORD: getTestAccount(user).password },
    prepare: seed,
  });
  hosts.push(web);
  const page = await web.open(browser);
  await expect(page.getByRole('status', { name: 'Line' })).toContainText('Registered');
  return { page, dataDir: web.dataDir };
}

async function customerCalls(browser: Browser, from: string) {
  const customer = await startBrowserPeer(browser, { pbx: stack.pbx, user: '1006' });
  peers.push(customer);
  await customer.call('sip:1005@pbx.test', {
    extraHeaders: [`P-Asserted-Identity: <sip:${from}@pbx.test>`, 'P-Called-Party-ID: <sip:800100200@pbx.test>'],
  });
  return customer;
}

test('a known caller: the record is on screen while it rings, and stays pinned to the call after it', async ({
  browser,
}) => {
  const { page: agent } = await openSeededDesk(browser);
  const customer = await customerCalls(browser, '+393471234567');

  const incoming = agent.getByRole('region', { name: 'Incoming call' });
  await expect(incoming).toContainText('Giulia Bianchi');
  const pinned = agent.getByRole('region', { name: "Caller's record" });
  // All of it while the phone still rings: who, the keys to check, the open case first, the service.
  await expect(pinned).toContainText('Who is calling');
  await expect(pinned.getByRole('heading', { name: 'Giulia Bianchi' })).toBeVisible();
  await expect(pinned).toContainText('VIP');
  await expect(pinned.getByRole('region', { name: "Check the caller's identity" })).toContainText('GB-4471');
  await expect(pinned).toContainText('Call for: Billing help desk');
  const cases = pinned.getByRole('region', { name: 'Cases' }).getByRole('listitem');
  await expect(cases.first()).toContainText('Invoice charged twice');
  await expect(cases.first()).toContainText('Open');
  await expect(cases.nth(1)).toContainText('New glasses delivered late');
  await expect(incoming).toBeVisible();

  await incoming.getByRole('button', { name: 'Answer' }).click();
  await customer.waitForState((s) => s.session === 'established');
  await expect(pinned).toContainText('On this call');

  // Looking someone else up during the call leaves the caller's record where it is.
  await agent.getByRole('searchbox', { name: 'Find a customer' }).fill('popescu');
  await agent.getByRole('button', { name: 'Search' }).click();
  await agent
    .getByRole('list', { name: 'Customers found' })
    .getByRole('button', { name: /Andrei Popescu/ })
    .click();
  await expect(agent.getByRole('article', { name: 'Record of Andrei Popescu' })).toBeVisible();
  await expect(pinned.getByRole('heading', { name: 'Giulia Bianchi' })).toBeVisible();

  await customer.hangup();
  await expect(agent.getByRole('region', { name: 'Last call' })).toBeVisible();
  // Through the end of the call the record stays, and now shows this call as the last contact.
  await expect(pinned.getByRole('heading', { name: 'Giulia Bianchi' })).toBeVisible();
  // How the call ended, in words, until the wrap-up gives the outcome.
  await expect(pinned.getByRole('region', { name: 'Last contacts' }).getByRole('listitem').first()).toContainText(
    'The other party hung up.',
  );
});

test('an unknown caller: the number and a one-step form; the new customer is linked and kept', async ({ browser }) => {
  const { page: agent, dataDir } = await openSeededDesk(browser);
  await customerCalls(browser, '+390612345678');

  const pinned = agent.getByRole('region', { name: "Caller's record" });
  await expect(pinned).toContainText('+390612345678 is not in the customer list.');
  const form = pinned.getByRole('form', { name: 'New customer' });
  await expect(form.getByRole('textbox', { name: 'Phone number' })).toHaveValue('+390612345678');
  // Nothing but a number is refused with a plain reason, and nothing typed is lost.
  await form.getByRole('textbox', { name: 'E-mail addresses' }).fill('not-an-address');
  await form.getByRole('button', { name: 'Create customer' }).click();
  await expect(form).toContainText('A name or a company is needed.');
  await expect(form).toContainText('Write e-mail addresses like name@example.com');
  await form.getByRole('textbox', { name: 'Given name' }).fill('Eleni');
  await form.getByRole('textbox', { name: 'Family name' }).fill('Georgiou');
  await form.getByRole('textbox', { name: 'E-mail addresses' }).fill('eleni@example.gr');
  await form.getByRole('button', { name: 'Create customer' }).click();

  await expect(pinned.getByRole('heading', { name: 'Eleni Georgiou' })).toBeVisible();
  await expect(pinned).toContainText('+39 06 1234 5678');
  // Kept in the cache with a change for the CRM sync.
  const db = new Database(path.join(dataDir, CUSTOMER_DB_FILE), { readonly: true });
  try {
    const row = db
      .prepare(
        "SELECT c.external_id, p.e164 FROM customers c JOIN phones p ON p.customer_id = c.id WHERE c.family_name = 'Georgiou'",
      )
      .get() as { external_id: string; e164: string };
    expect(row.e164).toBe('+390612345678');
    // The desk gives a customer it creates its CRM id, a UUID, which the CRM keeps (docs/sync-protocol.md).
    expect(row.external_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(db.prepare("SELECT count(*) FROM outbox WHERE kind = 'customer.create'").pluck().get()).toBe(1);
  } finally {
    db.close();
  }
});

test('a number two customers share: the chooser, most recent contact first, then the chosen record', async ({
  browser,
}) => {
  const { page: agent } = await openSeededDesk(browser);
  await customerCalls(browser, '+74951234567');

  const pinned = agent.getByRole('region', { name: "Caller's record" });
  await expect(pinned).toContainText('2 customers share this number');
  const choices = pinned.getByRole('list', { name: 'Customers with this number' }).getByRole('listitem');
  await expect(choices).toHaveCount(2);
  await expect(choices.first()).toContainText('Olga Petrov');
  await expect(choices.nth(1)).toContainText('Ivan Petrov');
  await pinned.getByRole('button', { name: 'This is Ivan Petrov' }).click();
  await expect(pinned.getByRole('heading', { name: 'Ivan Petrov' })).toBeVisible();
  await expect(agent.getByRole('region', { name: 'Incoming call' })).toContainText('Ivan Petrov');
});

test('the agent corrects a record during a call; a number that is not one is refused in plain words', async ({
  browser,
}) => {
  const { page: agent } = await openSeededDesk(browser);
  const customer = await customerCalls(browser, '+393471234567');
  await agent.getByRole('region', { name: 'Incoming call' }).getByRole('button', { name: 'Answer' }).click();
  await customer.waitForState((s) => s.session === 'established');

  const pinned = agent.getByRole('region', { name: "Caller's record" });
  await pinned.getByRole('button', { name: 'Correct details' }).click();
  const form = pinned.getByRole('form', { name: "Correct the customer's details" });
  await form.getByRole('textbox', { name: 'E-mail addresses' }).fill('giulia.bianchi@example.it');
  await form.getByRole('textbox', { name: 'Phone number' }).fill('12-ab-34');
  await form.getByRole('button', { name: 'Save changes' }).click();
  await expect(form.getByRole('alert')).toContainText('cannot be read as a number');
  await expect(form.getByRole('textbox', { name: 'E-mail addresses' })).toHaveValue('giulia.bianchi@example.it');
  await form.getByRole('textbox', { name: 'Phone number' }).fill('02 7654 3210');
  await form.getByRole('textbox', { name: /Label/ }).fill('office');
  await form.getByRole('button', { name: 'Save changes' }).click();
  await expect(form).toBeHidden();
  await expect(pinned).toContainText('giulia.bianchi@example.it');
  await expect(pinned).toContainText('+39 02 7654 3210');
});

test('an outbound call pops the record of the number dialled', async ({ browser }) => {
  const { page: agent } = await openSeededDesk(browser);
  await agent.getByRole('textbox', { name: 'Number or address', exact: true }).fill('+40 721 234 567');
  await agent.getByRole('button', { name: 'Call', exact: true }).click();
  const pinned = agent.getByRole('region', { name: "Caller's record" });
  await expect(pinned.getByRole('heading', { name: 'Andrei Popescu' })).toBeVisible();
});
