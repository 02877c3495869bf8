import type { Db } from '../db/connection.js';
import type { Sql, Tx } from './context.js';

/**
 * Hot statements are built and prepared once per database, then only bound and run. Drizzle
 * otherwise rebuilds the SQL text and better-sqlite3 compiles it again on every call: profiled,
 * that was a quarter of the app thread's busy time on the way from a lead to its DM.
 */

/** The database each open transaction belongs to (a prepared statement runs inside it as is). */
const roots = new WeakMap<Tx, Db>();

/** Called by writeTransaction as each transaction opens. */
export function noteTransaction(tx: Tx, db: Db): void {
  roots.set(tx, db);
}

/**
 * Wraps a builder that ends in `.prepare()` (with `sql.placeholder`s for the values) so it runs
 * once per database. In a transaction not opened by writeTransaction it is built each time, as before.
 */
export function preparedOnce<T>(build: (sql: Sql) => T): (sql: Sql) => T {
  const cache = new WeakMap<Db, T>();
  return (sql) => {
    const db = '$client' in sql ? sql : roots.get(sql);
    if (!db) return build(sql);
    let statement = cache.get(db);
    if (statement === undefined) {
      statement = build(db);
      cache.set(db, statement);
    }
    return statement;
  };
}
