import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupCommand, restoreCommand } from '../../src/db/backup-cli.js';
import { query } from '../support/db.js';
import { type Harness, startHarness, zillowLead } from '../support/harness.js';

/** The CLI as an operator runs it, against the harness app's DATABASE_PATH. */
function cli(dbPath: string) {
  let out = '';
  let err = '';
  const io = {
    env: { DATABASE_PATH: dbPath },
    out: (t: string) => (out += t),
    err: (t: string) => (err += t),
  };
  return {
    io,
    printed: () => ({ out, err }),
  };
}

const count = (path: string, table: string) =>
  Number(query(path, `select count(*) as n from ${table}`)[0]?.n);

describe('lead-dispatch backup and restore', () => {
  let h: Harness;
  let dir: string;
  let stopped = false;

  beforeEach(async () => {
    h = await startHarness();
    stopped = false;
    dir = mkdtempSync(join(tmpdir(), 'lead-dispatch-backup-'));
  });

  afterEach(async () => {
    if (!stopped) await h.server.stop();
    await h.double.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(join(h.dbPath, '..'), { recursive: true, force: true });
  });

  async function sendLeads(n: number): Promise<number[]> {
    const ids: number[] = [];
    for (let i = 0; i < n; i++) {
      const res = await h.postLead(zillowLead());
      expect(res.status).toBe(202);
      ids.push(((await res.json()) as { id: number }).id);
    }
    return ids;
  }

  it('copies the database while the app takes leads: consistent, every lead answered before it is in it', async () => {
    const before = await sendLeads(15);
    await h.settle();
    const file = join(dir, 'dispatch-backup.db');
    const run = cli(h.dbPath);
    // Leads keep arriving during the backup, as they would on a working day.
    const during = sendLeads(15);
    const code = await backupCommand([file], run.io);
    await during;
    expect(code).toBe(0);
    expect(run.printed().out).toMatch(
      new RegExp(
        `^backed up ${h.dbPath} to ${file}: \\d+ kB, \\d+ leads \\(newest .+Z\\), \\d+ events, 9 agents\\n$`,
      ),
    );
    // A single self-contained file: no WAL beside it, sound, and every lead with its first event.
    expect(existsSync(`${file}-wal`)).toBe(false);
    const copy = new Database(file, { readonly: true });
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(copy.pragma('foreign_key_check')).toEqual([]);
    const ids = copy.prepare<[], number>('select id from tasks').pluck().all();
    for (const id of before) expect(ids).toContain(id);
    expect(
      copy
        .prepare(
          "select count(*) from tasks t where not exists (select 1 from events e where e.task_id = t.id and e.kind = 'received')",
        )
        .pluck()
        .get(),
    ).toBe(0);
    copy.close();

    // It will not overwrite a file unless told to.
    const again = cli(h.dbPath);
    const bytes = readFileSync(file);
    expect(await backupCommand([file], again.io)).toBe(1);
    expect(again.printed().err).toBe(
      `lead-dispatch: ${file} already exists; choose another name or add --force to overwrite it\n`,
    );
    expect(readFileSync(file).equals(bytes)).toBe(true);
    const forced = cli(h.dbPath);
    expect(await backupCommand([file, '--force'], forced.io)).toBe(0);
    expect(count(file, 'tasks')).toBe(30);

    const usage = cli(h.dbPath);
    expect(await backupCommand([], usage.io)).toBe(2);
    expect(usage.printed().err).toContain('Example: lead-dispatch backup backups/dispatch-2026-12-01.db');
  });

  it('restore refuses while the app runs; once stopped it puts the backup back and keeps the replaced file aside', async () => {
    await sendLeads(5);
    await h.settle();
    const file = join(dir, 'backup.db');
    expect(await backupCommand([file], cli(h.dbPath).io)).toBe(0);
    await sendLeads(3);
    await h.server.sweeper.runOnce();

    // The sweeper's heartbeat is a second old: the app is running.
    const refused = cli(h.dbPath);
    expect(restoreCommand([file], refused.io, h.clock.now())).toBe(1);
    expect(refused.printed().err).toMatch(
      /the app seems to be running on .*dispatch\.db \(its sweeper wrote a heartbeat 0 s ago\): stop it/,
    );
    expect(count(h.dbPath, 'tasks')).toBe(8);
    expect(existsSync(`${h.dbPath}.restoring`)).toBe(false);

    await h.server.stop();
    stopped = true;
    h.clock.advance('11s');
    const restore = cli(h.dbPath);
    expect(restoreCommand([file], restore.io, h.clock.now())).toBe(0);
    const aside = `${h.dbPath}.before-restore-${h.clock.now().toISOString().replace(/[:.]/g, '-')}`;
    const [restored, keptAs] = restore.printed().out.split('\n');
    expect(restored).toMatch(
      new RegExp(
        `^restored ${file} to ${h.dbPath}: \\d+ kB, 5 leads \\(newest .+Z\\), \\d+ events, 9 agents$`,
      ),
    );
    expect(keptAs).toBe(`the database it replaced is kept as ${aside}`);
    expect(count(h.dbPath, 'tasks')).toBe(5);
    // The replaced database is kept whole, the three leads sent after the backup included.
    expect(count(aside, 'tasks')).toBe(8);
    expect(query(h.dbPath, 'pragma journal_mode')).toEqual([{ journal_mode: 'wal' }]);
  });

  it('refuses what is not a sound lead-dispatch database, and changes nothing', async () => {
    await sendLeads(2);
    await h.server.stop();
    stopped = true;
    h.clock.advance('1m');
    const bytes = readFileSync(h.dbPath);

    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'not a database at all, just some notes\n'.repeat(200));
    const other = join(dir, 'other.db');
    const db = new Database(other);
    db.exec('create table t (x)');
    db.close();
    const damaged = join(dir, 'damaged.db');
    expect(await backupCommand([damaged], cli(h.dbPath).io)).toBe(0);
    const raw = readFileSync(damaged);
    // Garble the middle pages (not the header): SQLite still opens it, integrity_check says no.
    raw.fill(0x5a, 4096 * 2, raw.length - 4096);
    writeFileSync(damaged, raw);

    const cases: Array<[string, RegExp]> = [
      [join(dir, 'missing.db'), /no backup file at .*missing\.db/],
      [text, /notes\.txt is not a SQLite database|cannot open .*notes\.txt/],
      [other, /other\.db is not a lead-dispatch database/],
      [damaged, /damaged\.db (is damaged|is not a SQLite database)/],
    ];
    for (const [file, why] of cases) {
      const run = cli(h.dbPath);
      expect(restoreCommand([file], run.io, h.clock.now()), file).toBe(1);
      expect(run.printed().err).toMatch(why);
      expect(readFileSync(h.dbPath).equals(bytes)).toBe(true);
      expect(existsSync(`${h.dbPath}.restoring`)).toBe(false);
    }
  });
});
