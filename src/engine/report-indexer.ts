import type { DispatchContext } from '../dispatch/context.js';
import { indexReportFacts } from '../reports/facts-store.js';
import { KickedLoop } from './loop.js';

/** How often the indexer looks for new events: reports are exact without it, only slower. */
const INDEX_EVERY_MS = 5_000;
/**
 * Events reduced per pass: one short transaction, then HTTP and timers run before the next. 500
 * held the event loop up to 78 ms once each lead's agents were written too (a lead arriving then
 * waited that long); 200 keeps a pass near 30 ms. A database upgraded with a long history is
 * worked through in the background, pass after pass.
 */
export const EVENTS_PER_PASS = 200;

/**
 * Keeps `report_facts` up to date with the events table (reports/facts-store.ts): every few
 * seconds, and pass after pass while it is behind, it reduces again each lead that new events
 * touched. It never decides anything: a report is exact whether or not it has caught up.
 */
export class ReportIndexer extends KickedLoop {
  readonly name = 'report-indexer';
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly ctx: DispatchContext) {
    super((error) =>
      ctx.log.error('report indexer pass failed; the next one retries', { error: String(error) }),
    );
  }

  protected async passOnce(): Promise<boolean> {
    return indexReportFacts(this.ctx.db.$client, EVENTS_PER_PASS) > 0;
  }

  override start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.kick(), INDEX_EVERY_MS);
    this.timer.unref();
    this.kick();
  }

  override stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
