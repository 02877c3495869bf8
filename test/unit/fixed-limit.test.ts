/**
 * A LIMIT bound as a parameter makes SQLite (3.48 and later) compile the statement again on every
 * run, because its planner reads the bound value. fixedLimit writes the number into the text: this
 * checks drizzle still does so (its types do not promise it). test/unit/query-plans.test.ts checks
 * that no statement the app runs again binds its LIMIT.
 */
import { desc } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { migrateDatabase, openDatabase } from '../../src/db/connection.js';
import { fixedLimit } from '../../src/db/fixed-limit.js';
import { tasks } from '../../src/db/schema.js';

describe('fixedLimit', () => {
  it('writes the LIMIT into the SQL drizzle builds, where .limit(n) binds it', () => {
    const db = openDatabase(':memory:');
    migrateDatabase(db);
    const query = () => db.select({ id: tasks.id }).from(tasks).orderBy(desc(tasks.id));
    expect(query().limit(3).toSQL()).toMatchObject({ sql: expect.stringMatching(/ limit \?$/), params: [3] });
    expect(query().limit(fixedLimit(3)).toSQL()).toEqual({
      sql: 'select "id" from "tasks" order by "tasks"."id" desc limit 3',
      params: [],
    });
    expect(query().limit(fixedLimit(3)).all()).toEqual([]);
    db.$client.close();
  });

  it('refuses what is not a row count, so nothing else is ever written into the text', () => {
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => fixedLimit(bad)).toThrow(RangeError);
  });
});
