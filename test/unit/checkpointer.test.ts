import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { Checkpointer } from '../../src/engine/checkpointer.js';
import { silentLogger } from '../../src/log.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function walDatabase(): { db: Database.Database; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'checkpointer-'));
  dirs.push(dir);
  const path = join(dir, 'test.db');
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('create table t (id integer primary key, body text)');
  return { db, path };
}

const autocheckpoint = (db: Database.Database) => db.pragma('wal_autocheckpoint', { simple: true });

describe('Checkpointer: the WAL is copied back from a worker, not inside the app’s commits', () => {
  it('copies committed pages into the database file while it runs, then hands checkpoints back', async () => {
    const { db, path } = walDatabase();
    const checkpoints = new Checkpointer(db, silentLogger);
    checkpoints.start();
    // The app's own connection only checkpoints as a safety net now.
    expect(autocheckpoint(db)).toBe(10_000);
    const insert = db.prepare('insert into t (body) values (?)');
    for (let i = 0; i < 200; i++) insert.run('x'.repeat(2_000));
    const before = statSync(path).size;
    await checkpoints.runOnce();
    expect(statSync(path).size).toBeGreaterThan(before + 200 * 2_000);
    expect(db.prepare('select count(*) as n from t').get()).toEqual({ n: 200 });

    checkpoints.stop();
    await checkpoints.idle();
    expect(autocheckpoint(db)).toBe(1_000);
    db.close();
  });

  it('does nothing for an in-memory database', async () => {
    const db = new Database(':memory:');
    const checkpoints = new Checkpointer(db, silentLogger);
    checkpoints.start();
    await checkpoints.runOnce();
    checkpoints.stop();
    await checkpoints.idle();
    expect(autocheckpoint(db)).toBe(1_000);
    db.close();
  });
});
