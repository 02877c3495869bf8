import Database from 'better-sqlite3';

/** Reads the app's SQLite file through a separate read-only connection, as an operator would. */
export function query(dbPath: string, sql: string, ...params: unknown[]): Record<string, unknown>[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare(sql).all(...params) as Record<string, unknown>[];
  } finally {
    db.close();
  }
}
