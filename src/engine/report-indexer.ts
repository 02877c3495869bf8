import type { DispatchContext } from '../dispatch/context.js';
import { indexReportFacts } from '../reports/facts-store.js';
import { KickedLoop } from './loop.js';

/** How often the indexer looks for new events: reports are exact without it, only slower. */
const INDEX_EVERY_MS = 5_000;
/**
 * Events reduced per pass: one short transaction (each touched lead is reduced again from its
 * whole timeline, about 150 µs an event at 100,000 tasks), under 10 ms: no longer than what a
 * lead's own routing holds the thread.
 */
export const EVENTS_PER_PASS = 50;
/**
 * While behind, the next pass waits twice as long as the last one took (at least this): the
 * indexer then takes at most a third of the app's one thread. Run back to back, its passes (200
 * events, 30 ms each) tripled the click → DM update p99 at 50 leads and 50 clicks a second.
 * Catching up a million events of history takes some minutes; reports are exact meanwhile.
 */
const MIN_GAP_MS = 20;

/**
 * Keeps `report_facts` up to date with the events table (reports/facts-store.ts): every few
 * seconds, and pass after paced pass while it is behind, it reduces again each lead that new events
 * touched. It never decides anything: a report is exact whether or not it has caught up.
 */
export class ReportIndexer extends KickedLoop {
  readonly name = 'report-indexer';
  private timer: NodeJS.Timeout | undefined;
  /** The next pass while behind. */
  private next: NodeJS.Timeout | undefined;

  constructor(private readonly ctx: DispatchContext) {
    super((error) =>
      ctx.log.error('report indexer pass failed; the next one retries', { error: String(error) }),
    );
  }

  protected async passOnce(): Promise<boolean> {
    const started = performance.now();
    const covered = indexReportFacts(this.ctx.db.$client, EVENTS_PER_PASS);
    if (covered >= EVENTS_PER_PASS && this.timer && !this.next) {
      const gap = Math.max(MIN_GAP_MS, 2 * (performance.now() - started));
      this.next = setTimeout(() => {
        this.next = undefined;
        this.kick();
      }, gap);
      this.next.unref();
    }
    // Never at once: the next pass, if any, is paced by the timer above.
    return false;
  }

  override start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.kick(), INDEX_EVERY_MS);
    this.timer.unref();
    this.kick();
  }

  override stop(): void {
    clearInterval(this.timer);
    clearTimeout(this.next);
    this.timer = undefined;
    this.next = undefined;
  }
}
