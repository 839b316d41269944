/**
 * The desk's work store under fire, for tests/integration/work-crash.test.ts: wrap-ups started,
 * their drafts saved as typed, submitted with a callback now and then, while another connection
 * (standing in for the CRM sync) takes the write lock every few milliseconds. Each save is printed
 * only once its promise resolved, i.e. once it is committed: the parent kills this process at
 * random and then checks that every printed save is in the database.
 */
import { openDatabase } from '../../src/storage/database.js';
import { silentLogger } from '../../src/log/logger.js';
import { WorkStore } from '../../src/work/store.js';
import { EMPTY_WRAPUP } from '../../src/contract/wrapup.js';
import type { Call } from '../../src/contract/calls.js';

const { dbFile, run } = JSON.parse(process.argv[2]!) as { dbFile: string; run: number };
const store = new WorkStore(dbFile, silentLogger());
store.open();
const rival = openDatabase(dbFile, { busyTimeoutMs: 1000 });
const out = (line: string) => process.stdout.write(`${line}\n`);

// The "sync": holds the write lock for a few ms, often, as a page of a first sync does.
setInterval(() => {
  rival.exec('BEGIN IMMEDIATE');
  const until = Date.now() + 3 + Math.random() * 8;
  while (Date.now() < until) {
    /* holding the lock */
  }
  rival.exec('COMMIT');
}, 7).unref();

function call(id: string): Call {
  const now = Date.now();
  return {
    id,
    direction: 'in',
    state: 'ended',
    remote: { number: '+390612345678', uri: 'sip:+390612345678@pbx.test' },
    startedAt: now - 60_000,
    answeredAt: now - 55_000,
    endedAt: now,
    hold: { local: false, remote: false },
    muted: false,
    end: { cause: 'remote-hangup' },
  };
}

async function main(): Promise<void> {
  out('ready');
  // Drafts left by the run before (killed): finish them first, as the desk does after a restart.
  for (const pending of store.pendingWrapUps()) {
    await store.submit(
      pending.call.id,
      { ...pending.draft, disposition: 'resolved' },
      { dispositionLabel: 'Resolved' },
    );
    out(`submit ${pending.call.id}`);
  }
  for (let n = 0; ; n++) {
    const id = `r${run}-c${n}`;
    await store.startWrapUp(call(id), { trailSummary: [] }, EMPTY_WRAPUP, Date.now());
    out(`start ${id}`);
    const edits = 1 + (n % 5);
    for (let edit = 1; edit <= edits; edit++) {
      await store.saveDraft(id, { ...EMPTY_WRAPUP, summary: `edit ${edit}` });
      out(`draft ${id} ${edit}`);
    }
    if (n % 3 === 2) continue; // left as a draft: submitted after the restart
    const callback = n % 4 === 0;
    await store.submit(
      id,
      {
        ...EMPTY_WRAPUP,
        disposition: 'resolved',
        summary: `edit ${edits}`,
        callback,
        callbackNumber: callback ? '+390612345678' : '',
      },
      { dispositionLabel: 'Resolved', ...(callback ? { callbackDueAt: Date.now() + 3_600_000 } : {}) },
    );
    out(`submit ${id}${callback ? ' callback' : ''}`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
