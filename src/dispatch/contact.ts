import { and, asc, eq, isNotNull, isNull, lte, sql as raw } from 'drizzle-orm';
import { queueFubContacted } from '../crm/fub/write-back.js';
import { agents, notifications, offers, tasks } from '../db/schema.js';
import { type DispatchContext, forEachIsolated, writeTransaction } from './context.js';
import { escalateTask } from './escalate.js';
import { recordEvent } from './events.js';

export type ContactResult =
  | { ok: true }
  | { ok: false; why: 'not_owner' | 'already'; at?: Date }
  | { ok: false; why: 'not_claimed' };

/** The owner says they reached the lead: stops the no-contact timer. */
export function markContacted(ctx: DispatchContext, taskId: number, userId: string): ContactResult {
  const now = ctx.clock.now();
  return writeTransaction(ctx.db, (tx) => {
    const done = tx
      .update(tasks)
      .set({ contactedAt: now, contactDueAt: null })
      .where(
        and(
          eq(tasks.id, taskId),
          eq(tasks.ownerId, userId),
          eq(tasks.status, 'claimed'),
          isNull(tasks.contactedAt),
        ),
      )
      .run().changes;
    if (done !== 1) {
      const task = tx.select().from(tasks).where(eq(tasks.id, taskId)).get();
      if (task?.contactedAt) return { ok: false, why: 'already', at: task.contactedAt };
      if (task?.ownerId !== userId) return { ok: false, why: 'not_owner' };
      return { ok: false, why: 'not_claimed' };
    }
    // The owner's DM shows the contact state: re-render it.
    tx.update(offers)
      .set({ version: raw`${offers.version} + 1` })
      .where(and(eq(offers.taskId, taskId), eq(offers.agentId, userId), eq(offers.status, 'claimed')))
      .run();
    recordEvent(tx, { taskId, kind: 'contacted', actor: userId, at: now });
    queueFubContacted(tx, ctx, taskId, now);
    return { ok: true };
  });
}

/**
 * The no-contact timer, as Real Geeks and kvCORE run it: the first lapse reminds the owner and
 * gives them one more window; the second hands the lead to the leaders.
 */
export function runContactTimers(ctx: DispatchContext, limit = Number.MAX_SAFE_INTEGER): number {
  const now = ctx.clock.now();
  const due = ctx.db
    .select({ id: tasks.id, reminded: tasks.contactRemindedAt, ownerId: tasks.ownerId })
    .from(tasks)
    .where(
      and(
        eq(tasks.status, 'claimed'),
        isNull(tasks.contactedAt),
        isNotNull(tasks.contactDueAt),
        lte(tasks.contactDueAt, now),
      ),
    )
    .orderBy(asc(tasks.contactDueAt))
    .limit(limit)
    .all();
  return forEachIsolated(ctx, 'a no-contact timer', due, (task) => {
    writeTransaction(ctx.db, (tx) => {
      if (!task.reminded) {
        const reminded = tx
          .update(tasks)
          .set({
            contactRemindedAt: now,
            contactDueAt: raw`${now.getTime()} + ${tasks.contactSlaSeconds} * 1000`,
          })
          .where(
            and(
              eq(tasks.id, task.id),
              isNull(tasks.contactRemindedAt),
              lte(tasks.contactDueAt, now),
              isNull(tasks.contactedAt),
            ),
          )
          .run().changes;
        if (reminded !== 1 || !task.ownerId) return;
        tx.insert(notifications)
          .values({ taskId: task.id, kind: 'contact_reminder', recipient: task.ownerId, createdAt: now })
          .run();
        recordEvent(tx, {
          taskId: task.id,
          kind: 'contact_reminded',
          at: now,
          detail: { ownerId: task.ownerId },
        });
        return;
      }
      // Guarded on the second lapse itself: a Mark contacted or a new owner since our read wins.
      const lapsedTwice = tx
        .update(tasks)
        .set({ contactDueAt: null })
        .where(
          and(
            eq(tasks.id, task.id),
            eq(tasks.status, 'claimed'),
            isNull(tasks.contactedAt),
            isNotNull(tasks.contactRemindedAt),
            lte(tasks.contactDueAt, now),
          ),
        )
        .run().changes;
      if (lapsedTwice !== 1) return;
      const owner = task.ownerId
        ? tx.select({ name: agents.name }).from(agents).where(eq(agents.id, task.ownerId)).get()
        : undefined;
      escalateTask(tx, {
        taskId: task.id,
        reason: `${owner?.name ?? 'The owner'} claimed it but has not marked it contacted, even after a reminder`,
        manualReview: false,
        now,
        from: ['claimed'],
      });
    });
  });
}
