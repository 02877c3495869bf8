import { and, eq, isNull, sql as raw } from 'drizzle-orm';
import { type EscalationRow, escalations, offers, tasks } from '../db/schema.js';
import { queueClaimFollowUps } from './claimed.js';
import { contactDue } from './click-statements.js';
import { type DispatchContext, type Sql, writeTransaction } from './context.js';
import { recordEvent } from './events.js';
import { createOffer } from './offer-next.js';
import { closePondByLeader } from './pond.js';
import { agentName, availabilityOfTeam, isTeamLeader } from './roster.js';
import { routeReceivedTask } from './route-task.js';

/** Why a leader's click changed nothing; blocks/ words it. */
export type LeaderRefusal =
  | { kind: 'not_leader' }
  | { kind: 'unknown_escalation' }
  | {
      kind: 'already_resolved';
      by: string;
      resolution: EscalationRow['resolution'];
      assignee: string | null;
      at: Date;
    }
  | { kind: 'not_an_agent'; userId: string }
  | { kind: 'agent_unavailable'; name: string };

export type LeaderActionResult = { ok: true; taskId: number } | { ok: false; refusal: LeaderRefusal };

/** Assign to…: offer the task to the chosen agent, who still confirms with Claim. */
export function assignEscalation(
  ctx: DispatchContext,
  escalationId: number,
  leaderId: string,
  assigneeId: string,
) {
  return act(ctx, escalationId, leaderId, (tx, escalation, now) => {
    const refusal = pickable(tx, ctx, assigneeId, now);
    if (refusal) return refusal;
    const task = resolve(tx, escalation, leaderId, 'assigned', assigneeId, now);
    // Past the end of the frozen chain: if the assignee lets it lapse, it comes back to the leaders.
    createOffer(
      tx,
      ctx.config,
      task,
      { agentId: assigneeId, reason: `assigned by ${agentName(tx, leaderId)}` },
      task.chain.length,
      now,
      ['escalated'],
    );
    recordEvent(tx, {
      taskId: task.id,
      kind: 'assigned',
      actor: leaderId,
      at: now,
      detail: { assignee: assigneeId },
    });
    return undefined;
  });
}

/**
 * Whether a person may be handed a lead by hand (a leader's Assign to… or Reassign…, an owner's
 * Hand off…): an agent in dispatch.yml who is not away or busy. Someone outside their working
 * hours, or over their cap, may still be woken for one (caps guide routing, not people).
 */
export function pickable(
  sql: Sql,
  ctx: DispatchContext,
  agentId: string,
  now: Date,
): Extract<LeaderRefusal, { kind: 'not_an_agent' | 'agent_unavailable' }> | undefined {
  const agent = availabilityOfTeam(sql, ctx.config, now).find((s) => s.agent.id === agentId);
  if (!agent) return { kind: 'not_an_agent', userId: agentId };
  if (!agent.availability.available && !agent.offHours?.coverable)
    return { kind: 'agent_unavailable', name: agent.agent.name };
  return undefined;
}

/** Take it: the leader owns the task at once; there is nobody else to confirm. */
export function takeEscalation(ctx: DispatchContext, escalationId: number, leaderId: string) {
  return act(ctx, escalationId, leaderId, (tx, escalation, now) => {
    const task = resolve(tx, escalation, leaderId, 'taken', leaderId, now);
    const offer = tx
      .insert(offers)
      .values({
        taskId: task.id,
        agentId: leaderId,
        position: task.chain.length,
        status: 'claimed',
        reason: 'taken from the leaders channel',
        offeredAt: now,
        deadline: now,
        resolvedAt: now,
      })
      .returning({ id: offers.id })
      .get();
    tx.update(tasks)
      .set({
        status: 'claimed',
        ownerId: leaderId,
        claimedAt: now,
        contactDueAt: contactDue(now),
        contactRemindedAt: null,
        contactedAt: null,
      })
      .where(and(eq(tasks.id, task.id), eq(tasks.status, 'escalated')))
      .run();
    recordEvent(tx, { taskId: task.id, offerId: offer.id, kind: 'taken', actor: leaderId, at: now });
    recordEvent(tx, { taskId: task.id, offerId: offer.id, kind: 'claimed', actor: leaderId, at: now });
    queueClaimFollowUps(tx, ctx, task.id, leaderId, now);
    return undefined;
  });
}

/** Back to the pool: route it again from the top, as if it had just arrived, skipping who passed on it. */
export function returnEscalation(ctx: DispatchContext, escalationId: number, leaderId: string) {
  return act(ctx, escalationId, leaderId, (tx, escalation, now) => {
    const task = resolve(tx, escalation, leaderId, 'returned', null, now);
    tx.update(tasks)
      .set({ status: 'received', liveOfferId: null })
      .where(and(eq(tasks.id, task.id), eq(tasks.status, 'escalated')))
      .run();
    recordEvent(tx, { taskId: task.id, kind: 'returned', actor: leaderId, at: now });
    const passed = tx
      .select({ agentId: offers.agentId })
      .from(offers)
      .where(and(eq(offers.taskId, task.id), eq(offers.status, 'passed')))
      .all();
    routeReceivedTask(tx, ctx, task.id, now, { exclude: new Set(passed.flatMap((p) => p.agentId ?? [])) });
    return undefined;
  });
}

function act(
  ctx: DispatchContext,
  escalationId: number,
  leaderId: string,
  work: (tx: Sql, escalation: EscalationRow, now: Date) => LeaderRefusal | undefined,
): LeaderActionResult {
  const now = ctx.clock.now();
  return writeTransaction(ctx.db, (tx) => {
    if (!isTeamLeader(ctx.config, leaderId)) return { ok: false, refusal: { kind: 'not_leader' } };
    const escalation = tx.select().from(escalations).where(eq(escalations.id, escalationId)).get();
    if (!escalation) return { ok: false, refusal: { kind: 'unknown_escalation' } };
    if (escalation.resolvedAt) {
      return {
        ok: false,
        refusal: {
          kind: 'already_resolved',
          by: agentName(tx, escalation.resolvedBy ?? ''),
          resolution: escalation.resolution,
          assignee: escalation.assignee ? agentName(tx, escalation.assignee) : null,
          at: escalation.resolvedAt,
        },
      };
    }
    const refusal = work(tx, escalation, now);
    return refusal ? { ok: false, refusal } : { ok: true, taskId: escalation.taskId };
  });
}

/** The guarded transition that closes the escalation; throws (rolling back) if someone got there first. */
function resolve(
  tx: Sql,
  escalation: EscalationRow,
  leaderId: string,
  resolution: NonNullable<EscalationRow['resolution']>,
  assignee: string | null,
  now: Date,
) {
  const closed = tx
    .update(escalations)
    .set({
      resolvedAt: now,
      resolvedBy: leaderId,
      resolution,
      assignee,
      version: raw`${escalations.version} + 1`,
    })
    .where(and(eq(escalations.id, escalation.id), isNull(escalations.resolvedAt)))
    .run().changes;
  const task = tx.select().from(tasks).where(eq(tasks.id, escalation.taskId)).get();
  if (closed !== 1 || !task || task.status !== 'escalated')
    throw new Error(`escalation ${escalation.id} changed under us`);
  // A lead escalated from the pond is still claimable there: the leader's action ends that.
  closePondByLeader(tx, task.id, leaderId, now);
  return task;
}
