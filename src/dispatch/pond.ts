import { and, asc, desc, eq, isNotNull, isNull, lte, sql as raw } from 'drizzle-orm';
import type { DispatchConfig } from '../config/dispatch-schema.js';
import { pondMembers, pondTimers } from '../core/pond.js';
import {
  escalations,
  notifications,
  type OfferRow,
  offers,
  pondPosts,
  type TaskRow,
  tasks,
} from '../db/schema.js';
import { type DispatchContext, forEachIsolated, type Sql, writeTransaction } from './context.js';
import { recordEvent } from './events.js';
import { createOffer } from './offer-next.js';

/**
 * The end of a rule's chain when the rule has a `pond`: instead of the leaders, the lead waits in
 * the pond channel as a first-to-claim offer to everyone in the rule's pool, with no claim
 * deadline. A task falls in once: after that, the end of its chain is the leaders. Returns whether
 * it fell in.
 */
export function dropInPond(sql: Sql, config: DispatchConfig, task: TaskRow, now: Date): boolean {
  const rule = config.rules.find((r) => r.name === task.ruleName);
  if (!rule?.pond) return false;
  const members = pondMembers(rule, config.agents, task.chain);
  if (members.length === 0) return false;
  const before = sql
    .select({ id: offers.id })
    .from(offers)
    .where(and(eq(offers.taskId, task.id), eq(offers.pond, true)))
    .get();
  if (before) return false;
  const { remindAt, escalateAt } = pondTimers(rule.pond, now);
  const offerId = createOffer(
    sql,
    config,
    // The pond's answer-by time is when the leaders are told; it never ends the offer.
    { ...task, sla: { kind: 'duration', seconds: rule.pond.escalate_after, clock: 'always' } },
    { pool: members, channel: rule.pond.channel, reason: `in the pond <#${rule.pond.channel}>` },
    task.chain.length,
    now,
    ['received', 'offered'],
    { pond: true },
  );
  sql
    .insert(pondPosts)
    .values({
      taskId: task.id,
      offerId,
      recipient: rule.pond.channel,
      createdAt: now,
      remindEverySeconds: rule.pond.remind_every,
      remindAt,
      escalateAt,
    })
    .run();
  return true;
}

/**
 * A claim of the pond offer (claimOffer's guarded transition has run): the pond post closes and
 * says who took it, and an escalation the pond's age opened is resolved by that claim.
 */
export function closePondByClaim(sql: Sql, offer: OfferRow, userId: string, now: Date): void {
  sql
    .update(pondPosts)
    .set({ closedAt: now, version: raw`${pondPosts.version} + 1` })
    .where(and(eq(pondPosts.offerId, offer.id), isNull(pondPosts.closedAt)))
    .run();
  sql
    .update(escalations)
    .set({
      resolvedAt: now,
      resolvedBy: userId,
      resolution: 'pond',
      assignee: userId,
      version: raw`${escalations.version} + 1`,
    })
    .where(and(eq(escalations.taskId, offer.taskId), isNull(escalations.resolvedAt)))
    .run();
}

/**
 * A leader acts on the escalation of a lead still in the pond: the pond offer ends (so the
 * leader's choice is the one live offer) and the pond post says the leaders have it.
 */
export function closePondByLeader(sql: Sql, taskId: number, leaderId: string, now: Date): void {
  const offer = sql
    .update(offers)
    .set({ status: 'withdrawn', resolvedAt: now, version: raw`${offers.version} + 1` })
    .where(and(eq(offers.taskId, taskId), eq(offers.pond, true), eq(offers.status, 'live')))
    .returning()
    .get();
  if (!offer?.pool) return;
  sql
    .update(pondPosts)
    .set({ closedAt: now, version: raw`${pondPosts.version} + 1` })
    .where(and(eq(pondPosts.offerId, offer.id), isNull(pondPosts.closedAt)))
    .run();
  recordEvent(sql, {
    taskId,
    offerId: offer.id,
    kind: 'withdrawn',
    actor: leaderId,
    at: now,
    detail: { pool: offer.pool },
  });
}

/**
 * The pond's two timers, run by the sweeper: a reminder in the post's thread every
 * `remind_every` while nobody has claimed it, and the leaders told once it has waited
 * `escalate_after` (the post stays claimable until someone claims it or a leader acts).
 */
export function runPondTimers(ctx: DispatchContext, limit = Number.MAX_SAFE_INTEGER): number {
  return escalateAgedPonds(ctx, limit) + remindPonds(ctx, limit);
}

function escalateAgedPonds(ctx: DispatchContext, limit: number): number {
  const now = ctx.clock.now();
  const due = ctx.db
    .select({ id: pondPosts.id })
    .from(pondPosts)
    .where(and(isNull(pondPosts.closedAt), isNull(pondPosts.escalatedAt), lte(pondPosts.escalateAt, now)))
    .orderBy(asc(pondPosts.escalateAt))
    .limit(limit)
    .all();
  return forEachIsolated(ctx, 'escalating a lead in the pond', due, ({ id }) => {
    writeTransaction(ctx.db, (tx) => {
      // Guarded on the pond still open and not yet escalated: a claim that won the race leaves nothing.
      const pond = tx
        .update(pondPosts)
        .set({ escalatedAt: now, version: raw`${pondPosts.version} + 1` })
        .where(
          and(
            eq(pondPosts.id, id),
            isNull(pondPosts.closedAt),
            isNull(pondPosts.escalatedAt),
            lte(pondPosts.escalateAt, now),
          ),
        )
        .returning()
        .get();
      if (!pond) return;
      const moved = tx
        .update(tasks)
        .set({ status: 'escalated', liveOfferId: null })
        .where(
          and(eq(tasks.id, pond.taskId), eq(tasks.status, 'offered'), eq(tasks.liveOfferId, pond.offerId)),
        )
        .run().changes;
      if (moved !== 1) throw new Error(`task ${pond.taskId} left its pond offer ${pond.offerId} unannounced`);
      const task = tx.select({ rule: tasks.ruleName }).from(tasks).where(eq(tasks.id, pond.taskId)).get();
      const waited = Math.round((now.getTime() - pond.createdAt.getTime()) / 60_000);
      const reason = `${task?.rule ? `Rule ${task.rule}: ` : ''}nobody has claimed it from its pond in ${waitedText(waited)}`;
      const escalation = tx
        .insert(escalations)
        .values({ taskId: pond.taskId, reason, createdAt: now })
        .returning({ id: escalations.id })
        .get();
      recordEvent(tx, {
        taskId: pond.taskId,
        kind: 'escalated',
        at: now,
        detail: { reason, manualReview: false, escalationId: escalation.id },
      });
    });
  });
}

function waitedText(minutes: number): string {
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

function remindPonds(ctx: DispatchContext, limit: number): number {
  const now = ctx.clock.now();
  const due = ctx.db
    .select({ id: pondPosts.id })
    .from(pondPosts)
    .where(and(isNull(pondPosts.closedAt), isNotNull(pondPosts.ts), lte(pondPosts.remindAt, now)))
    .orderBy(asc(pondPosts.remindAt))
    .limit(limit)
    .all();
  return forEachIsolated(ctx, 'reminding of a lead in the pond', due, ({ id }) => {
    writeTransaction(ctx.db, (tx) => {
      // Guarded on the reminder time we read: two sweeps remind once. The next is counted from now,
      // so a sweeper that was down sends one reminder, not the ones it missed.
      const pond = tx
        .update(pondPosts)
        .set({ remindAt: raw`${now.getTime()} + ${pondPosts.remindEverySeconds} * 1000` })
        .where(and(eq(pondPosts.id, id), isNull(pondPosts.closedAt), lte(pondPosts.remindAt, now)))
        .returning()
        .get();
      if (!pond?.channel || !pond.ts) return;
      tx.insert(notifications)
        .values({
          taskId: pond.taskId,
          kind: 'pond_reminder',
          recipient: pond.channel,
          threadTs: pond.ts,
          createdAt: now,
        })
        .run();
      recordEvent(tx, { taskId: pond.taskId, kind: 'pond_reminded', at: now, detail: { pondId: pond.id } });
    });
  });
}

/** Whether a reminder queued for this pond post is still worth sending: nobody has claimed it. */
export function pondStillOpen(sql: Sql, taskId: number, threadTs: string | null): boolean {
  const open = sql
    .select({ ts: pondPosts.ts })
    .from(pondPosts)
    .where(and(eq(pondPosts.taskId, taskId), isNull(pondPosts.closedAt)))
    .get();
  return open !== undefined && open.ts === threadTs;
}

/** The task's latest pond post. */
export function pondOf(sql: Sql, taskId: number) {
  return sql
    .select()
    .from(pondPosts)
    .where(eq(pondPosts.taskId, taskId))
    .orderBy(desc(pondPosts.id))
    .limit(1)
    .get();
}
