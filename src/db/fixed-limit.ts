import { type Placeholder, sql } from 'drizzle-orm';

/**
 * A LIMIT written into a statement's text instead of bound as a parameter.
 *
 * Since SQLite 3.48 the query planner reads a bound LIMIT's value, and a statement whose plan read
 * a parameter is compiled again each time that parameter is bound. better-sqlite3 binds on every
 * call, so a prepared statement with `limit ?` was recompiled on every run: 25 µs on a small query,
 * 100–300 µs on a wide `select *` of tasks, several times per lead. Drizzle binds every
 * `.limit(n)`; use this on statements prepared once and run often. (A `.get()` needs no limit at
 * all: it reads the first row and stops.)
 *
 * Drizzle writes an SQL chunk passed to `.limit()` into the text as it is (sqlite-core dialect,
 * `buildLimit`), but its type names only numbers and placeholders: hence the one cast, checked by
 * test/unit/fixed-limit.test.ts against the SQL drizzle builds.
 */
export function fixedLimit(rows: number): Placeholder {
  if (!Number.isSafeInteger(rows) || rows < 0)
    throw new RangeError(`a LIMIT must be a whole number ≥ 0, not ${rows}`);
  return sql.raw(String(rows)) as unknown as Placeholder;
}
