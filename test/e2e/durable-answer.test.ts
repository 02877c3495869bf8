import { describe, expect, it } from 'vitest';
import { walSyncOf } from '../../src/db/wal-sync.js';
import { query } from '../support/db.js';
import { startHarness, useHarness, zillowLead } from '../support/harness.js';
import { DANA } from '../support/team.js';
import { WEBHOOK_SECRET, WEBHOOK_SECRET_ENV, webhookConfig } from '../support/webhook-config.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

type Harness = ReturnType<typeof useHarness>;

/** What each fsync the app asked for found on the disk's side, held until the test lets it go. */
interface HeldSync {
  path: string;
  tasksCommitted: number;
  release(error?: Error): void;
}

/** Replaces the app's fsync: each call is recorded and waits for `release`. */
function holdFsyncs(h: Harness): { calls: HeldSync[]; next(): Promise<HeldSync> } {
  const calls: HeldSync[] = [];
  const waiters: Array<(call: HeldSync) => void> = [];
  walSyncOf(h.server.ctx.db).fsyncFile = (path) =>
    new Promise<void>((resolve, reject) => {
      // Read through another connection: what was committed, not what this one has in hand.
      const [row] = query(h.dbPath, 'select count(*) as n from tasks');
      const call: HeldSync = {
        path,
        tasksCommitted: Number(row?.n),
        release: (error) => (error ? reject(error) : resolve()),
      };
      calls.push(call);
      waiters.shift()?.(call);
    });
  let taken = 0;
  return {
    calls,
    next: () => {
      const call = calls[taken];
      taken += 1;
      return call ? Promise.resolve(call) : new Promise((resolve) => waiters.push(resolve));
    },
  };
}

/** Posts a lead; `answered()` says whether its answer has come back yet. */
function postWatched(h: Harness): { answer: Promise<Response>; answered(): boolean } {
  let answered = false;
  const answer = h.postLead(zillowLead()).then((res) => {
    answered = true;
    return res;
  });
  return { answer, answered: () => answered };
}

/** Lets the app run a few turns; an answer that was going to come without the fsync would come. */
async function turns(n = 50): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('a 202 is answered only once the lead is on the disk', () => {
  const h = useHarness();

  it('waits for an fsync of the WAL begun after the commit, and the DM follows the 202', async () => {
    const fsyncs = holdFsyncs(h);
    const lead = postWatched(h);
    const wal = await fsyncs.next();
    expect(wal.path).toBe(`${h.dbPath}-wal`);
    expect(wal.tasksCommitted).toBe(1);
    await turns();
    expect(lead.answered()).toBe(false);
    expect(h.double.findPost({ to: DANA })).toBeUndefined();

    wal.release();
    // The first sync also flushes the folder that holds the WAL's name.
    const folder = await fsyncs.next();
    expect(`${h.dbPath}-wal`.startsWith(folder.path)).toBe(true);
    folder.release();
    const res = await lead.answer;
    expect(res.status).toBe(202);
    await h.double.waitForPost({ to: DANA });
  });

  it('routes the lead and makes its DM while the disk works, and sends the DM only after the 202', async () => {
    const fsyncs = holdFsyncs(h);
    const lead = postWatched(h);
    const wal = await fsyncs.next();
    await turns();
    // The wait for the disk was used: offered to Dana, the DM rendered and its attempt recorded.
    const offers = query(
      h.dbPath,
      `select o.agent_id as agent, o.status, o.post_attempt_at is not null as attempted, o.dm_ts as ts
         from offers o`,
    );
    expect(offers).toEqual([{ agent: DANA, status: 'live', attempted: 1, ts: null }]);
    // But nothing left: no answer, and no DM about a lead that is not yet on the disk.
    expect(lead.answered()).toBe(false);
    expect(h.double.callsTo('chat.postMessage')).toHaveLength(0);

    wal.release();
    (await fsyncs.next()).release(); // the folder, once
    expect((await lead.answer).status).toBe(202);
    await h.double.waitForPost({ to: DANA });
    await h.settle();
    expect(h.double.callsTo('chat.postMessage')).toHaveLength(1);
    h.double.markAllSeen();
  });

  it('one fsync covers every lead committed before it began (group commit)', async () => {
    const fsyncs = holdFsyncs(h);
    const first = h.postLead(zillowLead());
    const firstWal = await fsyncs.next();
    const rest = [1, 2, 3, 4].map(() => h.postLead(zillowLead()));
    await turns();
    // The four arrive while the first fsync is held: they must not ride on it (it began before them).
    expect(fsyncs.calls).toHaveLength(1);
    firstWal.release();
    (await fsyncs.next()).release(); // the folder, once
    expect((await first).status).toBe(202);
    const secondWal = await fsyncs.next();
    expect(secondWal.tasksCommitted).toBe(5);
    secondWal.release();
    for (const res of await Promise.all(rest)) expect(res.status).toBe(202);
    expect(fsyncs.calls.filter((c) => c.path.endsWith('-wal'))).toHaveLength(2);
    await h.settle();
    h.double.markAllSeen();
  });

  it('a disk that fails the fsync gets a 503 with Retry-After; the retry is answered as the same lead', async () => {
    const fsyncs = holdFsyncs(h);
    const lead = zillowLead();
    const failing = h.postLead(lead);
    (await fsyncs.next()).release(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' }));
    const refused = await failing;
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('60');
    expect(await refused.json()).toMatchObject({ error: expect.stringContaining('disk error (EIO)') });
    // The lead was committed, so it is not lost on Dana: its DM, made meanwhile, goes once answered.
    await h.double.waitForPost({ to: DANA });

    const retry = h.postLead(lead);
    (await fsyncs.next()).release();
    (await fsyncs.next()).release();
    const again = await retry;
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ duplicate: true });
    expect(query(h.dbPath, 'select count(*) as n from tasks')).toEqual([{ n: 1 }]);
    await h.settle();
    expect(h.double.callsTo('chat.postMessage')).toHaveLength(1);
    h.double.markAllSeen();
  });
});

describe('nothing about a new lead leaves before its 202', () => {
  it('a webhook of its events waits in the outbox until the sender has its answer', async () => {
    const receiver = await WebhookReceiver.start(WEBHOOK_SECRET);
    const { config } = webhookConfig([
      { name: 'zapier', url: receiver.url, events: ['all'], secret_env: WEBHOOK_SECRET_ENV },
    ]);
    const h = await startHarness({ config, secrets: { [WEBHOOK_SECRET_ENV]: WEBHOOK_SECRET } });
    try {
      const fsyncs = holdFsyncs(h);
      const lead = postWatched(h);
      const wal = await fsyncs.next();
      await turns();
      // Routed meanwhile: its events are queued for the webhook, but nothing has gone out.
      await h.server.engine.webhooks.runOnce();
      await h.server.engine.outbox.runOnce();
      const [queued] = query(h.dbPath, "select count(*) as n from outbox where status = 'pending'");
      expect(Number(queued?.n)).toBeGreaterThan(0);
      expect(receiver.seen).toHaveLength(0);
      expect(lead.answered()).toBe(false);

      wal.release();
      (await fsyncs.next()).release(); // the folder, once
      expect((await lead.answer).status).toBe(202);
      await h.settle();
      expect(receiver.accepted.map((d) => d.body.type)).toEqual(
        expect.arrayContaining(['lead.received', 'lead.offered']),
      );
      expect(query(h.dbPath, "select count(*) as n from outbox where status = 'pending'")).toEqual([
        { n: 0 },
      ]);
    } finally {
      await h.close().catch(() => undefined);
      await receiver.stop();
    }
  });
});
