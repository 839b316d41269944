/**
 * The running app (web host) pointed at the reference CRM (tools/crm) through its Settings: the
 * first sync fills the customer list with a progress bar, a correction made at the desk reaches the
 * CRM, and a stale one shows the conflict with both versions and applies the agent's choice.
 */
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { startCrmServer, type CrmServer } from '../../tools/crm/server.js';
import { CrmStore } from '../../tools/crm/store.js';
import { tempDir } from '../support/tmp.js';
import { startWebHost, type WebHostProcess } from './stack.js';

const TOKEN = 'e2e-crm-token-42';
let crm: CrmServer;
let cleanup: () => void;
let web: WebHostProcess | undefined;

test.beforeAll(async () => {
  let dir: string;
  ({ dir, cleanup } = tempDir('crm-e2e-'));
  const store = new CrmStore(path.join(dir, 'crm.sqlite'));
  // Enough for the first sync to take a few seconds, so that its progress shows.
  store.seed({ customers: 12_000, seed: 5, history: false });
  crm = await startCrmServer({ store, tokens: [TOKEN] });
});

test.afterEach(async () => {
  await web?.stop();
  web = undefined;
});

test.afterAll(async () => {
  await crm?.close();
  crm?.store.close();
  cleanup?.();
});

test('the agent sets up the CRM in Settings; the first sync fills the list; a stale correction shows the conflict', async ({
  page,
}) => {
  test.setTimeout(180_000);
  web = await startWebHost();
  await page.goto(web.url);
  await expect(page.getByTestId('sync-indicator')).toHaveCount(0);

  const crmSection = page.getByRole('group', { name: 'CRM', exact: true });
  await crmSection.getByLabel('Sync server address (CRM)').fill(crm.url);
  await crmSection.getByLabel('CRM access token').fill(TOKEN);
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Settings saved.' })).toBeVisible();
  await expect(page.getByTestId('crm-token-state')).toContainText('A token is saved');

  // The first sync, with its progress bar, shown where the agent just saved.
  const progress = crmSection.getByRole('progressbar', { name: 'First sync with the CRM' });
  await expect(progress).toBeVisible({ timeout: 30_000 });
  await expect(progress).toHaveAttribute('aria-valuetext', /records received/);
  await page.getByRole('button', { name: 'Close settings' }).click();
  await expect(page.getByRole('progressbar', { name: 'First sync with the CRM' })).toBeHidden({ timeout: 120_000 });
  const indicator = page.getByRole('button', { name: /^CRM:/ });
  await expect(indicator).toContainText('up to date', { timeout: 30_000 });

  // Every customer of the CRM is in the desk's list.
  const customer = crm.store.getRecord('customer', 'CUST-0000042')!;
  const name = [customer.data!.givenName, customer.data!.familyName].join(' ');
  await page.getByRole('searchbox', { name: 'Find a customer' }).fill(String(customer.data!.accountNumber));
  await page.getByRole('button', { name: 'Search' }).click();
  await page
    .getByRole('list', { name: 'Customers found' })
    .getByRole('button', { name: new RegExp(name) })
    .first()
    .click();
  const record = page.getByRole('article', { name: `Record of ${name}` });
  await expect(record).toBeVisible();

  // Someone changes the customer in the CRM; the agent, still seeing the old record, corrects it.
  crm.store.patchRecord('customer', 'CUST-0000042', { notes: 'Changed in the CRM' });
  await record.getByRole('button', { name: 'Correct details' }).click();
  const form = page.getByRole('form', { name: "Correct the customer's details" });
  await form.getByRole('textbox', { name: 'Notes' }).fill('Changed at the desk');
  await form.getByRole('button', { name: 'Save changes' }).click();

  await expect(indicator).toContainText('1 problem', { timeout: 30_000 });
  // Nothing was overwritten in the CRM.
  expect(crm.store.getRecord('customer', 'CUST-0000042')!.data!.notes).toBe('Changed in the CRM');
  await indicator.click();
  const panel = page.getByRole('region', { name: 'CRM sync' });
  const problem = panel.getByRole('article', { name });
  await expect(problem).toBeVisible();
  const notes = problem.locator('tr[data-field="notes"]');
  await expect(notes).toContainText('Changed at the desk');
  await expect(notes).toContainText('Changed in the CRM');
  await problem.getByRole('button', { name: 'Keep my change' }).click();

  await expect(indicator).toContainText('up to date', { timeout: 30_000 });
  await expect.poll(() => crm.store.getRecord('customer', 'CUST-0000042')!.data!.notes).toBe('Changed at the desk');
  await expect(panel.getByRole('article', { name })).toHaveCount(0);
});
