import { and, asc, desc, eq, isNotNull, isNull, lte, sql as raw } from 'drizzle-orm';
import type { DispatchConfig } from '../config/dispatch-schema.js';
import { contactDeadline } from '../core/contact.js';
import { queueFubContacted } from '../crm/fub/write-back.js';
import { agents, notifications, offers, tasks } from '../db/schema.js';
import { type DispatchContext, forEachIsolated, type Sql, writeTransaction } from './context.js';
import { escalateTask } from './escalate.js';
import { recordEvent } from './events.js';
import { offerNext } from './offer-next.js';
import { preparedOnce } from './prepared.js';

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
    .select({
      id: tasks.id,
      reminded: tasks.contactRemindedAt,
      ownerId: tasks.ownerId,
      seconds: tasks.contactSlaSeconds,
      clock: tasks.contactClock,
      onLapse: tasks.contactThen,
    })
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
            contactDueAt:
              task.clock === 'business_hours' && task.seconds !== null
                ? contactDeadline(
                    { seconds: task.seconds, clock: 'business_hours' },
                    now,
                    ctx.config.team.business_hours,
                    ctx.config.team.timezone,
                  )
                : raw`${now.getTime()} + ${tasks.contactSlaSeconds} * 1000`,
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
      if (task.onLapse === 'next' && task.ownerId) {
        moveIdleLead(tx, ctx, task.id, task.ownerId, now);
        return;
      }
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

/**
 * Starts the no-contact timer of a claim on the task's own clock. The claim's guarded statement
 * set a wall-clock due time (`contactDue`); a business-hours clock moves it past nights and
 * weekends here, in the claim's transaction.
 */
export function startContactClock(tx: Sql, config: DispatchConfig, taskId: number, now: Date): void {
  const task = contactClockOf(tx).get({ taskId });
  if (task?.clock !== 'business_hours' || task.seconds === null || task.due === null) return;
  const due = contactDeadline(
    { seconds: task.seconds, clock: 'business_hours' },
    now,
    config.team.business_hours,
    config.team.timezone,
  );
  tx.update(tasks).set({ contactDueAt: due }).where(eq(tasks.id, taskId)).run();
}

/** Asked on every claim: built once per database (see prepared.ts). */
const contactClockOf = preparedOnce((sql) =>
  sql
    .select({ seconds: tasks.contactSlaSeconds, clock: tasks.contactClock, due: tasks.contactDueAt })
    .from(tasks)
    .where(eq(tasks.id, raw.placeholder('taskId')))
    .prepare(),
);

/**
 * Idle lead reassignment (`contact_sla: { then: next }`): the owner let the window lapse twice,
 * so their claim ends (their DM says why) and the next candidate after them in the frozen chain
 * is offered the lead; when the chain is spent, the rule's pond or the leaders. The caller has
 * already guarded on the second lapse.
 */
function moveIdleLead(tx: Sql, ctx: DispatchContext, taskId: number, ownerId: string, now: Date): void {
  const claimed = tx
    .select()
    .from(offers)
    .where(and(eq(offers.taskId, taskId), eq(offers.agentId, ownerId), eq(offers.status, 'claimed')))
    .orderBy(desc(offers.id))
    .get();
  const released = tx
    .update(tasks)
    .set({ status: 'offered', ownerId: null, claimedAt: null, contactDueAt: null, contactRemindedAt: null })
    .where(and(eq(tasks.id, taskId), eq(tasks.status, 'claimed'), eq(tasks.ownerId, ownerId)))
    .returning()
    .get();
  if (!released) throw new Error(`task ${taskId} changed owner while its contact window lapsed`);
  if (claimed)
    tx.update(offers)
      .set({ idleAt: now, version: raw`${offers.version} + 1` })
      .where(eq(offers.id, claimed.id))
      .run();
  recordEvent(tx, { taskId, offerId: claimed?.id ?? null, kind: 'idle_moved', at: now, detail: { ownerId } });
  const owner = tx.select({ name: agents.name }).from(agents).where(eq(agents.id, ownerId)).get();
  offerNext(
    tx,
    ctx.config,
    released,
    (claimed?.position ?? released.chain.length) + 1,
    now,
    `${released.ruleName ? `Rule ${released.ruleName}: ` : ''}${owner?.name ?? 'The owner'} did not mark it contacted in time and nobody after them in its chain is available`,
  );
}
