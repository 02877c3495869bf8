import { and, asc, eq, isNull, lt, sql as raw } from 'drizzle-orm';
import { retentionCutoff, retentionDay } from '../core/retention.js';
import { retentionRuns, tasks } from '../db/schema.js';
import { type DispatchContext, writeTransaction } from '../dispatch/context.js';
import { removeContactDetails } from './scrub.js';

/**
 * The sweeper's nightly step for `team.retention`: from 03:00 in the team's zone, once a day, the
 * contact details of every task that arrived before (now − retention) are removed, a few tasks per
 * slice like every sweep step. The day's `retention_runs` row is the guard: it is written once
 * (unique day), holds the cutoff the run started with, and is marked finished when no task is
 * left, so later ticks that day do nothing and a restart mid-run carries on. Returns how many tasks
 * it took up (the sweeper asks again while a slice is full).
 */
export function removeExpiredDetails(ctx: DispatchContext, limit: number): number {
  // Read at the moment of use: a config reload may have changed or removed it.
  const { retention, timezone } = ctx.config.team;
  if (!retention) return 0;
  const now = ctx.clock.now();
  const day = retentionDay(now, timezone);
  if (!day) return 0;
  let run = ctx.db.select().from(retentionRuns).where(eq(retentionRuns.day, day)).get();
  if (run?.finishedAt) return 0;
  if (!run) {
    const cutoff = retentionCutoff(now, retention, timezone);
    ctx.db.insert(retentionRuns).values({ day, cutoff, startedAt: now }).onConflictDoNothing().run();
    run = ctx.db.select().from(retentionRuns).where(eq(retentionRuns.day, day)).get();
    if (!run) return 0;
  }
  const cutoff = run.cutoff;
  const due = ctx.db
    .select({ id: tasks.id })
    .from(tasks)
    .where(and(lt(tasks.createdAt, cutoff), isNull(tasks.detailsRemovedAt)))
    .orderBy(asc(tasks.createdAt))
    .limit(limit)
    .all();
  for (const { id } of due) {
    writeTransaction(ctx.db, (tx) => {
      // Guarded: another process, or forget, may have done it since the select.
      const task = tx
        .select()
        .from(tasks)
        .where(and(eq(tasks.id, id), isNull(tasks.detailsRemovedAt)))
        .get();
      if (!task) return;
      removeContactDetails(tx, task, { reason: 'retention', actor: 'system', now });
      tx.update(retentionRuns)
        .set({ tasks: raw`${retentionRuns.tasks} + 1` })
        .where(eq(retentionRuns.day, day))
        .run();
    });
  }
  if (due.length < limit) {
    const finished = ctx.db
      .update(retentionRuns)
      .set({ finishedAt: now })
      .where(and(eq(retentionRuns.day, day), isNull(retentionRuns.finishedAt)))
      .returning({ tasks: retentionRuns.tasks })
      .get();
    if (finished)
      ctx.log.info('retention: contact details removed from tasks older than the retention period', {
        retention: retention.text,
        cutoff: cutoff.toISOString(),
        tasks: finished.tasks,
      });
  }
  return due.length;
}
