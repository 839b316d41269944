/**
 * The desk killed with SIGKILL at random moments while it writes, pulls and pushes, 100 times: it
 * starts again where it was, nothing it acknowledged is lost, nothing reaches the CRM twice, and
 * the database passes its integrity check. The desk is a child process (tests/support/
 * sync-crash-child.ts) bundled with esbuild, so that a hundred starts take less than a minute.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Random } from '../../src/customers/generator.js';
import { migrate, openDatabase } from '../../src/storage/database.js';
import { CUSTOMER_MIGRATIONS } from '../../src/storage/migrations/index.js';
import { startCrmServer, type CrmServer } from '../../tools/crm/server.js';
import { CrmStore } from '../../tools/crm/store.js';
import { tempDir } from '../support/tmp.js';
import { bundleChild, projectRoot as root } from '../support/bundle-child.js';

const TOKEN = 'crash-test-token';
const KILLS = 100;

let dir: string;
let cleanup: () => void;
let crm: CrmServer;
let child: string;
let disposeChild: (() => void) | undefined;

beforeAll(async () => {
  ({ dir, cleanup } = tempDir('sync-crash-'));
  ({ file: child, dispose: disposeChild } = await bundleChild('sync-crash-child'));
  crm = await startCrmServer({ store: new CrmStore(path.join(dir, 'crm.sqlite')), tokens: [TOKEN] });
  crm.store.seed({ customers: 1500, seed: 21, history: true });
});

afterAll(async () => {
  await crm?.close();
  crm?.store.close();
  cleanup?.();
  disposeChild?.();
});

interface RunResult {
  writes: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Runs the desk once; kills it `killAfterMs` after it is up, or lets it finish (final run). */
function runDesk(dbFile: string, run: number, killAfterMs: number | undefined): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const options = { dbFile, url: crm.url, token: TOKEN, run, final: killAfterMs === undefined };
    const proc = spawn(process.execPath, [child, JSON.stringify(options)], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const writes: string[] = [];
    let stderr = '';
    let buffered = '';
    let timer: NodeJS.Timeout | undefined;
    const deadline = setTimeout(() => proc.kill('SIGKILL'), 60_000);
    proc.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (line === 'READY' && killAfterMs !== undefined) timer = setTimeout(() => proc.kill('SIGKILL'), killAfterMs);
        else if (line.startsWith('W ')) writes.push(line.slice(2));
      }
    });
    proc.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    proc.on('error', reject);
    proc.on('close', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(deadline);
      resolve({ writes, code, signal, stderr });
    });
  });
}

describe('the desk killed during sync', () => {
  it(`resumes after ${KILLS} kills: nothing acknowledged is lost, nothing arrives twice, the file is sound`, async () => {
    const dbFile = path.join(dir, 'customers.sqlite');
    const random = new Random(2026);
    const acknowledged: string[] = [];
    let killedDuringFirstSync = 0;
    for (let run = 1; run <= KILLS; run++) {
      const result = await runDesk(dbFile, run, 10 + random.int(200));
      expect(result.signal, `run ${run}: ${result.stderr}`).toBe('SIGKILL');
      acknowledged.push(...result.writes);
      // Keep the CRM changing, so that pulls go on through the runs, not only the first sync.
      if (run % 10 === 0) {
        for (let k = 0; k < 20; k++) {
          const id = `CUST-${String(1 + random.int(1500)).padStart(7, '0')}`;
          const current = crm.store.getRecord('customer', id);
          if (!current || current.deleted) continue;
          if (random.chance(0.1)) crm.store.deleteRecord('customer', id);
          else crm.store.patchRecord('customer', id, { notes: `run ${run} note ${k}` });
        }
      }
      // Killed before the first sync was through: fewer of the CRM's customers here than there.
      const probe = openDatabase(dbFile, { busyTimeoutMs: 5000 });
      const hasTable = probe.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'customers'").pluck().get();
      const pulled = hasTable
        ? (probe.prepare("SELECT count(*) FROM customers WHERE external_id LIKE 'CUST-%'").pluck().get() as number)
        : 0;
      if (pulled < 1400) killedDuringFirstSync += 1;
      probe.close();
    }
    const final = await runDesk(dbFile, KILLS + 1, undefined);
    expect(final.code, final.stderr).toBe(0);

    // The file is sound and at the newest schema.
    const db = openDatabase(dbFile);
    migrate(db, CUSTOMER_MIGRATIONS);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.prepare('SELECT count(*) FROM outbox').pluck().get()).toBe(0);

    // Every acknowledged write is in the CRM, once; no write of the desk is there twice.
    const applied = crm.store.appliedMutations();
    expect(new Set(applied.map((m) => m.id)).size).toBe(applied.length);
    const customers = new Map<string, number>();
    for (const m of applied.filter((m) => m.kind === 'customer.create')) {
      const name = crm.store.getRecord('customer', m.recordId)!.data!.familyName as string;
      customers.set(name, (customers.get(name) ?? 0) + 1);
    }
    const calls = new Set(applied.filter((m) => m.kind === 'interaction.create').map((m) => m.recordId));
    expect(calls.size).toBe(applied.filter((m) => m.kind === 'interaction.create').length);
    expect(acknowledged.length).toBeGreaterThan(KILLS);
    expect(killedDuringFirstSync).toBeGreaterThan(0);
    for (const write of acknowledged) {
      const [kind, id] = write.split(' ') as [string, string];
      if (kind === 'customer') expect(customers.get(id), `customer ${id}`).toBe(1);
      else expect(calls.has(id), `call ${id}`).toBe(true);
    }
    for (const count of customers.values()) expect(count).toBe(1);
    // Per record, in the order written.
    const byStream = new Map<string, number[]>();
    for (const m of applied) byStream.set(m.stream, [...(byStream.get(m.stream) ?? []), m.seq]);
    for (const seqs of byStream.values()) expect(seqs).toEqual([...seqs].sort((a, b) => a - b));

    // The cache holds what the CRM holds.
    const local = db.prepare('SELECT external_id, version FROM customers ORDER BY external_id').all() as {
      external_id: string;
      version: number;
    }[];
    const remote = crm.store.versions('customer').map((r) => ({ external_id: r.id, version: r.version }));
    expect(local).toEqual(remote);
    db.close();
    console.log(
      `${KILLS} kills (${killedDuringFirstSync} during the first sync), ${acknowledged.length} acknowledged writes, ` +
        `${applied.length} changes applied by the CRM, ${local.length} customers in both`,
    );
  }, 600_000);
});
