import { closeSync, fsync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import type { Db } from './connection.js';

/** Flushes one file (or folder) to the disk; the wait is in libuv's thread pool, not on the app's thread. */
export type FsyncFile = (path: string) => Promise<void>;

const fsyncAsync = promisify(fsync);

/**
 * Opening and closing are quick system calls (no disk wait) and stay on this thread: only the
 * fsync goes to the pool, so the answer waits for one hop back to the event loop, not three.
 */
export const fsyncFile: FsyncFile = async (path) => {
  const fd = openSync(path, 'r');
  try {
    await fsyncAsync(fd);
  } finally {
    closeSync(fd);
  }
};

/**
 * Group commit for what a sender is answered 2xx for. Commits run at synchronous = NORMAL: in the
 * WAL, in the OS's cache, without waiting for the disk. Before the answer, `durable()` waits for an
 * fsync of the WAL that began after the commit, made in libuv's thread pool: the app's one thread
 * goes on routing and posting meanwhile (with synchronous = FULL it sat in every fsync, 2–12 ms
 * here and far longer on a disk busy with other writes), and one fsync covers every commit made
 * before it began. On Linux an fsync flushes the file whoever wrote it. A frame a checkpoint has
 * already copied into the database file is safe too: at NORMAL a checkpoint syncs the WAL before
 * it copies and the database file after.
 */
export class WalSync {
  /** Replaceable by tests, to hold an fsync and look at what the disk has been asked to keep. */
  fsyncFile: FsyncFile = fsyncFile;
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  private folderSynced = false;

  constructor(private readonly databasePath: string | null) {}

  /** Resolves once every commit made before the call is on the disk; rejects with the disk's error. */
  durable(): Promise<void> {
    if (this.databasePath === null) return Promise.resolve();
    if (!this.running) {
      const run = this.syncOnce(this.databasePath);
      this.running = run;
      const clear = () => {
        if (this.running === run) this.running = undefined;
      };
      run.then(clear, clear);
      return run;
    }
    // The fsync under way may have begun before this caller's commit: join the one after it.
    if (!this.queued) {
      const next = () => {
        this.queued = undefined;
        return this.durable();
      };
      this.queued = this.running.then(next, next);
    }
    return this.queued;
  }

  private async syncOnce(databasePath: string): Promise<void> {
    try {
      await this.fsyncFile(`${databasePath}-wal`);
    } catch (error) {
      // No WAL: the last connection closed and checkpointed it into the (synced) database file.
      if (!isMissing(error)) throw error;
    }
    // The WAL's own entry in its folder, once: SQLite syncs it only on the WAL's first sync, which
    // at NORMAL is the first checkpoint, up to a second after the file was made.
    if (!this.folderSynced) {
      await this.fsyncFile(dirname(databasePath));
      this.folderSynced = true;
    }
  }
}

const syncs = new WeakMap<Db, WalSync>();

/** The one WalSync of a database (none is needed in memory). */
export function walSyncOf(db: Db): WalSync {
  let sync = syncs.get(db);
  if (!sync) {
    sync = new WalSync(db.$client.memory ? null : db.$client.name);
    syncs.set(db, sync);
  }
  return sync;
}

/**
 * Runs `write` (one transaction) and resolves once it is on the disk, not only in the OS's cache:
 * what a sender is answered 2xx for survives a power cut. See WalSync.
 */
export async function durably<T>(db: Db, write: () => T): Promise<T> {
  const result = write();
  await walSyncOf(db).durable();
  return result;
}

function isMissing(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT';
}
