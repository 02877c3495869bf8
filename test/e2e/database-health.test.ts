import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { query } from '../support/db.js';
import { useHarness, zillowLead } from '../support/harness.js';

interface Health {
  status: string;
  database: string;
}

/**
 * /healthz must say when the database cannot be written, not only when it cannot be read (issue 16:
 * with the disk full, intake answered 500 while /healthz kept answering 200 "ok"), and intake must
 * answer a lead it cannot store with 503 and Retry-After, which a CRM retries.
 */
describe('a database that cannot be written', () => {
  const h = useHarness();

  async function health(): Promise<{ status: number; body: Health }> {
    const res = await fetch(`${h.baseUrl}/healthz`);
    return { status: res.status, body: (await res.json()) as Health };
  }

  it('disk full: intake answers 503 with Retry-After, /healthz 503 "disk full"; both recover when there is room', async () => {
    expect((await health()).status).toBe(200);
    const sqlite = h.server.ctx.db.$client;
    // The file may not grow past what it has now (as a full disk leaves it): leads fill its last pages.
    sqlite.pragma(`max_page_count = ${sqlite.pragma('page_count', { simple: true })}`);
    const accepted: number[] = [];
    let refused: Response | undefined;
    for (let i = 0; i < 200 && !refused; i++) {
      const res = await h.postLead(zillowLead());
      if (res.status === 202) accepted.push(((await res.json()) as { id: number }).id);
      else refused = res;
    }
    if (!refused) throw new Error('200 leads fitted in a full database');
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('60');
    expect(await refused.json()).toEqual({
      error: 'the database cannot be written (disk full); the lead was not stored, please retry later',
    });
    expect(await health()).toEqual({
      status: 503,
      body: expect.objectContaining({ status: 'unhealthy', database: 'not writable: disk full' }),
    });
    // Nothing acknowledged was lost: every 202 is a task.
    expect(query(h.dbPath, 'select count(*) as n from tasks')).toEqual([{ n: accepted.length }]);

    sqlite.pragma('max_page_count = 1073741823');
    expect((await health()).body).toMatchObject({ status: 'ok', database: 'ok' });
    expect((await h.postLead(zillowLead())).status).toBe(202);
    await h.settle();
    h.double.markAllSeen();
  }, 30_000);

  it('read-only: /healthz 503 "read-only" before any lead fails, and intake 503 with Retry-After', async () => {
    h.server.ctx.db.$client.pragma('query_only = ON');
    expect(await health()).toEqual({
      status: 503,
      body: expect.objectContaining({
        status: 'unhealthy',
        database: 'not writable: the database is read-only',
      }),
    });
    const res = await h.postLead(zillowLead());
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('60');
    h.server.ctx.db.$client.pragma('query_only = OFF');
    expect((await health()).body).toMatchObject({ status: 'ok', database: 'ok' });
  });

  it('locked by another process: /healthz 503 "locked" at once, intake 503 after its lock wait; ok once released', async () => {
    const other = new Database(h.dbPath);
    try {
      other.prepare('begin immediate').run();
      const started = performance.now();
      expect(await health()).toEqual({
        status: 503,
        body: expect.objectContaining({
          database: 'not writable: locked: another connection holds the write lock',
        }),
      });
      // The probe waits 200 ms for the lock, not intake's 5 s.
      expect(performance.now() - started).toBeLessThan(2_000);
      const res = await h.postLead(zillowLead());
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      other.prepare('rollback').run();
      expect((await health()).body).toMatchObject({ status: 'ok', database: 'ok' });
      expect(query(h.dbPath, 'select count(*) as n from tasks')).toEqual([{ n: 0 }]);
    } finally {
      other.close();
    }
  }, 30_000);
});
