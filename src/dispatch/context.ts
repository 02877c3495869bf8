import type { Clock } from '../clock.js';
import type { DispatchConfig } from '../config/dispatch-schema.js';
import type { Db } from '../db/connection.js';
import type { Logger } from '../log.js';
import { noteTransaction } from './prepared.js';

/** What every use case needs; built once in main.ts. */
export interface DispatchContext {
  db: Db;
  config: DispatchConfig;
  clock: Clock;
  log: Logger;
}

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** Either the database or an open transaction: guarded steps compose inside one transaction. */
export type Sql = Db | Tx;

/**
 * A write transaction that takes the write lock up front (BEGIN IMMEDIATE): a deferred one that
 * reads first can fail with SQLITE_BUSY_SNAPSHOT when another process wrote in between, where
 * waiting on busy_timeout would have been fine.
 */
export function writeTransaction<T>(db: Db, work: (tx: Tx) => T): T {
  return db.transaction(
    (tx) => {
      noteTransaction(tx, db);
      return work(tx);
    },
    { behavior: 'immediate' },
  );
}

/**
 * Runs `work` for each item on its own, so one item that fails (and rolls back) never blocks the
 * rest. Returns how many ran without throwing.
 */
export function forEachIsolated<T>(
  ctx: DispatchContext,
  what: string,
  items: T[],
  work: (item: T) => void,
): number {
  let done = 0;
  for (const item of items) {
    try {
      work(item);
      done += 1;
    } catch (error) {
      ctx.log.error(`${what} failed for one item; will retry on the next sweep`, {
        item: JSON.stringify(item),
        error: String(error),
      });
    }
  }
  return done;
}
