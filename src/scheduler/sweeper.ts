import { eq } from 'drizzle-orm';
import cron, { type ScheduledTask } from 'node-cron';
import { heartbeats, tasks } from '../db/schema.js';
import type { DispatchContext } from '../dispatch/context.js';
import { dispatchTask } from '../dispatch/route-task.js';
import type { Delivery } from '../slack/delivery.js';

export const SWEEPER = 'sweeper';

/**
 * The reconciler: everything it does is derived from rows, so a restart or a missed tick
 * only delays work. It routes tasks stuck in `received` and re-kicks Slack delivery.
 */
export class Sweeper {
  private task: ScheduledTask | undefined;
  private running = false;

  constructor(
    private readonly ctx: DispatchContext,
    private readonly delivery: Delivery,
  ) {}

  async runOnce(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const { db, clock, log } = this.ctx;
      const stuck = db.select({ id: tasks.id }).from(tasks).where(eq(tasks.status, 'received')).all();
      for (const { id } of stuck) {
        try {
          dispatchTask(this.ctx, id);
        } catch (error) {
          log.error('routing failed; will retry on the next sweep', { taskId: id, error: String(error) });
        }
      }
      this.delivery.kick();
      const at = clock.now();
      db.insert(heartbeats)
        .values({ name: SWEEPER, at })
        .onConflictDoUpdate({ target: heartbeats.name, set: { at } })
        .run();
    } finally {
      this.running = false;
    }
  }

  /** Every second: a stuck task or a DM waiting out a retry is picked up within a second. */
  start(): void {
    this.task = cron.schedule('* * * * * *', () => {
      this.runOnce().catch((error: unknown) => this.ctx.log.error('sweep failed', { error: String(error) }));
    });
  }

  stop(): void {
    this.task?.stop();
    this.task = undefined;
  }
}
