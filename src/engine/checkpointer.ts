import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import type { Logger } from '../log.js';
import type { EngineLoop } from './loop.js';

/**
 * How often the worker copies the WAL back into the database file. Every second let a backlog
 * (4,000–9,600 pages a second here) reach the safety net below, and then the app's own commit
 * checkpointed: 10–30 ms on its thread. PASSIVE on a WAL with nothing new returns at once.
 */
const CHECKPOINT_EVERY_MS = 200;
/**
 * The app's own connection still checkpoints when the WAL reaches this many pages (about 40 MB):
 * a safety net should the worker fall behind or die, far above what a second of writes makes.
 */
const SAFETY_NET_PAGES = 10_000;
/** SQLite's default, restored when the checkpointer stops. */
const DEFAULT_AUTOCHECKPOINT_PAGES = 1_000;

/**
 * The worker's code: plain JavaScript (no loader needed), its own connection to the same file.
 * PASSIVE never waits on a lock and never blocks the app's readers or writers.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
const checkpoint = () => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); return null; } catch (error) { return String(error); }
};
const timer = setInterval(() => {
  const error = checkpoint();
  if (error) parentPort.postMessage({ kind: 'error', error });
}, workerData.everyMs);
parentPort.on('message', (message) => {
  if (message === 'now') parentPort.postMessage({ kind: 'done', error: checkpoint() });
  if (message === 'stop') { clearInterval(timer); checkpoint(); db.close(); parentPort.close(); }
});
`;

/**
 * Copies the WAL into the database file from a worker thread. SQLite otherwise checkpoints inside
 * whichever commit crosses 1,000 pages, on the app's one thread: measured 15–50 ms with its fsync,
 * the longest event-loop blocks left in a 1,000-offer backlog and the tail of lead → DM. Durability
 * is unchanged: every commit is in the WAL (synchronous = NORMAL) before it returns, as before.
 */
export class Checkpointer implements EngineLoop {
  readonly name = 'checkpointer';
  private worker: Worker | undefined;
  private exited: Promise<void> | undefined;

  constructor(
    private readonly sqlite: Database.Database,
    private readonly log: Logger,
  ) {}

  /** Only for a database in a file with a WAL: an in-memory one has nothing to copy. */
  start(): void {
    if (this.worker || this.sqlite.memory || this.sqlite.pragma('journal_mode', { simple: true }) !== 'wal')
      return;
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        path: this.sqlite.name,
        driver: createRequire(import.meta.url).resolve('better-sqlite3'),
        everyMs: CHECKPOINT_EVERY_MS,
      },
    });
    // Never what keeps the process alive; stop() ends it.
    worker.unref();
    worker.on('message', (message: { kind: string; error?: string | null }) => {
      if (message.kind === 'error')
        this.log.warn('WAL checkpoint failed; the next one retries', { error: message.error });
    });
    worker.on('error', (error) =>
      this.log.error('the checkpoint worker stopped; SQLite checkpoints on its own again', {
        error: String(error),
      }),
    );
    this.exited = new Promise((resolve) =>
      worker.once('exit', () => {
        if (this.worker === worker) this.worker = undefined;
        if (this.sqlite.open) this.sqlite.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`);
        resolve();
      }),
    );
    this.worker = worker;
    this.sqlite.pragma(`wal_autocheckpoint = ${SAFETY_NET_PAGES}`);
  }

  /** One checkpoint now, in the worker; resolves when it is done (nothing when not started). */
  runOnce(): Promise<void> {
    const worker = this.worker;
    if (!worker) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (message: { kind: string }) => {
        if (message.kind !== 'done') return;
        worker.off('message', done);
        resolve();
      };
      worker.on('message', done);
      worker.once('exit', () => resolve());
      worker.postMessage('now');
    });
  }

  stop(): void {
    this.worker?.postMessage('stop');
    this.worker = undefined;
  }

  /** After stop(): resolves once the worker has checkpointed a last time and closed its connection. */
  async idle(): Promise<void> {
    if (!this.worker) await this.exited;
  }
}
