import { existsSync, mkdirSync } from 'node:fs';
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
  sqlite.pragma('synchronous = NORMAL');
  return drizzle(sqlite, { schema });
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
