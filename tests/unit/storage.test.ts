import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DatabaseTooNewError, migrate, openDatabase, type Db, type Migration } from '../../src/storage/database.js';
import { CUSTOMER_MIGRATIONS } from '../../src/storage/migrations/index.js';
import { tempDir } from '../support/tmp.js';

/** A schema version from an app newer than this one. */
const NEWER = CUSTOMER_MIGRATIONS.length + 1;

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

function open(): { db: Db; file: string } {
  const { dir, cleanup } = tempDir();
  const file = path.join(dir, 'customers.sqlite');
  const db = openDatabase(file);
  cleanups.push(() => {
    if (db.open) db.close();
    cleanup();
  });
  return { db, file };
}

const tables = (db: Db) =>
  (db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all() as string[]).filter(
    (name) => !name.includes('_'),
  );

const step = (version: number, sql: string): Migration => ({
  version,
  name: `step ${version}`,
  up: (db) => db.exec(sql),
});

describe('opening the database', () => {
  it('uses WAL, enforces foreign keys, waits for locks and syncs NORMAL', () => {
    const { db } = open();
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
  });
});

describe('migrations keyed on user_version', () => {
  it('builds a fresh file up to the last version', () => {
    const { db } = open();
    expect(migrate(db, CUSTOMER_MIGRATIONS)).toBe(0);
    expect(db.pragma('user_version', { simple: true })).toBe(CUSTOMER_MIGRATIONS.length);
    expect(tables(db)).toEqual(expect.arrayContaining(['cases', 'customers', 'interactions', 'lines', 'phones']));
    expect(migrate(db, CUSTOMER_MIGRATIONS)).toBe(CUSTOMER_MIGRATIONS.length);
  });

  it('upgrades a file from an older version, running only the new steps, and keeps its data', () => {
    const { db, file } = open();
    migrate(db, [step(1, 'CREATE TABLE a (x INTEGER); INSERT INTO a VALUES (1);')]);
    db.close();
    const again = openDatabase(file);
    try {
      expect(migrate(again, [step(1, 'CREATE TABLE a (x INTEGER);'), step(2, 'ALTER TABLE a ADD y TEXT;')])).toBe(1);
      expect(again.prepare('SELECT x, y FROM a').all()).toEqual([{ x: 1, y: null }]);
      expect(again.pragma('user_version', { simple: true })).toBe(2);
    } finally {
      again.close();
    }
  });

  it('leaves the file at the last step that worked when a step fails', () => {
    const { db } = open();
    expect(() =>
      migrate(db, [step(1, 'CREATE TABLE a (x);'), step(2, 'CREATE TABLE b (x); SELECT nonsense;')]),
    ).toThrow(/nonsense/);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(tables(db)).toEqual(['a']);
  });

  it('refuses a file from a newer version of the app, saying which versions, and leaves it alone', () => {
    const { db, file } = open();
    db.pragma(`user_version = ${NEWER}`);
    const error = (() => {
      try {
        migrate(db, CUSTOMER_MIGRATIONS);
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(error).toBeInstanceOf(DatabaseTooNewError);
    expect(error).toMatchObject({
      code: 'database-too-new',
      file,
      fileVersion: NEWER,
      knownVersion: CUSTOMER_MIGRATIONS.length,
    });
    expect((error as Error).message).toContain(`schema version ${NEWER}`);
    expect((error as Error).message).toContain(`versions up to ${CUSTOMER_MIGRATIONS.length}`);
    expect((error as Error).message).toContain('newer version of the app');
    expect(db.pragma('user_version', { simple: true })).toBe(NEWER);
    expect(tables(db)).toEqual([]);
  });

  it('refuses a list of steps with a gap (a programming error, caught before touching the file)', () => {
    const { db } = open();
    expect(() => migrate(db, [step(1, 'CREATE TABLE a (x);'), step(3, 'CREATE TABLE c (x);')])).toThrow(/expected 2/);
    expect(db.pragma('user_version', { simple: true })).toBe(0);
  });
});
