import { and, asc, eq, isNotNull, isNull, lte, or, sql as raw } from 'drizzle-orm';
import { capReached, capsOf } from '../core/caps.js';
import { offereeOf } from '../core/events.js';
import { escalations, type OfferRow, offers, type TaskRow, tasks, taskViews } from '../db/schema.js';
import { queueClaimFollowUps } from './claimed.js';
import { endLiveOffer as endLive, liveBroadcastPool, ownClaimedTask } from './click-statements.js';
import { type DispatchContext, forEachIsolated, type Sql, writeTransaction } from './context.js';
import { recordEvent } from './events.js';
import { loadOf } from './load.js';
import { offerNext } from './offer-next.js';
import { closePondByClaim } from './pond.js';
import { agentName } from './roster.js';

/** Why a click changed nothing, as data; blocks/ turns it into words in the clicker's time zone. */
export type StaleOffer =
  | { kind: 'unknown' }
  /** Someone else's offer: whose is not said, the team's leads are not for everyone to see. */
  | { kind: 'not_yours' }
  | { kind: 'claimed'; byYou: boolean; ownerName: string; at: Date }
  | { kind: 'passed'; at: Date; byYou: boolean }
  | { kind: 'expired'; at: Date }
  | { kind: 'escalated'; at: Date }
  | { kind: 'moved_on'; at: Date }
  /** Someone outside the rule's pool clicked Claim on a pond post. */
  | { kind: 'not_in_pond' }
  /** A first-to-claim member at a load cap: the broadcast is left for the others. */
  | { kind: 'at_cap'; detail: string };

export type OfferActionResult =
  | { ok: true; taskId: number; offerId: number }
  | { ok: false; stale: StaleOffer };

/** The assignee claims the live offer: one guarded transition, with its event. */
export function claimOffer(ctx: DispatchContext, offerId: number, userId: string): OfferActionResult {
  const now = ctx.clock.now();
  return writeTransaction(ctx.db, (tx) => {
    const capped = broadcastCapOf(tx, ctx, offerId, userId, now);
    if (capped) return { ok: false, stale: { kind: 'at_cap', detail: capped } };
    const offer = endLiveOffer(tx, offerId, userId, 'claimed', now);
    if (!offer) return { ok: false, stale: explainStale(tx, offerId, userId) };
    const owned = ownClaimedTask[offer.pond ? 'pond' : 'offered'](tx).run({
      taskId: offer.taskId,
      offerId,
      userId,
      now: now.getTime(),
    }).changes;
    if (owned !== 1) throw new Error(`task ${offer.taskId} did not hold live offer ${offerId}`);
    if (offer.pond) closePondByClaim(tx, offer, userId, now);
    else if (offer.pool) adoptBroadcastCopy(tx, offer, userId);
    recordEvent(tx, { taskId: offer.taskId, offerId, kind: 'claimed', actor: userId, at: now });
    queueClaimFollowUps(tx, ctx, offer.taskId, userId, now);
    return { ok: true, taskId: offer.taskId, offerId };
  });
}

/**
 * A broadcast goes out to everyone under their cap at that moment; a member who reached their cap
 * since (say, by claiming the last one) may not take this one too. Checked inside the claim's
 * transaction, so it cannot race another claim.
 */
function broadcastCapOf(
  sql: Sql,
  ctx: DispatchContext,
  offerId: number,
  userId: string,
  now: Date,
): string | undefined {
  const live = liveBroadcastPool(sql).get({ offerId });
  if (!live?.pool?.includes(userId)) return undefined;
  const configured = ctx.config.agents.find((a) => a.id === userId);
  return capReached(capsOf(ctx.config.team.caps, configured?.caps), loadOf(sql, ctx.config, now).get(userId));
}

/**
 * The winner's own DM copy of a broadcast becomes the offer's DM, so it turns into the usual
 * "Claimed by you" message with Mark contacted; a winner from a pool channel gets a fresh DM.
 */
function adoptBroadcastCopy(sql: Sql, offer: OfferRow, userId: string): void {
  const copy = sql
    .select()
    .from(taskViews)
    .where(and(eq(taskViews.offerId, offer.id), eq(taskViews.recipient, userId), eq(taskViews.via, 'dm')))
    .get();
  if (!copy?.ts) return;
  sql.update(offers).set({ dmChannel: copy.channel, dmTs: copy.ts }).where(eq(offers.id, offer.id)).run();
  sql.delete(taskViews).where(eq(taskViews.id, copy.id)).run();
}

/** The assignee passes: the next candidate is offered in the same transaction. */
export function passOffer(
  ctx: DispatchContext,
  offerId: number,
  userId: string,
  reason?: string,
): OfferActionResult {
  const now = ctx.clock.now();
  return writeTransaction(ctx.db, (tx) => {
    const offer = endLiveOffer(tx, offerId, userId, 'passed', now, reason);
    if (!offer) return { ok: false, stale: explainStale(tx, offerId, userId) };
    recordEvent(tx, {
      taskId: offer.taskId,
      offerId,
      kind: 'passed',
      actor: userId,
      at: now,
      detail: reason ? { reason } : {},
    });
    moveOn(tx, ctx, offer, now, 'everyone in its chain passed or was unavailable');
    return { ok: true, taskId: offer.taskId, offerId };
  });
}

/** Slack refused to deliver the DM for good (account_inactive, …): try the next candidate at once. */
export function failOfferDelivery(ctx: DispatchContext, offerId: number, error: string): boolean {
  const now = ctx.clock.now();
  return writeTransaction(ctx.db, (tx) => {
    const offer = tx
      .update(offers)
      .set({ status: 'failed', resolvedAt: now, version: raw`${offers.version} + 1` })
      .where(and(eq(offers.id, offerId), eq(offers.status, 'live')))
      .returning()
      .get();
    if (!offer) return false;
    recordEvent(tx, {
      taskId: offer.taskId,
      offerId,
      kind: 'delivery_failed',
      at: now,
      detail: { error, ...offereeOf(offer) },
    });
    moveOn(tx, ctx, offer, now, `nobody in its chain could be reached (last error: ${error})`);
    return true;
  });
}

function endLiveOffer(
  sql: Sql,
  offerId: number,
  userId: string,
  status: 'claimed' | 'passed',
  now: Date,
  passReason?: string,
): OfferRow | undefined {
  // A first-to-claim broadcast has no agent until someone in its pool claims it: the first one wins.
  return endLive[status](sql).get({ offerId, userId, now: now.getTime(), passReason: passReason ?? null });
}

/** A DM offer's clock runs once the DM is up; a broadcast's from the moment it is made. */
const isShown = or(isNotNull(offers.dmTs), isNotNull(offers.pool));
/** A pond offer has no claim deadline: it ends when claimed or when a leader acts (dispatch/pond.ts). */
const expires = eq(offers.pond, false);

/** The offers whose deadline passed: each one ends and moves down its chain, or escalates. */
export function expireDueOffers(ctx: DispatchContext, limit = Number.MAX_SAFE_INTEGER): number {
  const now = ctx.clock.now();
  const due = ctx.db
    .select({ id: offers.id })
    .from(offers)
    .where(and(eq(offers.status, 'live'), lte(offers.deadline, now), isShown, expires))
    .orderBy(asc(offers.deadline))
    .limit(limit)
    .all();
  let expired = 0;
  forEachIsolated(ctx, 'expiring an offer', due, ({ id }) => {
    writeTransaction(ctx.db, (tx) => {
      // Guarded on live and past due: a claim that won the race leaves nothing to expire.
      const offer = tx
        .update(offers)
        .set({ status: 'expired', resolvedAt: now, version: raw`${offers.version} + 1` })
        .where(and(eq(offers.id, id), eq(offers.status, 'live'), lte(offers.deadline, now), isShown, expires))
        .returning()
        .get();
      if (!offer) return;
      expired++;
      recordEvent(tx, {
        taskId: offer.taskId,
        offerId: id,
        kind: 'expired',
        at: now,
        detail: offereeOf(offer),
      });
      moveOn(tx, ctx, offer, now, 'nobody in its chain claimed it in time');
    });
  });
  return expired;
}

/** After a pass, the agent may say why (wrong area, price point, conflict): kept for the misassignment report. */
export function recordPassReason(
  ctx: DispatchContext,
  offerId: number,
  userId: string,
  reason: string,
): boolean {
  const now = ctx.clock.now();
  return writeTransaction(ctx.db, (tx) => {
    const offer = tx
      .update(offers)
      .set({ passReason: reason, version: raw`${offers.version} + 1` })
      .where(
        and(
          eq(offers.id, offerId),
          eq(offers.status, 'passed'),
          eq(offers.agentId, userId),
          isNull(offers.passReason),
        ),
      )
      .returning()
      .get();
    if (!offer) return false;
    recordEvent(tx, {
      taskId: offer.taskId,
      offerId,
      kind: 'pass_reason',
      actor: userId,
      at: now,
      detail: { reason },
    });
    return true;
  });
}

const LEADER_PICK_OUTCOME: Partial<Record<OfferRow['status'], string>> = {
  passed: 'passed on it',
  expired: 'did not claim it in time',
  failed: 'could not be reached on Slack',
  withdrawn: 'went away',
};

export function moveOn(sql: Sql, ctx: DispatchContext, offer: OfferRow, now: Date, exhausted: string): void {
  const task = sql.select().from(tasks).where(eq(tasks.id, offer.taskId)).get();
  if (!task) throw new Error(`offer ${offer.id} has no task`);
  sql
    .update(tasks)
    .set({ liveOfferId: null })
    .where(and(eq(tasks.id, task.id), eq(tasks.liveOfferId, offer.id)))
    .run();
  // An offer past the end of the frozen chain was a leader's pick: say so, not "nobody in its chain".
  const why =
    offer.position >= task.chain.length
      ? `${agentName(sql, offer.agentId ?? '')}, assigned by a leader, ${LEADER_PICK_OUTCOME[offer.status] ?? 'did not take it'}`
      : `${task.ruleName ? `Rule ${task.ruleName}: ` : ''}${exhausted}`;
  offerNext(sql, ctx.config, task, offer.position + 1, now, why);
}

function explainStale(sql: Sql, offerId: number, userId: string): StaleOffer {
  const offer = sql.select().from(offers).where(eq(offers.id, offerId)).get();
  if (!offer) return { kind: 'unknown' };
  const task = sql.select().from(tasks).where(eq(tasks.id, offer.taskId)).get();
  if (!task) return { kind: 'unknown' };
  const member = offer.pool?.includes(userId) === true;
  if (offer.pond && offer.agentId !== userId && !member) return { kind: 'not_in_pond' };
  if (offer.agentId !== userId && !member) return { kind: 'not_yours' };
  return explainOfferState(sql, offer, task, userId);
}

function explainOfferState(sql: Sql, offer: OfferRow, task: TaskRow, userId: string): StaleOffer {
  const at = offer.resolvedAt ?? offer.offeredAt;
  if (task.status === 'claimed' && task.ownerId) {
    return {
      kind: 'claimed',
      byYou: task.ownerId === userId,
      ownerName: agentName(sql, task.ownerId),
      at: task.claimedAt ?? at,
    };
  }
  if (offer.status === 'passed') return { kind: 'passed', at, byYou: true };
  if (offer.status === 'expired') return { kind: 'expired', at };
  if (task.status === 'escalated') {
    const open = sql
      .select({ at: escalations.createdAt })
      .from(escalations)
      .where(and(eq(escalations.taskId, task.id), isNull(escalations.resolvedAt)))
      .get();
    return { kind: 'escalated', at: open?.at ?? at };
  }
  return { kind: 'moved_on', at };
}
