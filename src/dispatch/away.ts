import { and, eq, gt, isNull, or, sql as raw } from 'drizzle-orm';
import type { DispatchConfig } from '../config/dispatch-schema.js';
import { awayWindows, offers } from '../db/schema.js';
import { type DispatchContext, writeTransaction } from './context.js';
import { recordEvent } from './events.js';
import { moveOn } from './offer-actions.js';
import { isTeamLeader } from './roster.js';

export type AvailabilityRefusal = { kind: 'not_leader' } | { kind: 'not_an_agent'; userId: string };
export type AvailabilityResult =
  | { ok: true; withdrawn: number; closed: number }
  | { ok: false; refusal: AvailabilityRefusal };

/**
 * Someone goes away until `until` (null: until /back). Only a team leader may set someone else
 * away. Any offer they hold right now moves on at once, in the same transaction.
 */
export function setAway(
  ctx: DispatchContext,
  args: { agentId: string; setBy: string; until: Date | null; reason: string | null },
): AvailabilityResult {
  const now = ctx.clock.now();
  return writeTransaction(ctx.db, (tx) => {
    const refusal = checkPermission(ctx.config, args.agentId, args.setBy);
    if (refusal) return { ok: false, refusal };
    // The latest /away is the one that counts: a shorter window replaces a longer or open-ended one.
    tx.update(awayWindows)
      .set({ endedAt: now })
      .where(and(eq(awayWindows.agentId, args.agentId), isNull(awayWindows.endedAt)))
      .run();
    tx.insert(awayWindows)
      .values({
        agentId: args.agentId,
        startsAt: now,
        endsAt: args.until,
        reason: args.reason,
        setBy: args.setBy,
        createdAt: now,
      })
      .run();
    const live = tx
      .update(offers)
      .set({ status: 'withdrawn', resolvedAt: now, version: raw`${offers.version} + 1` })
      .where(and(eq(offers.agentId, args.agentId), eq(offers.status, 'live')))
      .returning()
      .all();
    for (const offer of live) {
      recordEvent(tx, {
        taskId: offer.taskId,
        offerId: offer.id,
        kind: 'withdrawn',
        actor: args.setBy,
        at: now,
        detail: { agentId: args.agentId },
      });
      moveOn(tx, ctx, offer, now, 'nobody in its chain is available');
    }
    return { ok: true, withdrawn: live.length, closed: 0 };
  });
}

/** Back now: closes every open away window of the agent. */
export function setBack(ctx: DispatchContext, args: { agentId: string; setBy: string }): AvailabilityResult {
  const now = ctx.clock.now();
  return writeTransaction(ctx.db, (tx) => {
    const refusal = checkPermission(ctx.config, args.agentId, args.setBy);
    if (refusal) return { ok: false, refusal };
    const closed = tx
      .update(awayWindows)
      .set({ endedAt: now })
      .where(
        and(
          eq(awayWindows.agentId, args.agentId),
          isNull(awayWindows.endedAt),
          or(isNull(awayWindows.endsAt), gt(awayWindows.endsAt, now)),
        ),
      )
      .run().changes;
    return { ok: true, withdrawn: 0, closed };
  });
}

function checkPermission(
  config: DispatchConfig,
  agentId: string,
  setBy: string,
): AvailabilityRefusal | undefined {
  if (setBy !== agentId && !isTeamLeader(config, setBy)) return { kind: 'not_leader' };
  if (!config.agents.some((a) => a.id === agentId)) return { kind: 'not_an_agent', userId: agentId };
  return undefined;
}
