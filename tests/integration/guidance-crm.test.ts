/**
 * Scripts, lines and knowledge snippets reach the guidance through the CRM sync: the reference CRM
 * (tools/crm) over loopback HTTP, real SQLite on both sides. A script written in the CRM replaces
 * the shipped one for its set and language; a broken one is reported and the shipped one stays; a
 * line's required checks and the knowledge index follow the CRM's changes.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { GuidanceDocuments } from '../../src/guidance/documents.js';
import { ScriptLibrary } from '../../src/guidance/library.js';
import { CustomerRepository } from '../../src/customers/repository.js';
import { silentLogger } from '../../src/log/logger.js';
import { waitFor } from '../support/wait.js';
import english from '../../src/guidance/scripts/general.en.json';
import type { CrmServer } from '../../tools/crm/server.js';
import type { Db } from '../../src/storage/database.js';
import type { SyncEngine } from '../../src/sync/engine.js';
import { startCrmSync } from '../support/crm-sync.js';

let crm: CrmServer;
let db: Db;
let engine: SyncEngine;
let stop: () => Promise<void>;

beforeEach(async () => {
  ({ crm, db, engine, stop } = await startCrmSync('guidance-crm-', { customers: 20, seed: 7 }));
});

afterEach(() => stop());

it('a script from the CRM replaces the shipped one; a broken one is reported; lines and knowledge follow', async () => {
  const documents = new GuidanceDocuments(() => db);
  const library = new ScriptLibrary({
    folder: () => '',
    crmScripts: () => documents.scripts(),
    logger: silentLogger(),
  });
  library.reload();
  expect(library.select('billing', ['en']).source).toBe('shipped');

  const billing = {
    ...structuredClone(english),
    id: 'billing-en',
    scriptSet: 'billing',
    name: 'Billing desk',
    revision: 4,
  };
  crm.store.putRecord('script', 'script:billing-en', { scriptSet: 'billing', language: 'en', body: billing });
  crm.store.putRecord('script', 'script:broken', { scriptSet: 'general', language: 'it', body: { format: 'nope' } });
  crm.store.putRecord('line', 'line:billing', {
    called: 'queue-billing-2',
    serviceName: 'Billing',
    scriptSet: 'billing',
    language: 'en',
    requiredChecks: ['identify.postcode'],
  });
  crm.store.putRecord('knowledge', 'kb:instalments', {
    title: 'Paying in instalments',
    body: 'A bill over 100 euro can be split into three monthly payments.',
    tags: ['billing'],
  });
  engine.syncNow();
  await waitFor('the records are in the cache', () => documents.get('kb:instalments'), 10_000);
  await waitFor('the scripts are in the cache', () => documents.scripts().length === 2 || undefined, 10_000);

  expect(library.refreshCrm()).toBe(true);
  const chosen = library.select('billing', ['en']);
  expect(chosen).toMatchObject({ source: 'crm', origin: 'crm:script:billing-en' });
  expect(chosen.script.revision).toBe(4);
  // The broken one is listed with its problems; Italian calls keep the shipped Italian script.
  expect(library.status().problems.some((problem) => problem.source === 'crm:script:broken')).toBe(true);
  expect(library.select(undefined, ['it']).script.id).toBe('general-it');
  // Nothing changed since: nothing parsed again.
  expect(library.refreshCrm()).toBe(false);

  const line = new CustomerRepository(db).lineFor('queue-billing-2', 'IT');
  expect(line).toMatchObject({ scriptSet: 'billing', requiredChecks: ['identify.postcode'] });
  expect(documents.search('instalments', 5).map((snippet) => snippet.id)).toEqual(['kb:instalments']);
  // The reference CRM's own seeded snippets are searchable too.
  expect(documents.search('return', 5).map((snippet) => snippet.id)).toContain('kb:returns');

  // Removed in the CRM: gone from the desk.
  crm.store.deleteRecord('script', 'script:billing-en');
  crm.store.deleteRecord('knowledge', 'kb:instalments');
  engine.syncNow();
  await waitFor('the removal is in the cache', () => !documents.get('kb:instalments') || undefined, 10_000);
  library.refreshCrm();
  expect(library.select('billing', ['en']).source).toBe('shipped');
  expect(documents.search('instalments', 5)).toEqual([]);
});
