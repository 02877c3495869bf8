import type Database from 'better-sqlite3';

/**
 * Statements prepared once per open database and kept with it: `prepare` runs on a database's
 * first use, and the result goes when the database does (a WeakMap, so a closed test database is
 * not kept alive).
 */
export function perDatabase<T>(prepare: (db: Database.Database) => T): (db: Database.Database) => T {
  const cache = new WeakMap<Database.Database, T>();
  return (db) => {
    let value = cache.get(db);
    if (value === undefined) {
      value = prepare(db);
      cache.set(db, value);
    }
    return value;
  };
}
