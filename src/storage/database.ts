import Database from 'better-sqlite3';

export type Db = Database.Database;

/** One step of a database's schema. `version` is what `PRAGMA user_version` holds once it ran. */
export interface Migration {
  version: number;
  name: string;
  up(db: Db): void;
}

export interface OpenOptions {
  /**
   * NORMAL (the default) in WAL mode loses at most the last commits on a power cut, never the
   * file's consistency; FULL costs an fsync per commit.
   */
  synchronous?: 'NORMAL' | 'FULL';
  /** How long a write waits for another connection's lock before failing (SQLITE_BUSY). */
  busyTimeoutMs?: number;
}

/** The better-sqlite3 binary to load instead of node_modules' own (development runs in Electron). */
export const SQLITE_BINDING_ENV = 'HEADSET_SOFTPHONE_SQLITE_BINDING';

/**
 * Opens (or creates) a database file for the core: WAL so that reads (a lookup while a call rings)
 * never wait for a write (a sync from the CRM), foreign keys enforced. Migrate it before use.
 */
export function openDatabase(file: string, options: OpenOptions = {}): Db {
  // `npm start` runs the core inside Electron, whose Node ABI differs from the Node that runs the
  // web host and the tests: it builds better-sqlite3 for Electron beside node_modules and names it
  // here (scripts/start-electron.mjs). An installed app has its own rebuilt copy and no such name.
  const nativeBinding = process.env[SQLITE_BINDING_ENV];
  const db = new Database(file, nativeBinding ? { nativeBinding } : {});
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`);
    db.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/**
 * The file was written by a newer version of the app (someone ran a newer build, then went back):
 * its schema is unknown to us, so we neither read nor change it.
 */
export class DatabaseTooNewError extends Error {
  readonly code = 'database-too-new';
  constructor(
    readonly file: string,
    readonly fileVersion: number,
    readonly knownVersion: number,
  ) {
    super(
      `The database ${file} has schema version ${fileVersion}, but this version of the app knows ` +
        `versions up to ${knownVersion}: it was written by a newer version of the app. ` +
        `Update the app, or move the file aside to start a new one; it was left unchanged.`,
    );
    this.name = 'DatabaseTooNewError';
  }
}

/**
 * Brings the schema up to the last of `migrations` (numbered 1, 2, 3… in order), each step in its
 * own transaction together with its `user_version`, so that a crash leaves the file at a version
 * and never between two. Returns the version the file had before.
 */
export function migrate(db: Db, migrations: readonly Migration[]): number {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(`migration ${migration.name} has version ${migration.version}, expected ${index + 1}`);
    }
  });
  const known = migrations.length;
  const before = db.pragma('user_version', { simple: true }) as number;
  if (before > known) throw new DatabaseTooNewError(db.name, before, known);
  for (const migration of migrations.slice(before)) {
    db.transaction(() => {
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
  return before;
}

/** Another connection holds the write lock for longer than this one waits (extended codes too). */
export function isBusyError(error: unknown): boolean {
  const code = (error as { code?: string } | undefined)?.code ?? '';
  return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED');
}
