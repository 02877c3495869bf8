import { and, eq, inArray, sql as raw } from 'drizzle-orm';
import { tasks } from '../db/schema.js';
import type { Sql } from './context.js';
import { recordEvent } from './events.js';

/**
 * Hands the task to the leaders' channel. Guarded on the states it may come from, so a
 * task is escalated once however many paths reach this point at the same time.
 */
export function escalateTask(
  sql: Sql,
  args: {
    taskId: number;
    reason: string;
    manualReview: boolean;
    now: Date;
    from: Array<'received' | 'offered'>;
  },
): boolean {
  const changed = sql
    .update(tasks)
    .set({
      status: 'escalated',
      liveOfferId: null,
      manualReview: args.manualReview,
      reviewReason: args.reason,
      escalatedAt: args.now,
      escalationVersion: raw`${tasks.escalationVersion} + 1`,
    })
    .where(and(eq(tasks.id, args.taskId), inArray(tasks.status, args.from)))
    .run().changes;
  if (changed === 1) {
    recordEvent(sql, {
      taskId: args.taskId,
      kind: 'escalated',
      at: args.now,
      detail: { reason: args.reason, manualReview: args.manualReview },
    });
  }
  return changed === 1;
}
