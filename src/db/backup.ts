import { copyFileSync, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { appliedMigrations, journalMigrations, migrateDatabase, openDatabase } from './connection.js';

/** Why a backup or a restore was refused: one line for the CLI to print; nothing was changed. */
export class BackupRefused extends Error {}

/** What a backup file holds, for the operator to check at a glance. */
export interface BackupSummary {
  bytes: number;
  tasks: number;
  events: number;
  agents: number;
  /** When the newest lead in it arrived; null when it has none. */
  newestTask: Date | null;
}

/**
 * The sweeper writes its heartbeat every second; an app stopped longer ago than this is taken as
 * stopped. The same 10 s after which `/healthz` calls the sweeper stale.
 */
export const RUNNING_WITHIN_MS = 10_000;

const SIDE_FILES = ['-wal', '-shm'] as const;

/**
 * A consistent copy of the database at `source` in `dest`, taken while the app runs: SQLite's
 * online backup API (better-sqlite3 `backup()`) reads one snapshot in WAL mode without blocking the
 * app's writers. It is written to `<dest>.partial` and renamed, so an interrupted backup never
 * leaves a half file under the name given; then switched to `journal_mode = DELETE` so the backup
 * is one self-contained file to copy anywhere.
 */
export async function backupDatabase(
  source: string,
  dest: string,
  options: { force?: boolean } = {},
): Promise<BackupSummary> {
  if (!existsSync(source)) throw new BackupRefused(`no database at ${source} (set DATABASE_PATH)`);
  if (existsSync(dest) && !options.force)
    throw new BackupRefused(`${dest} already exists; choose another name or add --force to overwrite it`);
  const db = new Database(source, { readonly: true, fileMustExist: true });
  const partial = `${dest}.partial`;
  try {
    db.pragma('busy_timeout = 5000');
    if (!hasMigrations(db)) throw new BackupRefused(`${source} is not a lead-dispatch database`);
    removeWithSideFiles(partial);
    // After the first step, everything left in one step: one read transaction, one snapshot. Small
    // steps would restart from the first page whenever the running app commits in between, and on
    // a busy team might never finish.
    await db.backup(partial, { progress: () => Number.MAX_SAFE_INTEGER });
  } catch (error) {
    removeWithSideFiles(partial);
    throw error;
  } finally {
    db.close();
  }
  const copy = new Database(partial);
  try {
    copy.pragma('journal_mode = DELETE');
  } finally {
    copy.close();
  }
  removeWithSideFiles(dest);
  renameSync(partial, dest);
  return summarize(dest);
}

/** What the file holds: size, leads, events, agents. Read-only. */
export function summarize(path: string): BackupSummary {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const count = (table: string) =>
      db.prepare<[], number>(`select count(*) from ${table}`).pluck().get() ?? 0;
    const newest = db.prepare<[], number | null>('select max(received_at) from tasks').pluck().get() ?? null;
    return {
      bytes: statSync(path).size,
      tasks: count('tasks'),
      events: count('events'),
      agents: count('agents'),
      newestTask: newest === null ? null : new Date(newest),
    };
  } finally {
    db.close();
  }
}

export interface RestoreResult extends BackupSummary {
  /** Where the database that was replaced now is; null when there was none. */
  keptAside: string | null;
}

/**
 * Puts the backup `file` in place of the database at `target`. Checked first on a copy (SQLite's
 * integrity_check, a lead-dispatch migrations table, no newer schema than this version knows) and
 * migrated there, so a bad file changes nothing. Refused while the app seems to run: the sweeper's
 * heartbeat in the current database is younger than 10 s (a running app writes it every second).
 * The replaced database, with its -wal and -shm, is renamed `<target>.before-restore-<time>`, never
 * deleted.
 */
export function restoreDatabase(file: string, target: string, now: Date): RestoreResult {
  if (!existsSync(file)) throw new BackupRefused(`no backup file at ${file}`);
  const staged = `${target}.restoring`;
  removeWithSideFiles(staged);
  copyFileSync(file, staged);
  try {
    checkBackup(staged, file);
    const running = heartbeatAge(target, now);
    if (running !== undefined)
      throw new BackupRefused(
        `the app seems to be running on ${target} (its sweeper wrote a heartbeat ${Math.round(running / 1000)} s ago): stop it (and Litestream, if it replicates this file), then restore`,
      );
    const db = openDatabase(staged);
    try {
      migrateDatabase(db);
    } finally {
      // Closing the last connection checkpoints the WAL into the file and removes it.
      db.$client.close();
    }
  } catch (error) {
    removeWithSideFiles(staged);
    throw error;
  }
  let keptAside: string | null = null;
  if (existsSync(target)) {
    keptAside = `${target}.before-restore-${now.toISOString().replace(/[:.]/g, '-')}`;
    // The -wal may hold commits not yet copied into the file: it moves with it, so the kept copy
    // opens as the database it was.
    for (const suffix of ['', ...SIDE_FILES])
      if (existsSync(target + suffix)) renameSync(target + suffix, keptAside + suffix);
  }
  renameSync(staged, target);
  return { ...summarize(target), keptAside };
}

/** Refuses a file that is not a sound lead-dispatch database this version can run on. */
function checkBackup(path: string, shownAs: string): void {
  let db: Database.Database;
  try {
    db = new Database(path, { fileMustExist: true });
  } catch (error) {
    throw new BackupRefused(`cannot open ${shownAs}: ${message(error)}`);
  }
  try {
    let integrity: string[];
    try {
      integrity = db.prepare<[], string>('pragma integrity_check').pluck().all();
    } catch (error) {
      throw new BackupRefused(`${shownAs} is not a SQLite database: ${message(error)}`);
    }
    if (integrity.join() !== 'ok')
      throw new BackupRefused(`${shownAs} is damaged (integrity_check: ${integrity.slice(0, 3).join('; ')})`);
    if (!hasMigrations(db) || !hasTable(db, 'tasks'))
      throw new BackupRefused(`${shownAs} is not a lead-dispatch database (no migrations table or no tasks)`);
    const applied = appliedMigrations(db) ?? 0;
    const known = journalMigrations().length;
    if (applied > known)
      throw new BackupRefused(
        `${shownAs} comes from a newer lead-dispatch (${applied} migrations; this version knows ${known}): restore it with that version`,
      );
  } finally {
    db.close();
  }
}

/** Milliseconds since the sweeper's heartbeat when under RUNNING_WITHIN_MS (or in the future); else undefined. */
function heartbeatAge(target: string, now: Date): number | undefined {
  if (!existsSync(target)) return undefined;
  let db: Database.Database | undefined;
  try {
    db = new Database(target, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    const at = db.prepare<[], number>("select at from heartbeats where name = 'sweeper'").pluck().get();
    if (at === undefined) return undefined;
    const age = now.getTime() - at;
    return age < RUNNING_WITHIN_MS ? Math.max(0, age) : undefined;
  } catch {
    // A database too damaged to read has no app running on it: replacing it is what restore is for.
    return undefined;
  } finally {
    db?.close();
  }
}

function hasMigrations(db: Database.Database): boolean {
  return hasTable(db, '__drizzle_migrations');
}

function hasTable(db: Database.Database, name: string): boolean {
  return db.prepare("select 1 from sqlite_master where type = 'table' and name = ?").get(name) !== undefined;
}

function removeWithSideFiles(path: string): void {
  for (const suffix of ['', ...SIDE_FILES]) rmSync(path + suffix, { force: true });
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));
