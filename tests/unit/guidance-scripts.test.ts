import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseScript, checkScript, type Script } from '../../src/guidance/script.js';
import { ScriptLibrary, type CrmScriptRecord } from '../../src/guidance/library.js';
import { fillLine } from '../../src/guidance/variables.js';
import { GuidanceDocuments } from '../../src/guidance/documents.js';
import { migrate, openDatabase } from '../../src/storage/database.js';
import { CUSTOMER_MIGRATIONS } from '../../src/storage/migrations/index.js';
import { silentLogger } from '../../src/log/logger.js';
import english from '../../src/guidance/scripts/general.en.json';

const SHIPPED_DIR = path.resolve('src/guidance/scripts');
const logger = silentLogger();
const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scripts-test-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function variant(change: (script: Script) => void, base: unknown = english): Script {
  const script = structuredClone(base) as Script;
  change(script);
  return script;
}

describe('the shipped scripts', () => {
  const files = fs.readdirSync(SHIPPED_DIR).filter((name) => name.endsWith('.json'));

  it('are five: English, Italian, Greek, Russian, Romanian', () => {
    expect(files.sort()).toEqual([
      'general.el.json',
      'general.en.json',
      'general.it.json',
      'general.ro.json',
      'general.ru.json',
    ]);
  });

  it.each(files)('%s passes the schema and has the same phases and items as the English one', (name) => {
    const result = parseScript(fs.readFileSync(path.join(SHIPPED_DIR, name), 'utf8'), name);
    expect(result.ok ? [] : result.problems).toEqual([]);
    if (!result.ok) return;
    const shape = (script: Script) =>
      (['inbound', 'outbound'] as const).map((direction) =>
        script[direction].map((phase) => ({
          id: phase.id,
          items: phase.checklist.map((item) => `${item.id}:${item.required}`),
          startsOn: phase.startsOn,
          advance: phase.advanceAfterSeconds,
          identification: phase.identification?.minimum,
        })),
      );
    expect(shape(result.script)).toEqual(
      shape(
        checkScript(english, 'en').ok
          ? (checkScript(english, 'en') as { script: Script }).script
          : (undefined as never),
      ),
    );
    expect(result.script.language).toBe(name.split('.')[1]);
    expect(result.script.id).toBe(`general-${result.script.language}`);
  });

  it('are written in their own language, not left in English', () => {
    const en = JSON.parse(fs.readFileSync(path.join(SHIPPED_DIR, 'general.en.json'), 'utf8')) as Script;
    for (const name of files.filter((file) => file !== 'general.en.json')) {
      const other = JSON.parse(fs.readFileSync(path.join(SHIPPED_DIR, name), 'utf8')) as Script;
      expect(other.inbound[1]!.say[0], name).not.toBe(en.inbound[1]!.say[0]);
      expect(other.hold.ask[0], name).not.toBe(en.hold.ask[0]);
    }
  });
});

describe('a script file with mistakes: each problem with its line and column', () => {
  it('YAML: a missing greeting, an unknown variable, a phase out of order', () => {
    const script = variant((s) => {
      delete (s.greetings as Partial<Script['greetings']>).evening;
      s.inbound[1]!.say = ['Hello, this is {agent.nmae}.'];
      [s.inbound[2], s.inbound[3]] = [s.inbound[3]!, s.inbound[2]!];
    });
    const text = stringify(script);
    const result = parseScript(text, 'scripts/broken.yaml');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const lines = text.split('\n');
    const byPath = Object.fromEntries(result.problems.map((problem) => [problem.path, problem]));
    // The unknown variable: the problem points at the very line that has it.
    const variable = byPath['inbound[1].say[0]']!;
    expect(variable.message).toMatch(/unknown variable \{agent\.nmae\}/);
    expect(lines[variable.line! - 1]).toContain('{agent.nmae}');
    // A key that is missing: the problem points at the object that lacks it.
    const greeting = byPath['greetings.evening']!;
    expect(lines[greeting.line! - 1]).toMatch(/morning|greetings/);
    const order = result.problems.find((problem) => problem.message.includes('out of order'))!;
    expect(order.path).toBe('inbound[3].id');
    expect(lines[order.line! - 1]).toContain('id: identify');
    expect(result.problems.every((problem) => problem.source === 'scripts/broken.yaml')).toBe(true);
  });

  it('JSON: a syntax error is reported where it is, with the parser’s words', () => {
    const text = JSON.stringify(english, null, 2).replace(
      '"name": "General customer service",',
      '"name": "General customer service"',
    );
    const result = parseScript(text, 'broken.json');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems[0]!.line).toBeGreaterThan(5);
    expect(result.problems[0]!.line).toBeLessThan(12);
  });

  it('JSON: a wrong type deep inside, with the path', () => {
    const script = variant((s) => {
      (s.inbound[4]!.checklist[0] as { required: unknown }).required = 'yes';
    });
    const text = JSON.stringify(script, null, 2);
    const result = parseScript(text, 'x.json');
    if (result.ok) throw new Error('should fail');
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]!.path).toBe('inbound[4].checklist[0].required');
    expect(text.split('\n')[result.problems[0]!.line! - 1]).toContain('"required": "yes"');
  });

  it('a repeated key, an unknown key, a repeated item, a missing close phase', () => {
    const repeated = 'format: headset-softphone-script\nformat: headset-softphone-script\n';
    const duplicate = parseScript(repeated, 'dup.yaml');
    expect(duplicate.ok ? [] : duplicate.problems.map((problem) => problem.line)).toEqual([2]);
    const script = variant((s) => {
      (s as unknown as Record<string, unknown>).colour = 'blue';
      s.inbound[4]!.checklist.push({ ...s.inbound[4]!.checklist[0]! });
      s.inbound.pop();
    });
    const result = checkScript(script, 'crm:script-1');
    if (result.ok) throw new Error('should fail');
    const messages = result.problems.map((problem) => `${problem.path}: ${problem.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/colour/),
        expect.stringMatching(/^inbound\[4\]\.checklist\[2\]\.id: item "solution-agreed" is repeated/),
        expect.stringMatching(/^inbound: the "close" phase is missing/),
      ]),
    );
  });
});

describe('variables', () => {
  it('fills values, says the fallback, marks a gap, tidies the punctuation', () => {
    expect(fillLine('Hello {customer.firstName}!', { 'customer.firstName': 'Anna' })).toEqual({
      text: 'Hello Anna!',
      missing: [],
    });
    expect(fillLine('Hello {customer.firstName}!', {})).toEqual({ text: 'Hello …!', missing: ['customer.firstName'] });
    expect(fillLine('{company|Thanks for calling}, I am {agent.firstName}.', { 'agent.firstName': 'Marco' })).toEqual({
      text: 'Thanks for calling, I am Marco.',
      missing: [],
    });
    expect(fillLine('Thank you, {customer.salutation|}.', {}).text).toBe('Thank you.');
    expect(fillLine('Ευχαριστούμε, {customer.salutation|};', {}).text).toBe('Ευχαριστούμε;');
    expect(fillLine('Good day {customer.salutation|} and welcome', {}).text).toBe('Good day and welcome');
  });
});

describe('which script a call gets', () => {
  function library(options: { folder?: string; crm?: CrmScriptRecord[] } = {}) {
    const lib = new ScriptLibrary({ folder: () => options.folder ?? '', crmScripts: () => options.crm ?? [], logger });
    lib.reload();
    return lib;
  }
  const billingIt = variant((s) => {
    s.id = 'billing-it';
    s.scriptSet = 'billing';
    s.language = 'it';
    s.name = 'Fatturazione';
  });

  it('by the customer’s language, else the line’s, else the agent’s; a region matches its language', () => {
    const lib = library();
    expect(lib.select('billing', ['ru', 'it', 'en']).script.id).toBe('general-ru');
    expect(lib.select('billing', [undefined, 'el', 'en']).script.id).toBe('general-el');
    expect(lib.select(undefined, ['it-CH']).script.id).toBe('general-it');
    expect(lib.select(undefined, ['fr', 'ro']).script.id).toBe('general-ro');
    expect(lib.select(undefined, ['fr']).script.id).toBe('general-en');
  });

  it('by the line’s script set first, within a language', () => {
    const folder = tempDir();
    fs.writeFileSync(path.join(folder, 'billing.it.yaml'), stringify(billingIt));
    const lib = library({ folder });
    expect(lib.select('billing', ['it']).script.id).toBe('billing-it');
    expect(lib.select('billing', ['it']).source).toBe('folder');
    // The customer speaks Greek: the general Greek script beats the Italian billing one.
    expect(lib.select('billing', ['el', 'it']).script.id).toBe('general-el');
    expect(lib.select('faults', ['it']).script.id).toBe('general-it');
  });

  it('the CRM’s scripts replace the folder’s and the shipped ones; broken ones are listed, not used', () => {
    const folder = tempDir();
    fs.writeFileSync(path.join(folder, 'billing.it.yaml'), stringify(billingIt));
    fs.writeFileSync(path.join(folder, 'broken.yaml'), 'format: headset-softphone-script\nversion: 1\nformat: again\n');
    const fromCrm = variant((s) => {
      s.name = 'Fatturazione (CRM)';
      s.revision = 3;
    }, billingIt);
    const generalIt = variant((s) => {
      s.id = 'crm-general-it';
      s.language = 'it';
      s.name = 'Generale (CRM)';
    });
    const crm: CrmScriptRecord[] = [
      { externalId: 'script:1', version: 1, data: { scriptSet: 'billing', language: 'it', body: fromCrm } },
      { externalId: 'script:2', version: 1, data: { scriptSet: 'general', language: 'it', body: generalIt } },
      { externalId: 'script:3', version: 1, data: { scriptSet: 'general', language: 'de', body: { format: 'nope' } } },
    ];
    const lib = library({ folder, crm });
    expect(lib.select('billing', ['it']).script.name).toBe('Fatturazione (CRM)');
    expect(lib.select('billing', ['it']).source).toBe('crm');
    expect(lib.select(undefined, ['it']).script.id).toBe('crm-general-it');
    const status = lib.status();
    expect(status.problems.map((problem) => problem.source)).toEqual(
      expect.arrayContaining([path.join(folder, 'broken.yaml'), 'crm:script:3']),
    );
    expect(status.problems.find((problem) => problem.source.endsWith('broken.yaml'))!.line).toBe(3);
    expect(
      status.scripts
        .filter((script) => script.language === 'it')
        .map((script) => script.source)
        .sort(),
    ).toEqual(['crm', 'crm']);
  });

  it('a folder that cannot be read is a problem, not a crash', () => {
    const lib = library({ folder: '/nonexistent/scripts' });
    expect(lib.status().problems).toEqual([
      { source: '/nonexistent/scripts', message: 'the scripts folder cannot be read (ENOENT)' },
    ]);
    expect(lib.select(undefined, ['en']).script.id).toBe('general-en');
  });
});

describe('knowledge snippets from the CRM, searched by words (real SQLite)', () => {
  it('follow the synced documents through inserts, updates and deletions', () => {
    const dir = tempDir();
    const db = openDatabase(path.join(dir, 'customers.db'));
    migrate(db, CUSTOMER_MIGRATIONS);
    const upsert = db.prepare(`
      INSERT INTO crm_documents (external_id, kind, version, updated_at, data) VALUES (?, ?, ?, 0, ?)
      ON CONFLICT (external_id) DO UPDATE SET version = excluded.version, data = excluded.data`);
    upsert.run(
      'kb:1',
      'knowledge',
      1,
      JSON.stringify({ title: 'Meter reading', body: 'Send the reading by SMS to 4040.', tags: ['meter'] }),
    );
    upsert.run(
      'kb:2',
      'knowledge',
      1,
      JSON.stringify({ title: 'Direct debit', body: 'Changes take one billing cycle.', tags: ['billing', 'sepa'] }),
    );
    upsert.run('disp:1', 'disposition', 1, JSON.stringify({ code: 'x', label: 'Reading meter' }));
    const docs = new GuidanceDocuments(() => db);
    expect(docs.search('meter', 10).map((snippet) => snippet.id)).toEqual(['kb:1']);
    expect(docs.search('sep', 10).map((snippet) => snippet.id)).toEqual(['kb:2']);
    expect(docs.search('billing cycle', 10)[0]).toMatchObject({
      id: 'kb:2',
      title: 'Direct debit',
      tags: ['billing', 'sepa'],
    });
    expect(docs.search('"; DROP', 10)).toEqual([]);
    upsert.run(
      'kb:1',
      'knowledge',
      2,
      JSON.stringify({ title: 'Meter photo', body: 'Upload a photo in the app.', tags: [] }),
    );
    expect(docs.search('sms', 10)).toEqual([]);
    expect(docs.search('photo', 10).map((snippet) => snippet.id)).toEqual(['kb:1']);
    db.prepare('DELETE FROM crm_documents WHERE external_id = ?').run('kb:1');
    expect(docs.search('photo', 10)).toEqual([]);
    expect(docs.get('kb:2')?.body).toBe('Changes take one billing cycle.');
    expect(docs.get('disp:1')).toBeUndefined();
    db.close();
  });
});

describe('the format for editors and IT', () => {
  it('docs/script.schema.json is the schema the desk reads with (regenerate: npm run check-scripts -- --schema)', async () => {
    const { scriptJsonSchema } = await import('../../tools/scripts/cli.js');
    expect(fs.readFileSync('docs/script.schema.json', 'utf8')).toBe(scriptJsonSchema());
  });
});
