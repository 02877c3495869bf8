import { describe, expect, it } from 'vitest';
import { loadDispatchConfig } from '../../src/config/load-dispatch.js';
import { SWEEP_BATCH } from '../../src/engine/sweeper.js';
import { query } from '../support/db.js';
import { EXAMPLE_CONFIG, useHarness, zillowLead } from '../support/harness.js';

describe('a backlog of overdue offers', () => {
  // Without load caps, so all 100 leads are offered (the example team caps open leads at 6 each).
  const example = loadDispatchConfig(EXAMPLE_CONFIG);
  const lines: string[] = [];
  const h = useHarness({
    logLines: lines,
    config: {
      ...example,
      team: { ...example.team, caps: undefined },
      agents: example.agents.map((a) => ({ ...a, caps: undefined })),
    },
  });

  it('is worked in slices with the event loop free between them, and each offer moves on once', async () => {
    for (let i = 0; i < 100; i++) expect((await h.postLead(zillowLead())).status).toBe(202);
    await h.settle();
    h.double.markAllSeen();
    h.clock.advance('6m');
    expect(
      query(h.dbPath, "select count(*) as n from offers where status = 'live' and dm_ts is not null"),
    ).toEqual([{ n: 100 }]);

    const expiredSoFar = () =>
      Number(query(h.dbPath, "select count(*) as n from offers where status = 'expired'")[0]?.n);
    // Work queued while the sweep runs (a click, a request) gets its turn between two slices.
    const sweep = h.server.sweeper.runOnce();
    const seenBetweenSlices = new Promise<number>((resolve) => setImmediate(() => resolve(expiredSoFar())));
    await sweep;
    const seen = await seenBetweenSlices;
    expect(seen).toBeGreaterThanOrEqual(SWEEP_BATCH);
    expect(seen).toBeLessThan(100);

    await h.settle();
    h.double.markAllSeen();
    expect(query(h.dbPath, "select count(*) as n from offers where status = 'expired'")).toEqual([
      { n: 100 },
    ]);
    expect(query(h.dbPath, "select count(*) as n from events where kind = 'expired'")).toEqual([{ n: 100 }]);
  });

  it('a stop in the middle of a backlog ends between slices; the next start finishes it, once each', async () => {
    for (let i = 0; i < 100; i++) expect((await h.postLead(zillowLead())).status).toBe(202);
    await h.settle();
    h.double.markAllSeen();
    h.clock.advance('6m');
    lines.length = 0;
    let finished = false;
    const sweep = h.server.sweeper.runOnce().then(() => {
      finished = true;
    });
    // What shutdown does before it closes the database: stop, then wait for work under way.
    h.server.engine.stop();
    await h.server.engine.idle();
    expect(finished).toBe(true);
    const expired = Number(
      query(h.dbPath, "select count(*) as n from offers where status = 'expired'")[0]?.n,
    );
    // Only the slice that ran before the stop: the sweep was waiting for its next turn and wrote
    // nothing after it, not one more slice, nor a slice of each later step.
    expect(expired).toBe(SWEEP_BATCH);
    await sweep;
    await h.restart();
    expect(lines.filter((l) => l.includes('"level":"error"'))).toEqual([]);
    await h.server.sweeper.runOnce();
    await h.settle();
    h.double.markAllSeen();
    expect(query(h.dbPath, "select count(*) as n from events where kind = 'expired'")).toEqual([{ n: 100 }]);
  });
});
