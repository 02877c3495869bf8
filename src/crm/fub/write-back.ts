import { and, asc, eq, isNotNull } from 'drizzle-orm';
import type { FollowUpBossConfig } from '../../config/crm-schema.js';
import { type TaskRow, tasks } from '../../db/schema.js';
import type { DispatchContext, Sql } from '../../dispatch/context.js';
import { agentName } from '../../dispatch/roster.js';
import { enqueueOutbox } from '../../engine/outbox/outbox.js';
import { claimNote } from './note-text.js';

/** Every write to FUB about one lead goes under this topic, so the outbox keeps them in order per lead. */
export const FUB_WRITE_TOPIC = 'crm:followupboss';

/**
 * One call to FUB, as an outbox payload. Each is its own item, so one failing call is retried alone.
 * An update carries no values: it is delivered from the task's current rows (see currentFubUpdate),
 * so a retried or late delivery cannot put back a stage or assignee that has since changed.
 */
export type FubWrite =
  | { action: 'update'; personId: number }
  | { action: 'note'; personId: number; subject: string; body: string }
  | { action: 'task'; personId: number; ownerId: string; dueAt: string };

function fubPersonOf(crmPerson: string | null | undefined): number | undefined {
  const match = /^fub:(\d+)$/.exec(crmPerson ?? '');
  return match ? Number(match[1]) : undefined;
}

/**
 * The FUB people a task speaks for: its own, and those of the tasks merged into it as repeats (a
 * FUB person who arrived after the same phone came in by POST /leads is that lead, so FUB must
 * learn of the claim on it too).
 */
function fubPeopleOf(sql: Sql, task: TaskRow): number[] {
  const merged = sql
    .select({ crmPerson: tasks.crmPerson })
    .from(tasks)
    .where(and(eq(tasks.duplicateOf, task.id), isNotNull(tasks.crmPerson)))
    .orderBy(asc(tasks.id))
    .all();
  const ids = [task.crmPerson, ...merged.map((m) => m.crmPerson)].map(fubPersonOf);
  return [...new Set(ids.filter((id): id is number => id !== undefined))];
}

function queue(sql: Sql, taskId: number, writes: FubWrite[], now: Date): void {
  for (const payload of writes) enqueueOutbox(sql, { taskId, topic: FUB_WRITE_TOPIC, payload, at: now });
}

/**
 * Called in the claim's transaction: FUB is told who took the lead (assignee, optional stage), gets
 * a note on the person's timeline and, if configured, a task for the owner. Nothing here calls FUB.
 */
export function queueFubClaimed(sql: Sql, ctx: DispatchContext, taskId: number, now: Date): void {
  // Every claim asks: without FUB there is nothing to read (the task row was a third of a claim's time).
  if (!ctx.config.crm?.followupboss) return;
  const task = sql.select().from(tasks).where(eq(tasks.id, taskId)).get();
  if (task) queueClaimWrites(sql, ctx, task, fubPeopleOf(sql, task), now, now);
}

/**
 * A FUB person merged as a repeat into a lead that was claimed before they arrived: they get the
 * claim's write-backs now (the owner's, as of the claim), or FUB would never learn who has them.
 */
export function queueFubLateMerge(sql: Sql, ctx: DispatchContext, mergedTaskId: number, now: Date): void {
  const merged = sql.select().from(tasks).where(eq(tasks.id, mergedTaskId)).get();
  const personId = fubPersonOf(merged?.crmPerson);
  if (merged?.status !== 'merged' || merged.duplicateOf === null || personId === undefined) return;
  const root = sql.select().from(tasks).where(eq(tasks.id, merged.duplicateOf)).get();
  if (root) queueClaimWrites(sql, ctx, root, [personId], root.claimedAt ?? now, now);
}

function queueClaimWrites(
  sql: Sql,
  ctx: DispatchContext,
  task: TaskRow,
  people: number[],
  claimedAt: Date,
  now: Date,
): void {
  const fub = ctx.config.crm?.followupboss;
  if (!fub || !task.ownerId) return;
  const ownerId = task.ownerId;
  const writes: FubWrite[] = [];
  for (const personId of people) {
    if (fub.assign_on_claim || fub.stage_on_claim) writes.push({ action: 'update', personId });
    if (fub.note_on_claim)
      writes.push({
        action: 'note',
        personId,
        ...claimNote(agentName(sql, ownerId), task.receivedAt, claimedAt),
      });
    if (fub.task_on_claim) {
      const due = task.contactDueAt ?? new Date(claimedAt.getTime() + fub.task_due * 1000);
      writes.push({ action: 'task', personId, ownerId, dueAt: due.toISOString() });
    }
  }
  queue(sql, task.id, writes, now);
}

/** Called in Mark contacted's transaction: the configured stage, if any. */
export function queueFubContacted(sql: Sql, ctx: DispatchContext, taskId: number, now: Date): void {
  if (!ctx.config.crm?.followupboss?.stage_on_contacted) return;
  const task = sql.select().from(tasks).where(eq(tasks.id, taskId)).get();
  if (!task) return;
  const writes: FubWrite[] = fubPeopleOf(sql, task).map((personId) => ({ action: 'update', personId }));
  queue(sql, taskId, writes, now);
}

/**
 * What FUB should hold now for a task's person: its current owner as assignee, and the stage of
 * where the task is (contacted, else claimed). Read when an update is delivered, not when it was
 * queued, so every delivery (first, retried, out of order) converges FUB to the current truth.
 */
export function currentFubUpdate(
  sql: Sql,
  config: FollowUpBossConfig,
  taskId: number | null,
): { ownerId?: string; stage?: string } {
  if (taskId === null) return {};
  const task = sql
    .select({ ownerId: tasks.ownerId, contactedAt: tasks.contactedAt })
    .from(tasks)
    .where(eq(tasks.id, taskId))
    .get();
  if (!task?.ownerId) return {};
  const stage =
    (task.contactedAt ? config.stage_on_contacted : undefined) ?? config.stage_on_claim ?? undefined;
  return {
    ...(config.assign_on_claim ? { ownerId: task.ownerId } : {}),
    ...(stage ? { stage } : {}),
  };
}
