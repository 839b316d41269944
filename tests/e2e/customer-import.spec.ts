/**
 * Importing customers from the screen (Settings → Customer list): the CSV goes to the core, the
 * bulk worker imports it off the core's event loop, bad rows come back by line with the reason,
 * and the customers are found at once. No PBX needed: the desk is not configured for a line.
 */
import { expect, test } from '@playwright/test';
import { startWebHost, type WebHostProcess } from './stack.js';

let web: WebHostProcess | undefined;
test.afterEach(async () => {
  await web?.stop();
  web = undefined;
});

const CSV = [
  'external_id,given_name,family_name,company,emails,flags,phones',
  'C1,Σοφία,Παπαδοπούλου,,sofia@example.gr,VIP,+30 691 234 5678:mobile',
  'C2,Mario,Rossi,,mario@,,12',
  'C3,Ana,Ionescu,Ionescu Impex,,,+40 721 234 567',
  '',
].join('\n');

test('a CSV picked on the screen is imported in the background; bad rows are listed by line', async ({ page }) => {
  web = await startWebHost();
  await page.goto(web.url);
  // Not configured for a line yet: the settings open by themselves.
  const list = page.getByRole('region', { name: 'Customer list on this desk' });
  await expect(list).toContainText('0 customers.');

  const chooser = page.waitForEvent('filechooser');
  await list.getByRole('button', { name: 'Import customers from a CSV file…' }).click();
  await (await chooser).setFiles({ name: 'crm-export.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });

  const report = list.getByRole('status', { name: 'Customer import' });
  await expect(report).toContainText('crm-export.csv: 2 customers imported, 1 row rejected.');
  const rejected = report.getByRole('list', { name: 'Rejected rows' }).getByRole('listitem');
  await expect(rejected).toHaveCount(1);
  await expect(rejected.first()).toContainText('Line 3:');
  await expect(rejected.first()).toContainText('"12" is not a phone number');
  await expect(list).toContainText('2 customers.');

  // Found at once, in their own script and without the accents.
  await page.getByRole('button', { name: 'Close settings' }).click();
  await page.getByRole('searchbox', { name: 'Find a customer' }).fill('παπαδοπουλου');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByRole('list', { name: 'Customers found' })).toContainText('Σοφία Παπαδοπούλου');
});
