import { and, eq, isNotNull, min } from 'drizzle-orm';
import cron, { type ScheduledTask } from 'node-cron';
import { heartbeats, offers, tasks } from '../db/schema.js';
import { runContactTimers } from '../dispatch/contact.js';
import type { DispatchContext } from '../dispatch/context.js';
import { expireDueOffers } from '../dispatch/offer-actions.js';
import { reannounceEscalations } from '../dispatch/reannounce.js';
import { dispatchTask, releaseHeldTasks } from '../dispatch/route-task.js';
import type { EngineLoop } from './loop.js';

export const SWEEPER = 'sweeper';

const SWEEP_STEPS: Array<[string, (ctx: DispatchContext) => unknown]> = [
  ['route received tasks', routeReceivedTasks],
  ['release held tasks', (ctx) => releaseHeldTasks(ctx, ctx.clock.now())],
  ['expire offers', expireDueOffers],
  ['contact timers', runContactTimers],
  ['re-announce escalations', reannounceEscalations],
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
  private running = false;
  private wakeUp: NodeJS.Timeout | undefined;

  constructor(
    private readonly ctx: DispatchContext,
    private readonly afterSweep: () => void,
  ) {}

  async runOnce(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const { db, clock, log } = this.ctx;
      // Each step guards its own items; one failing step must not stop the others.
      for (const [name, step] of SWEEP_STEPS) {
        try {
          step(this.ctx);
        } catch (error) {
          log.error('sweep step failed; will retry on the next sweep', { step: name, error: String(error) });
        }
      }
      this.afterSweep();
      const at = clock.now();
      db.insert(heartbeats)
        .values({ name: SWEEPER, at })
        .onConflictDoUpdate({ target: heartbeats.name, set: { at } })
        .run();
    } finally {
      this.running = false;
    }
  }

  /**
   * Every second, plus a wake-up at the next offer deadline when it falls between two ticks, so
   * a lapsed offer moves on within milliseconds. The timer is only a hint: the deadline is a column.
   */
  start(): void {
    this.task = cron.schedule('* * * * * *', () => this.tick());
  }

  stop(): void {
    this.task?.stop();
    this.task = undefined;
    clearTimeout(this.wakeUp);
  }

  async idle(): Promise<void> {}

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
function routeReceivedTasks(ctx: DispatchContext): void {
  const stuck = ctx.db.select({ id: tasks.id }).from(tasks).where(eq(tasks.status, 'received')).all();
  for (const { id } of stuck) {
    try {
      dispatchTask(ctx, id);
    } catch (error) {
      ctx.log.error('routing failed; will retry on the next sweep', { taskId: id, error: String(error) });
    }
  }
}
