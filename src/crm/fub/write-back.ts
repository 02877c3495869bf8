import { eq } from 'drizzle-orm';
import { type TaskRow, tasks } from '../../db/schema.js';
import type { DispatchContext, Sql } from '../../dispatch/context.js';
import { agentName } from '../../dispatch/roster.js';
import { enqueueOutbox } from '../../engine/outbox/outbox.js';
import { claimNote } from './note-text.js';

/** Every write to FUB about one lead goes under this topic, so the outbox keeps them in order per lead. */
export const FUB_WRITE_TOPIC = 'crm:followupboss';

/** One call to FUB, as an outbox payload. Each is its own item, so one failing call is retried alone. */
export type FubWrite =
  | { action: 'update'; personId: number; ownerId?: string; stage?: string }
  | { action: 'note'; personId: number; subject: string; body: string }
  | { action: 'task'; personId: number; ownerId: string; dueAt: string };

function fubPersonOf(task: TaskRow | undefined): number | undefined {
  const match = /^fub:(\d+)$/.exec(task?.crmPerson ?? '');
  return match ? Number(match[1]) : undefined;
}

function queue(sql: Sql, taskId: number, writes: FubWrite[], now: Date): void {
  for (const payload of writes) enqueueOutbox(sql, { taskId, topic: FUB_WRITE_TOPIC, payload, at: now });
}

/**
 * Called in the claim's transaction: FUB is told who took the lead (assignee, optional stage), gets
 * a note on the person's timeline and, if configured, a task for the owner. Nothing here calls FUB.
 */
export function queueFubClaimed(sql: Sql, ctx: DispatchContext, taskId: number, now: Date): void {
  const fub = ctx.config.crm?.followupboss;
  if (!fub) return;
  const task = sql.select().from(tasks).where(eq(tasks.id, taskId)).get();
  const personId = fubPersonOf(task);
  if (!task || personId === undefined || !task.ownerId) return;
  const ownerId = task.ownerId;
  const writes: FubWrite[] = [];
  if (fub.assign_on_claim || fub.stage_on_claim)
    writes.push({
      action: 'update',
      personId,
      ...(fub.assign_on_claim ? { ownerId } : {}),
      ...(fub.stage_on_claim ? { stage: fub.stage_on_claim } : {}),
    });
  if (fub.note_on_claim)
    writes.push({ action: 'note', personId, ...claimNote(agentName(sql, ownerId), task.receivedAt, now) });
  if (fub.task_on_claim) {
    const due = task.contactDueAt ?? new Date(now.getTime() + fub.task_due * 1000);
    writes.push({ action: 'task', personId, ownerId, dueAt: due.toISOString() });
  }
  queue(sql, taskId, writes, now);
}

/** Called in Mark contacted's transaction: the configured stage, if any. */
export function queueFubContacted(sql: Sql, ctx: DispatchContext, taskId: number, now: Date): void {
  const stage = ctx.config.crm?.followupboss?.stage_on_contacted;
  if (!stage) return;
  const personId = fubPersonOf(sql.select().from(tasks).where(eq(tasks.id, taskId)).get());
  if (personId === undefined) return;
  queue(sql, taskId, [{ action: 'update', personId, stage }], now);
}
