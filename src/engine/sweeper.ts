import { and, asc, eq, isNotNull, min } from 'drizzle-orm';
import cron, { type ScheduledTask } from 'node-cron';
import { heartbeats, offers, tasks } from '../db/schema.js';
import { noteWriteFailure } from '../db/write-health.js';
import { runContactTimers } from '../dispatch/contact.js';
import { type DispatchContext, forEachIsolated } from '../dispatch/context.js';
import { expireDueOffers } from '../dispatch/offer-actions.js';
import { runPondTimers } from '../dispatch/pond.js';
import { reannounceEscalations } from '../dispatch/reannounce.js';
import { dispatchTask, releaseHeldTasks } from '../dispatch/route-task.js';
import { removeExpiredDetails } from '../privacy/retention.js';
import { queueDueDigest } from '../reports/digest.js';
import type { LeaseGuard } from './lease.js';
import type { EngineLoop } from './loop.js';
import { backgroundTurn } from './turns.js';

export const SWEEPER = 'sweeper';

/**
 * Each step handles at most this many due rows at a time and says how many it handled; a full
 * batch means more may wait. A backlog (1,000 offers overdue after an outage or a restart) is
 * then worked in slices with the event loop free between them, so clicks, intake and /healthz
 * are answered meanwhile. Two rows: an overdue offer costs 3–4 ms (expire it, route its next
 * candidate, write the offer), so a slice of five held the event loop about 20 ms on a busy host.
 */
export const SWEEP_BATCH = 2;
/** A sweep that has worked this long leaves the rest of a backlog to the next tick. */
const SWEEP_BUDGET_MS = 2_000;

type SweepStep = (ctx: DispatchContext, limit: number) => number;

const SWEEP_STEPS: Array<[string, SweepStep]> = [
  ['route received tasks', routeReceivedTasks],
  ['release held tasks', (ctx, limit) => releaseHeldTasks(ctx, ctx.clock.now(), limit)],
  ['expire offers', expireDueOffers],
  ['contact timers', runContactTimers],
  ['re-announce escalations', reannounceEscalations],
  ['pond timers', runPondTimers],
  ['weekly digest', (ctx) => queueDueDigest(ctx)],
  ['retention', removeExpiredDetails],
];

/**
 * The reconciler of deadlines (as in GoAlert): everything it does is derived from rows and
 * guarded, so a restart, a missed tick or two sweepers at once only delay work. Each run routes
 * tasks stuck in `received`, releases held tasks at opening, expires offers past their deadline,
 * runs the no-contact timers and re-announces escalations nobody acted on; then it hands over to
 * the other loops (`afterSweep`: Slack sync, outbox, App Homes).
 */
export class Sweeper implements EngineLoop {
  readonly name = SWEEPER;
  private task: ScheduledTask | undefined;
  private sweeping: Promise<void> | undefined;
  /** Set by stop(): a sweep under way finishes its current slice and takes no more. */
  private stopped = false;
  private wakeUp: NodeJS.Timeout | undefined;

  constructor(
    private readonly ctx: DispatchContext,
    /** Only the lease holder sweeps: its heartbeat row is then the engine's, whichever process reads it. */
    private readonly lease: LeaseGuard,
    private readonly afterSweep: () => void,
    /** Between two slices of a backlog: deliver what is done so far (no App Homes yet). */
    private readonly afterSlice: () => void = afterSweep,
  ) {}

  /** One sweep; a call during a sweep waits for that one. */
  runOnce(): Promise<void> {
    this.sweeping ??= this.sweep().finally(() => {
      this.sweeping = undefined;
    });
    return this.sweeping;
  }

  private async sweep(): Promise<void> {
    const { db, clock, log } = this.ctx;
    const started = performance.now();
    const term = this.lease.term();
    if (term === null) return;
    // Each step guards its own items; one failing step must not stop the others.
    for (const [name, step] of SWEEP_STEPS) {
      for (;;) {
        let handled = 0;
        try {
          handled = step(this.ctx, SWEEP_BATCH);
        } catch (error) {
          noteWriteFailure(db, error);
          log.error('sweep step failed; will retry on the next sweep', {
            step: name,
            error: String(error),
          });
        }
        if (handled < SWEEP_BATCH || this.stopped || performance.now() - started > SWEEP_BUDGET_MS) break;
        // The lease ran out or moved during the backlog: the new holder sweeps the rest.
        if (!this.lease.holds(term)) return;
        // What is done so far is committed: let Slack sync start on it while the rest waits its turn.
        this.afterSlice();
        await backgroundTurn();
        // The wait may be long in a backlog: stopped or no longer the holder, write nothing more.
        if (this.stopped || !this.lease.holds(term)) return;
      }
    }
    if (this.stopped || !this.lease.holds(term)) return;
    this.afterSweep();
    const at = clock.now();
    db.insert(heartbeats)
      .values({ name: SWEEPER, at })
      .onConflictDoUpdate({ target: heartbeats.name, set: { at } })
      .run();
  }

  /**
   * Every second, plus a wake-up at the next offer deadline when it falls between two ticks, so
   * a lapsed offer moves on within milliseconds. The timer is only a hint: the deadline is a column.
   */
  start(): void {
    this.stopped = false;
    this.task = cron.schedule('* * * * * *', () => this.tick());
  }

  stop(): void {
    this.stopped = true;
    this.task?.stop();
    this.task = undefined;
    clearTimeout(this.wakeUp);
  }

  async idle(): Promise<void> {
    await this.sweeping;
  }

  private tick(): void {
    this.runOnce()
      .then(() => this.scheduleWakeUp())
      .catch((error: unknown) => this.ctx.log.error('sweep failed', { error: String(error) }));
  }

  private scheduleWakeUp(): void {
    if (!this.task) return;
    const next = this.ctx.db
      .select({ at: min(offers.deadline) })
      .from(offers)
      .where(and(eq(offers.status, 'live'), isNotNull(offers.dmTs)))
      .get()?.at;
    if (!next) return;
    const wait = next.getTime() - this.ctx.clock.now().getTime();
    if (wait > 1000) return;
    clearTimeout(this.wakeUp);
    this.wakeUp = setTimeout(() => this.tick(), Math.max(0, wait)).unref();
  }
}

/** A task stored but not routed (the process died between the two, or routing threw) is routed now. */
function routeReceivedTasks(ctx: DispatchContext, limit: number): number {
  const stuck = ctx.db
    .select({ id: tasks.id })
    .from(tasks)
    .where(eq(tasks.status, 'received'))
    .orderBy(asc(tasks.id))
    .limit(limit)
    .all();
  return forEachIsolated(ctx, 'routing a received task', stuck, ({ id }) => dispatchTask(ctx, id));
}
