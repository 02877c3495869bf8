import { statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import type { Db } from './connection.js';

/** Why the database cannot be written, in one line, and how long a sender should wait to retry. */
export interface WriteProblem {
  reason: string;
  retryAfterSeconds: number;
}

/** How often /healthz proves the database writable (a write of one row, with a short lock wait). */
const PROBE_EVERY_MS = 5_000;
/** How long the probe waits for another connection's write lock before calling the database locked. */
const PROBE_LOCK_WAIT_MS = 200;
/**
 * Room below which the database counts as full: a lead with its events and indexes takes a few
 * pages, and SQLite needs some for the WAL and its own bookkeeping.
 */
const MIN_ROOM_BYTES = 1024 * 1024;
const PROBE_ROW = 'health-write-probe';

interface WriteState {
  /** The last write that failed for want of storage, until a probe shows it can succeed again. */
  failure?: WriteProblem;
  probedAt?: number;
  probe?: WriteProblem;
}

const states = new WeakMap<Database.Database, WriteState>();

function stateOf(db: Db): WriteState {
  let state = states.get(db.$client);
  if (!state) {
    state = {};
    states.set(db.$client, state);
  }
  return state;
}

/**
 * A storage failure's reason, or undefined for any other error (a bug, a constraint): the disk is
 * full, the file or its disk is read-only, another process holds the write lock, or the disk fails.
 */
export function writeProblemOf(error: unknown): WriteProblem | undefined {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  if (code.startsWith('SQLITE_FULL')) return { reason: 'disk full', retryAfterSeconds: 60 };
  if (code.startsWith('SQLITE_READONLY'))
    return { reason: 'the database is read-only', retryAfterSeconds: 60 };
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
    return { reason: 'locked: another connection holds the write lock', retryAfterSeconds: 5 };
  if (code.startsWith('SQLITE_IOERR') || code === 'SQLITE_CANTOPEN')
    return { reason: `disk error (${code})`, retryAfterSeconds: 60 };
  // The fsync before a 202 (db/wal-sync.ts) fails with the file system's own codes.
  if (code === 'ENOSPC' || code === 'EDQUOT') return { reason: 'disk full', retryAfterSeconds: 60 };
  if (code === 'EROFS') return { reason: 'the database is read-only', retryAfterSeconds: 60 };
  if (code === 'EIO') return { reason: 'disk error (EIO)', retryAfterSeconds: 60 };
  return undefined;
}

/**
 * Records a failed write (intake, the engine) when storage caused it, so /healthz says so at once;
 * returns the problem, or undefined when the error was of another kind.
 */
export function noteWriteFailure(db: Db, error: unknown): WriteProblem | undefined {
  const problem = writeProblemOf(error);
  if (problem) stateOf(db).failure = problem;
  return problem;
}

/**
 * Whether the database can be written now: undefined when it can, else why not. Reading alone
 * cannot tell (a full disk, a read-only file and a held lock all still answer `select 1`), so at
 * most every 5 s (every call while a failure is remembered) it writes one row with a short lock
 * wait and checks the room left, in the file's size limit and on its disk.
 */
export function writeProblem(db: Db, now: number): WriteProblem | undefined {
  const state = stateOf(db);
  const due =
    state.probedAt === undefined || state.failure !== undefined || now - state.probedAt >= PROBE_EVERY_MS;
  if (due) {
    state.probedAt = now;
    state.probe = roomProblem(db.$client) ?? probeWrite(db.$client, now);
    // Writes succeed again with room to spare: whatever failed before has passed.
    if (!state.probe) state.failure = undefined;
  }
  return state.failure ?? state.probe;
}

function probeWrite(sqlite: Database.Database, now: number): WriteProblem | undefined {
  const busyTimeout = sqlite.pragma('busy_timeout', { simple: true }) as number;
  sqlite.pragma(`busy_timeout = ${PROBE_LOCK_WAIT_MS}`);
  try {
    sqlite
      .transaction(() =>
        sqlite
          .prepare(
            'insert into heartbeats (name, at) values (?, ?) on conflict (name) do update set at = excluded.at',
          )
          .run(PROBE_ROW, now),
      )
      .immediate();
    return undefined;
  } catch (error) {
    return writeProblemOf(error) ?? { reason: `write failed: ${String(error)}`, retryAfterSeconds: 60 };
  } finally {
    sqlite.pragma(`busy_timeout = ${busyTimeout}`);
  }
}

/** Full before a write says so: the file at its max_page_count, or its disk nearly out of space. */
function roomProblem(sqlite: Database.Database): WriteProblem | undefined {
  const pageSize = sqlite.pragma('page_size', { simple: true }) as number;
  const pages = sqlite.pragma('page_count', { simple: true }) as number;
  const maxPages = sqlite.pragma('max_page_count', { simple: true }) as number;
  const free = sqlite.pragma('freelist_count', { simple: true }) as number;
  if ((maxPages - pages + free) * pageSize < MIN_ROOM_BYTES)
    return {
      reason: 'disk full: the database has reached its size limit (max_page_count)',
      retryAfterSeconds: 60,
    };
  if (sqlite.memory) return undefined;
  try {
    const disk = statfsSync(dirname(sqlite.name));
    const bytes = disk.bavail * disk.bsize;
    if (bytes < MIN_ROOM_BYTES)
      return { reason: `disk full: ${Math.floor(bytes / 1024)} kB free on its disk`, retryAfterSeconds: 60 };
  } catch {
    // A filesystem that cannot tell its free space: the write probe still speaks for it.
  }
  return undefined;
}
