import { and, eq, inArray, sql as raw } from 'drizzle-orm';
import { notifications, outbox } from '../../db/schema.js';
import type { DispatchContext } from '../../dispatch/context.js';
import { writeTransaction } from '../../dispatch/context.js';
import { recordEvent } from '../../dispatch/events.js';

/**
 * A person sends dead items back to be delivered again, from the first try: one guarded
 * transition (dead → pending) each, with an event on the item's task. A running app picks them
 * up on its next pass (the sweeper kicks the outbox every second). Returns the ids revived.
 */
export function retryDeadOutbox(
  ctx: Pick<DispatchContext, 'db' | 'clock'>,
  which: number | 'all',
  actor: string,
): number[] {
  const now = ctx.clock.now();
  return writeTransaction(ctx.db, (tx) => {
    const revived = tx
      .update(outbox)
      .set({ status: 'pending', attempts: 0, nextAttemptAt: now, deadAt: null })
      .where(
        which === 'all' ? eq(outbox.status, 'dead') : and(eq(outbox.id, which), eq(outbox.status, 'dead')),
      )
      .returning({ id: outbox.id, taskId: outbox.taskId, topic: outbox.topic, error: outbox.lastError })
      .all();
    // The leaders' notes about these items are re-rendered (no longer "not updated" with a live
    // Retry button): a new version of the row, picked up by the Slack sync.
    if (revived.length > 0)
      tx.update(notifications)
        .set({ version: raw`${notifications.version} + 1` })
        .where(
          and(
            eq(notifications.kind, 'crm_write_failed'),
            inArray(
              notifications.outboxId,
              revived.map((r) => r.id),
            ),
          ),
        )
        .run();
    for (const item of revived) {
      if (item.taskId === null) continue;
      recordEvent(tx, {
        taskId: item.taskId,
        kind: 'outbox_retried',
        actor,
        at: now,
        detail: { outboxId: item.id, topic: item.topic },
      });
    }
    return revived.map((r) => r.id);
  });
}

/** Dead items, oldest first, for `lead-dispatch outbox list`: what failed and why, no payloads. */
export function deadOutbox(ctx: Pick<DispatchContext, 'db'>) {
  return ctx.db
    .select({
      id: outbox.id,
      taskId: outbox.taskId,
      topic: outbox.topic,
      attempts: outbox.attempts,
      error: outbox.lastError,
      deadAt: outbox.deadAt,
    })
    .from(outbox)
    .where(eq(outbox.status, 'dead'))
    .orderBy(raw`${outbox.id}`)
    .all();
}
