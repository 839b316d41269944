/**
 * Wrap-ups cannot be lost: the desk's work store (a child process, tests/support/
 * work-crash-child.ts, bundled with esbuild) is killed with SIGKILL at random moments while it
 * saves drafts as typed and submits wrap-ups (with callbacks), another connection taking the
 * write lock all the while, until more than 1,000 saves were acknowledged. After every restart:
 * each acknowledged save is there, each submitted wrap-up has its outbox entry exactly once (and
 * its callback), no wrap-up exists without its entry, and the database passes its integrity check.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { migrate, openDatabase } from '../../src/storage/database.js';
import { CUSTOMER_MIGRATIONS } from '../../src/storage/migrations/index.js';
import { tempDir } from '../support/tmp.js';
import { bundleChild, projectRoot as root } from '../support/bundle-child.js';

const SAVES = 1000;
const MIN_KILLS = 15;

let dir: string;
let cleanup: () => void;
let child: string;
let disposeChild: (() => void) | undefined;

beforeAll(async () => {
  ({ dir, cleanup } = tempDir('work-crash-'));
  ({ file: child, dispose: disposeChild } = await bundleChild('work-crash-child'));
});

afterAll(() => {
  cleanup?.();
  disposeChild?.();
});

/** Runs the child until it is killed `killAfterMs` after it is ready; returns what it acknowledged. */
function runOnce(dbFile: string, run: number, killAfterMs: number): Promise<{ acks: string[]; stderr: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [child, JSON.stringify({ dbFile, run })], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acks: string[] = [];
    let buffered = '';
    let stderr = '';
    const deadline = setTimeout(() => proc.kill('SIGKILL'), 30_000);
    proc.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        if (line === 'ready') setTimeout(() => proc.kill('SIGKILL'), killAfterMs);
        else acks.push(line);
      }
    });
    proc.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    proc.on('error', reject);
    proc.on('exit', () => {
      clearTimeout(deadline);
      resolve({ acks, stderr });
    });
  });
}

it(`every acknowledged wrap-up save survives SIGKILL (${SAVES}+ saves, ${MIN_KILLS}+ kills)`, async () => {
  const dbFile = path.join(dir, 'customers.sqlite');
  const setup = openDatabase(dbFile);
  migrate(setup, CUSTOMER_MIGRATIONS);
  setup.close();

  const started = new Set<string>();
  const lastDraft = new Map<string, number>();
  const submitted = new Set<string>();
  const withCallback = new Set<string>();
  let saves = 0;
  let kills = 0;
  for (let run = 0; saves < SAVES || kills < MIN_KILLS; run++) {
    const { acks, stderr } = await runOnce(dbFile, run, 50 + Math.floor(Math.random() * 600));
    expect(stderr, 'the child failed by itself, not by the kill').toBe('');
    kills++;
    for (const ack of acks) {
      const [kind, id, extra] = ack.split(' ') as [string, string, string | undefined];
      if (kind === 'start') started.add(id);
      else if (kind === 'draft') {
        lastDraft.set(id, Number(extra));
        saves++;
      } else if (kind === 'submit') {
        submitted.add(id);
        if (extra === 'callback') withCallback.add(id);
        saves++;
      }
    }

    const db = new Database(dbFile, { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const drafts = new Map(
        (db.prepare('SELECT call_id, draft FROM wrapup_drafts').all() as { call_id: string; draft: string }[]).map(
          (row) => [row.call_id, (JSON.parse(row.draft) as { summary: string }).summary],
        ),
      );
      const wrapUps = new Set(db.prepare('SELECT call_id FROM wrapups').pluck().all() as string[]);
      const entries = db
        .prepare("SELECT json_extract(data, '$.callId') FROM outbox WHERE kind = 'wrapup.create'")
        .pluck()
        .all() as string[];
      // Atomic: a wrap-up and its outbox entry, one each, never one without the other.
      expect(entries.length).toBe(new Set(entries).size);
      expect(new Set(entries)).toEqual(wrapUps);
      const callbacks = db.prepare('SELECT call_id FROM callbacks').pluck().all() as string[];
      const callbackEntries = db.prepare("SELECT count(*) FROM outbox WHERE kind = 'callback.create'").pluck().get();
      expect(callbackEntries).toBe(callbacks.length);
      for (const id of withCallback) expect(callbacks, `the callback of ${id}`).toContain(id);
      for (const id of submitted) {
        expect(wrapUps.has(id), `submitted ${id}`).toBe(true);
        expect(drafts.has(id), `no draft left for ${id}`).toBe(false);
      }
      for (const id of started) expect(wrapUps.has(id) || drafts.has(id), `started ${id}`).toBe(true);
      for (const [id, edit] of lastDraft) {
        if (wrapUps.has(id)) continue;
        const kept = Number(drafts.get(id)?.replace('edit ', ''));
        expect(kept, `the draft of ${id} has at least edit ${edit}`).toBeGreaterThanOrEqual(edit);
      }
    } finally {
      db.close();
    }
  }
  expect(saves).toBeGreaterThanOrEqual(SAVES);
  console.log(`work crash test: ${kills} kills, ${saves} acknowledged saves, ${submitted.size} wrap-ups submitted`);
}, 600_000);
