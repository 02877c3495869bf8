import { and, eq, inArray, isNull, sql as raw } from 'drizzle-orm';
import { escalations, offers, type TaskRow, tasks } from '../db/schema.js';
import type { Sql } from './context.js';
import { recordEvent } from './events.js';

/**
 * Hands the task to the leaders' channel: a new escalation row, which delivery posts. Guarded on
 * the states it may come from, so a task is escalated once however many paths reach this point.
 */
export function escalateTask(
  sql: Sql,
  args: { taskId: number; reason: string; manualReview: boolean; now: Date; from: TaskRow['status'][] },
): boolean {
  const changed = sql
    .update(tasks)
    .set({
      status: 'escalated',
      liveOfferId: null,
      contactDueAt: null,
      ...(args.manualReview ? { manualReview: true } : {}),
    })
    .where(and(eq(tasks.id, args.taskId), inArray(tasks.status, args.from)))
    .run().changes;
  if (changed !== 1) return false;
  const escalation = sql
    .insert(escalations)
    .values({ taskId: args.taskId, reason: args.reason, createdAt: args.now })
    .returning({ id: escalations.id })
    .get();
  // An owner's DM (a claimed offer) changes too: it no longer asks them to mark contact.
  sql
    .update(offers)
    .set({ version: raw`${offers.version} + 1` })
    .where(and(eq(offers.taskId, args.taskId), eq(offers.status, 'claimed'), isNull(offers.idleAt)))
    .run();
  recordEvent(sql, {
    taskId: args.taskId,
    kind: 'escalated',
    at: args.now,
    detail: { reason: args.reason, manualReview: args.manualReview, escalationId: escalation.id },
  });
  return true;
}
