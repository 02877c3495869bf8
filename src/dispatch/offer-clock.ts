import { and, eq, isNull } from 'drizzle-orm';
import { offerDeadline, type SlaSpec } from '../core/sla.js';
import { type OfferRow, offers, type TaskRow } from '../db/schema.js';
import { type DispatchContext, writeTransaction } from './context.js';
import { recordEvent } from './events.js';

/** A first DM posted later than this after its offer was made gets its deadline moved by the delay. */
export const LATE_DM_MS = 5_000;

/**
 * The SLA is the agent's time to answer once told. A first DM that Slack held up (an outage, a
 * rate limit) gets a fresh deadline from now, by the task's frozen SLA, before it is shown.
 * Guarded: only a live offer whose DM is not out yet moves, and only later, never earlier.
 * Returns the offer as it now stands.
 */
export function restartLateOfferClock(
  ctx: DispatchContext,
  offer: OfferRow,
  task: TaskRow,
  now: Date,
): OfferRow {
  if (offer.dmTs || offer.status !== 'live' || now.getTime() - offer.offeredAt.getTime() <= LATE_DM_MS)
    return offer;
  const { config, db } = ctx;
  const sla: SlaSpec = task.sla ?? { kind: 'duration', seconds: config.team.default_sla, clock: 'always' };
  const deadline = offerDeadline(sla, now, config.team.business_hours, config.team.timezone);
  if (deadline <= offer.deadline) return offer;
  return writeTransaction(db, (tx) => {
    const moved = tx
      .update(offers)
      .set({ deadline })
      .where(and(eq(offers.id, offer.id), eq(offers.status, 'live'), isNull(offers.dmTs)))
      .run().changes;
    if (moved !== 1) return offer;
    recordEvent(tx, {
      taskId: offer.taskId,
      offerId: offer.id,
      kind: 'clock_restarted',
      at: now,
      detail: {
        deadline: deadline.toISOString(),
        heldUpSeconds: (now.getTime() - offer.offeredAt.getTime()) / 1000,
      },
    });
    return { ...offer, deadline };
  });
}
