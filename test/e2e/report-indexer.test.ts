import { afterEach, describe, expect, it, vi } from 'vitest';
import { EVENTS_PER_PASS, ReportIndexer } from '../../src/engine/report-indexer.js';
import { useHarness, zillowLead } from '../support/harness.js';

/** Lets the app run a few turns of the event loop (setImmediate is not faked here). */
async function turns(n = 20): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('the report indexer catches up in paced passes', () => {
  const h = useHarness();
  let indexer: ReportIndexer | undefined;
  afterEach(() => {
    indexer?.stop();
    indexer = undefined;
    vi.useRealTimers();
  });

  it('reduces 50 events a pass, and waits at least 20 ms before the next while behind', async () => {
    for (let i = 0; i < 45; i++) expect((await h.postLead(zillowLead())).status).toBe(202);
    await h.settle();
    h.double.markAllSeen();
    const db = h.server.ctx.db.$client;
    // The app's own indexer stands aside; this one starts from nothing, under a test clock.
    h.server.engine.reportFacts.stop();
    await h.server.engine.reportFacts.idle();
    db.exec('delete from report_facts; delete from report_cursor');
    const cursor = () =>
      db.prepare('select coalesce((select last_event_id from report_cursor where id = 1), 0)').pluck().get();
    const newest = db.prepare('select max(id) from events').pluck().get() as number;
    expect(newest).toBeGreaterThan(3 * EVENTS_PER_PASS);

    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    const started = new ReportIndexer(h.server.ctx);
    indexer = started;
    started.start();
    await started.idle();
    await turns();
    // One pass, and no second one straight after it: the app's thread is free between passes.
    expect(cursor()).toBe(EVENTS_PER_PASS);
    await vi.advanceTimersByTimeAsync(19);
    await turns();
    expect(cursor()).toBe(EVENTS_PER_PASS);

    // The timer it set runs one more pass, of 50 events; and so on, one pass per timer, to the end.
    const seen: number[] = [];
    for (let i = 0; i < 100 && cursor() !== newest; i++) {
      await vi.advanceTimersToNextTimerAsync();
      await started.idle();
      seen.push(Number(cursor()));
    }
    expect(seen[0]).toBe(2 * EVENTS_PER_PASS);
    expect(cursor()).toBe(newest);
    const steps = seen.map((at, i) => at - (seen[i - 1] ?? EVENTS_PER_PASS));
    expect(steps.every((step) => step > 0 && step <= EVENTS_PER_PASS)).toBe(true);
    // Caught up: no more paced passes, only the 5 s look for new events.
    await vi.advanceTimersByTimeAsync(4_900);
    await turns();
    expect(cursor()).toBe(newest);
  });
});
