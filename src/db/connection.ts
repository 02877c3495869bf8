import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema.js';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

// src/db and dist/db are both two levels below the package root, where migrations/ lives.
const MIGRATIONS = resolve(dirname(fileURLToPath(import.meta.url)), '../../migrations');

export function openDatabase(path: string): Db {
  if (path !== ':memory:') makeParentDirs(path);
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma(`synchronous = ${EVERYDAY_SYNC}`);
  return drizzle(sqlite, { schema });
}

/**
 * In WAL mode, NORMAL writes each commit to the WAL without waiting for the disk: a crash of the
 * process loses nothing, a power cut can lose the commits since the last checkpoint (at most about
 * a second: the checkpointer runs every second). Most commits can afford that: the engine's work
 * is derived from rows and redone, and what was lost had not yet been acknowledged to anyone
 * outside but Slack. A 202 to a sender cannot: see `durably` (db/wal-sync.ts).
 */
const EVERYDAY_SYNC = 'NORMAL';

/** Why a database could not be opened for reading: one line, for a CLI to print. */
export class DatabaseUnreadable extends Error {}

/**
 * Opens an existing database read-only, for commands that only read (report, what-if): nothing
 * is created, nothing migrated, so a wrong DATABASE_PATH is an error rather than an empty new
 * database, and a running app's file is never written. A database the app has not yet migrated
 * to this version's schema is refused, saying so: its figures would be read from missing columns.
 */
export function openDatabaseReadOnly(path: string): Db {
  if (path === ':memory:' || !existsSync(path))
    throw new DatabaseUnreadable(`no database at ${path} (set DATABASE_PATH to the app's database file)`);
  let sqlite: Database.Database;
  try {
    sqlite = new Database(path, { readonly: true, fileMustExist: true });
    sqlite.pragma('busy_timeout = 5000');
  } catch (error) {
    throw new DatabaseUnreadable(
      `cannot open ${path}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  try {
    const applied = appliedMigrations(sqlite);
    const known = journalMigrations();
    if (applied === undefined)
      throw new DatabaseUnreadable(`${path} is not a lead-dispatch database (it has no migrations table)`);
    if (applied < known.length)
      throw new DatabaseUnreadable(
        `${path} has an older schema than this version (${applied} of ${known.length} migrations; next ${known[applied]}): start the app once to migrate it`,
      );
  } catch (error) {
    sqlite.close();
    throw error;
  }
  return drizzle(sqlite, { schema });
}

/** How many migrations the database has had; undefined when it has no migrations table. */
export function appliedMigrations(sqlite: Database.Database): number | undefined {
  try {
    return sqlite.prepare<[], number>('select count(*) from __drizzle_migrations').pluck().get();
  } catch (error) {
    if (error instanceof Error && /no such table/.test(error.message)) return undefined;
    if (error instanceof Error && /not a database/.test(error.message))
      throw new DatabaseUnreadable(`the file is not a SQLite database: ${error.message}`);
    throw error;
  }
}

/** The migrations this version ships, by tag, in order. */
export function journalMigrations(): string[] {
  const journal = JSON.parse(readFileSync(resolve(MIGRATIONS, 'meta/_journal.json'), 'utf8')) as {
    entries: Array<{ tag: string }>;
  };
  return journal.entries.map((e) => e.tag);
}

/**
 * mkdir -p one level at a time: Node 20's recursive mkdirSync never returns for a path under
 * /proc, which turned a typo in DATABASE_PATH into a hang instead of an error.
 */
function makeParentDirs(path: string): void {
  const dirs: string[] = [];
  for (let dir = dirname(resolve(path)); !existsSync(dir); dir = dirname(dir)) dirs.unshift(dir);
  for (const dir of dirs) mkdirSync(dir);
}

/**
 * Applies pending migrations. Foreign keys are off while they run, because a table rebuild (the
 * only way SQLite changes a column) drops a table others point at, and the pragma cannot change
 * inside the migrator's transaction. The check runs after the migrator has committed: a broken
 * link stops start-up (every time, until repaired) rather than letting the app run on it.
 */
export function migrateDatabase(db: Db): void {
  db.$client.pragma('foreign_keys = OFF');
  try {
    migrate(db, { migrationsFolder: MIGRATIONS });
    const broken = db.$client.pragma('foreign_key_check') as unknown[];
    if (broken.length > 0) throw new Error(`migration left ${broken.length} broken foreign keys`);
  } finally {
    db.$client.pragma('foreign_keys = ON');
  }
}

export function isDatabaseHealthy(db: Db): boolean {
  try {
    return db.$client.prepare('select 1 as ok').get() !== undefined;
  } catch {
    return false;
  }
}
