import { and, asc, eq, isNotNull, isNull, lte } from 'drizzle-orm';
import { escalations, notifications } from '../db/schema.js';
import { type DispatchContext, forEachIsolated, writeTransaction } from './context.js';
import { recordEvent } from './events.js';

/** An escalation nobody has acted on is announced again, as a threaded reply, every `escalation_reminder`. */
export function reannounceEscalations(ctx: DispatchContext, limit = Number.MAX_SAFE_INTEGER): number {
  const now = ctx.clock.now();
  const cutoff = new Date(now.getTime() - ctx.config.team.escalation_reminder * 1000);
  const due = ctx.db
    .select()
    .from(escalations)
    .where(
      and(isNull(escalations.resolvedAt), isNotNull(escalations.ts), lte(escalations.announcedAt, cutoff)),
    )
    .orderBy(asc(escalations.announcedAt))
    .limit(limit)
    .all();
  return forEachIsolated(ctx, 're-announcing an escalation', due, (escalation) => {
    writeTransaction(ctx.db, (tx) => {
      // Guarded on the announcement we read: two sweeps announce once.
      const claimed = tx
        .update(escalations)
        .set({ announcedAt: now })
        .where(
          and(
            eq(escalations.id, escalation.id),
            isNull(escalations.resolvedAt),
            lte(escalations.announcedAt, cutoff),
          ),
        )
        .run().changes;
      if (claimed !== 1 || !escalation.channel || !escalation.ts) return;
      tx.insert(notifications)
        .values({
          taskId: escalation.taskId,
          kind: 'escalation_reminder',
          recipient: escalation.channel,
          threadTs: escalation.ts,
          createdAt: now,
        })
        .run();
      recordEvent(tx, {
        taskId: escalation.taskId,
        kind: 'reannounced',
        at: now,
        detail: { escalationId: escalation.id },
      });
    });
  });
}
