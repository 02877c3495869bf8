import { and, desc, eq, isNull, sql as raw } from 'drizzle-orm';
import { HANDED_OFF_BY, MOVE_REASON_MAX } from '../core/reassign-text.js';
import { escalations, type OfferRow, offers, type TaskRow, tasks } from '../db/schema.js';
import { type DispatchContext, type Sql, writeTransaction } from './context.js';
import { recordEvent } from './events.js';
import { pickable } from './leader-actions.js';
import { createOffer } from './offer-next.js';
import { agentName, isTeamLeader } from './roster.js';
import { routeReceivedTask } from './route-task.js';

/**
 * Moving a lead that is still open: a leader's Reassign… (a live offer or a claimed lead, to
 * another agent) and an owner's Hand off… (their claimed lead, to a teammate or back to the rule's
 * pool). Each is one guarded transaction with its event; the new agent still confirms with Claim,
 * and their claim sets off the CRM write-back and the lead's reply as any claim does.
 */

/** Why a Reassign… or Hand off… changed nothing; blocks/ words it. */
export type MoveRefusal =
  | { kind: 'not_leader' }
  | { kind: 'not_owner' }
  | { kind: 'unknown_task' }
  /** Not offered nor claimed: still being routed, held for opening, or merged into another. */
  | { kind: 'not_open'; status: TaskRow['status'] }
  /** Waiting in the leaders' channel: that post's Assign to… is the way. */
  | { kind: 'with_leaders'; escalationId: number | null }
  | { kind: 'already_theirs'; name: string }
  | { kind: 'not_an_agent'; userId: string }
  | { kind: 'agent_unavailable'; name: string };

export type MoveResult = { ok: true; taskId: number } | { ok: false; refusal: MoveRefusal };

/** Who holds an open lead now: the live offer (an agent or a pool), or the owner's claimed offer. */
interface Holder {
  offer: OfferRow;
  /** The agent offered it or owning it; undefined for a first-to-claim pool. */
  agentId: string | undefined;
  claimed: boolean;
}

/** A leader moves a live or claimed lead to `assigneeId`, who gets an offer to claim. */
export function reassignTask(
  ctx: DispatchContext,
  args: { taskId: number; leaderId: string; assigneeId: string; reason: string | null },
): MoveResult {
  const now = ctx.clock.now();
  return writeTransaction(ctx.db, (tx) => {
    const found = openLead(tx, ctx, args.taskId, args.leaderId);
    if ('kind' in found) return { ok: false, refusal: found };
    const { task, holder } = found;
    if (holder.agentId === args.assigneeId)
      return { ok: false, refusal: { kind: 'already_theirs', name: agentName(tx, args.assigneeId) } };
    const refusal = pickable(tx, ctx, args.assigneeId, now);
    if (refusal) return { ok: false, refusal };
    const reason = clipReason(args.reason);
    release(tx, task, holder, now);
    recordEvent(tx, {
      taskId: task.id,
      offerId: holder.offer.id,
      kind: 'reassigned',
      actor: args.leaderId,
      at: now,
      detail: {
        to: args.assigneeId,
        ...(holder.agentId ? { from: holder.agentId } : {}),
        ...(reason ? { reason } : {}),
      },
    });
    // Past the end of the frozen chain, as a leader's Assign to…: if they let it lapse, it goes to the leaders.
    createOffer(
      tx,
      ctx.config,
      task,
      {
        agentId: args.assigneeId,
        reason: withReason(`reassigned by ${agentName(tx, args.leaderId)}`, reason),
      },
      task.chain.length,
      now,
      [holder.claimed ? 'claimed' : 'offered'],
    );
    return { ok: true, taskId: task.id };
  });
}

/**
 * The owner hands their claimed lead on: to a teammate, who gets an offer at the owner's place in
 * the chain (so if they pass or let it lapse it goes on down the chain as usual), or, with `to`
 * null, back to the rule's pool: routed again from the top without the owner.
 */
export function handOff(
  ctx: DispatchContext,
  args: { offerId: number; ownerId: string; to: string | null; reason: string | null },
): MoveResult {
  const now = ctx.clock.now();
  return writeTransaction(ctx.db, (tx) => {
    const found = ownedLead(tx, args.offerId, args.ownerId);
    if ('kind' in found) return { ok: false, refusal: found };
    const { task, holder } = found;
    if (args.to === args.ownerId)
      return { ok: false, refusal: { kind: 'already_theirs', name: agentName(tx, args.to) } };
    if (args.to) {
      const refusal = pickable(tx, ctx, args.to, now);
      if (refusal) return { ok: false, refusal };
    }
    const reason = clipReason(args.reason);
    release(tx, task, holder, now);
    recordEvent(tx, {
      taskId: task.id,
      offerId: holder.offer.id,
      kind: 'handed_off',
      actor: args.ownerId,
      at: now,
      detail: { to: args.to, ...(reason ? { reason } : {}) },
    });
    if (args.to) {
      const why = withReason(`${HANDED_OFF_BY}${agentName(tx, args.ownerId)}`, reason);
      createOffer(tx, ctx.config, task, { agentId: args.to, reason: why }, holder.offer.position, now, [
        'claimed',
      ]);
    } else {
      const back = tx
        .update(tasks)
        .set({ status: 'received', liveOfferId: null })
        .where(and(eq(tasks.id, task.id), eq(tasks.status, 'claimed')))
        .run().changes;
      if (back !== 1) throw new Error(`task ${task.id} changed while being handed back`);
      routeReceivedTask(tx, ctx, task.id, now, { exclude: new Set([args.ownerId]) });
    }
    return { ok: true, taskId: task.id };
  });
}

/** Whether a leader could reassign the task now: checked on the click, before the modal opens. */
export function checkReassign(
  ctx: DispatchContext,
  taskId: number,
  leaderId: string,
): MoveRefusal | undefined {
  const found = openLead(ctx.db, ctx, taskId, leaderId);
  return 'kind' in found ? found : undefined;
}

/** Whether the clicker owns this claimed offer's lead now: checked before the Hand off… modal opens. */
export function checkHandOff(ctx: DispatchContext, offerId: number, userId: string): MoveRefusal | undefined {
  const found = ownedLead(ctx.db, offerId, userId);
  return 'kind' in found ? found : undefined;
}

function openLead(
  sql: Sql,
  ctx: DispatchContext,
  taskId: number,
  leaderId: string,
): MoveRefusal | { task: TaskRow; holder: Holder } {
  // The config in force now: a leader removed by a reload can no longer act.
  if (!isTeamLeader(ctx.config, leaderId)) return { kind: 'not_leader' };
  const task = sql.select().from(tasks).where(eq(tasks.id, taskId)).get();
  if (!task) return { kind: 'unknown_task' };
  if (task.status === 'escalated') {
    const open = sql
      .select({ id: escalations.id })
      .from(escalations)
      .where(and(eq(escalations.taskId, taskId), isNull(escalations.resolvedAt)))
      .get();
    return { kind: 'with_leaders', escalationId: open?.id ?? null };
  }
  const holder = holderOf(sql, task);
  return holder ? { task, holder } : { kind: 'not_open', status: task.status };
}

function ownedLead(
  sql: Sql,
  offerId: number,
  userId: string,
): MoveRefusal | { task: TaskRow; holder: Holder } {
  const offer = sql.select().from(offers).where(eq(offers.id, offerId)).get();
  const task = offer && sql.select().from(tasks).where(eq(tasks.id, offer.taskId)).get();
  if (!offer || !task) return { kind: 'unknown_task' };
  if (offer.agentId !== userId || offer.status !== 'claimed') return { kind: 'not_owner' };
  if (task.status === 'escalated') return { kind: 'with_leaders', escalationId: null };
  if (task.status !== 'claimed' || task.ownerId !== userId) return { kind: 'not_owner' };
  const holder = holderOf(sql, task);
  // Their latest claim is the one that counts: an older claimed offer's DM is history.
  if (holder?.offer.id !== offerId) return { kind: 'not_owner' };
  return { task, holder };
}

function holderOf(sql: Sql, task: TaskRow): Holder | undefined {
  if (task.status === 'offered' && task.liveOfferId !== null) {
    const live = sql
      .select()
      .from(offers)
      .where(and(eq(offers.id, task.liveOfferId), eq(offers.status, 'live')))
      .get();
    return live ? { offer: live, agentId: live.agentId ?? undefined, claimed: false } : undefined;
  }
  if (task.status === 'claimed' && task.ownerId) {
    const claim = sql
      .select()
      .from(offers)
      .where(and(eq(offers.taskId, task.id), eq(offers.agentId, task.ownerId), eq(offers.status, 'claimed')))
      .orderBy(desc(offers.id))
      .get();
    return claim ? { offer: claim, agentId: task.ownerId, claimed: true } : undefined;
  }
  return undefined;
}

/**
 * Ends the holder's part, guarded: a live offer becomes `reassigned` (its DM says so); a claim
 * stays a claim in the history, but the task no longer has an owner, and their DM re-renders.
 */
function release(sql: Sql, task: TaskRow, holder: Holder, now: Date): void {
  if (!holder.claimed) {
    const ended = sql
      .update(offers)
      .set({ status: 'reassigned', resolvedAt: now, version: raw`${offers.version} + 1` })
      .where(and(eq(offers.id, holder.offer.id), eq(offers.status, 'live')))
      .run().changes;
    const freed = sql
      .update(tasks)
      .set({ liveOfferId: null })
      .where(and(eq(tasks.id, task.id), eq(tasks.status, 'offered'), eq(tasks.liveOfferId, holder.offer.id)))
      .run().changes;
    if (ended !== 1 || freed !== 1)
      throw new Error(`offer ${holder.offer.id} changed while being reassigned`);
    return;
  }
  const freed = sql
    .update(tasks)
    .set({ ownerId: null, claimedAt: null, contactDueAt: null, contactRemindedAt: null, contactedAt: null })
    .where(and(eq(tasks.id, task.id), eq(tasks.status, 'claimed'), eq(tasks.ownerId, holder.agentId ?? '')))
    .run().changes;
  if (freed !== 1) throw new Error(`task ${task.id} changed while being moved`);
  sql
    .update(offers)
    .set({ version: raw`${offers.version} + 1` })
    .where(eq(offers.id, holder.offer.id))
    .run();
}

function clipReason(reason: string | null): string | null {
  const trimmed = reason?.trim().replace(/\s+/g, ' ') ?? '';
  return trimmed ? trimmed.slice(0, MOVE_REASON_MAX) : null;
}

const withReason = (what: string, reason: string | null) => (reason ? `${what}: ${reason}` : what);
