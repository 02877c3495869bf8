/**
 * The look-ups of a contact's earlier tasks (src/dispatch/duplicates.ts): the original agent's task
 * that original-agent rules route to, and the history an offer lists. Run on a real database,
 * with the rows shaped as the app writes them.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { type Db, migrateDatabase, openDatabase } from '../../src/db/connection.js';
import { tasks } from '../../src/db/schema.js';
import { contactHistory, earlierOwnedTask, HISTORY_SHOWN } from '../../src/dispatch/duplicates.js';

interface Earlier {
  receivedAt: number;
  owner?: string;
  phone?: string;
  email?: string;
}

/** A database with agent U1 and the given tasks (in order); returns it and each task's id. */
function withTasks(list: Earlier[]): { db: Db; ids: number[] } {
  const db = openDatabase(':memory:');
  migrateDatabase(db);
  const sqlite = db.$client;
  sqlite
    .prepare(
      `insert into agents (id, name, roles, zips, cities, languages, weight, active, in_config, synced_at)
       values ('U1', 'Dana', '[]', '[]', '[]', '[]', 1, 1, 1, 0)`,
    )
    .run();
  const insert = sqlite.prepare(
    `insert into tasks (source, external_id, type, status, tags, payload, received_at, created_at,
       phone, email, owner_id, claimed_at)
     values ('zillow', ?, 'buyer', ?, '[]', '{}', ?, ?, ?, ?, ?, ?)`,
  );
  const ids = list.map((t, i) =>
    Number(
      insert.run(
        `e${i}`,
        t.owner ? 'claimed' : 'escalated',
        t.receivedAt,
        t.receivedAt,
        t.phone ?? null,
        t.email ?? null,
        t.owner ?? null,
        t.owner ? t.receivedAt : null,
      ).lastInsertRowid,
    ),
  );
  return { db, ids };
}

function rowOf(db: Db, id: number) {
  const row = db.select().from(tasks).where(eq(tasks.id, id)).get();
  if (!row) throw new Error(`task ${id} is not there`);
  return row;
}

const PHONE = '+17375100000';

describe('earlierOwnedTask: the original agent’s task', () => {
  it('finds the owned task behind 25 newer ones nobody owns', () => {
    const { db, ids } = withTasks([
      { receivedAt: 1_000, owner: 'U1', phone: PHONE },
      ...Array.from({ length: 25 }, (_, i) => ({ receivedAt: 2_000 + i, phone: PHONE })),
      { receivedAt: 9_000, phone: PHONE },
    ]);
    const newest = rowOf(db, ids.at(-1) ?? 0);
    expect(earlierOwnedTask(db, newest)?.id).toBe(ids[0]);
    // The history an offer lists is still the newest few, owned or not.
    expect(contactHistory(db, newest).map((t) => t.id)).toEqual(ids.slice(-1 - HISTORY_SHOWN, -1).reverse());
  });

  it('takes the later of two owned tasks received in the same millisecond, by id', () => {
    const { db, ids } = withTasks([
      { receivedAt: 1_000, owner: 'U1', email: 'jane@example.com' },
      { receivedAt: 1_000, owner: 'U1', email: 'jane@example.com' },
      { receivedAt: 5_000, phone: PHONE, email: 'jane@example.com' },
    ]);
    expect(earlierOwnedTask(db, rowOf(db, ids[2] ?? 0))?.id).toBe(ids[1]);
  });

  it('finds nothing for a lead with neither phone nor email, nor one received later', () => {
    const { db, ids } = withTasks([
      { receivedAt: 1_000, owner: 'U1' },
      { receivedAt: 9_000, owner: 'U1', phone: PHONE },
      { receivedAt: 5_000, phone: PHONE },
      { receivedAt: 6_000 },
    ]);
    expect(earlierOwnedTask(db, rowOf(db, ids[2] ?? 0))).toBeUndefined();
    expect(earlierOwnedTask(db, rowOf(db, ids[3] ?? 0))).toBeUndefined();
  });
});
