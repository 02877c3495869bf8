import { and, eq, isNull, or, type Placeholder, sql as raw } from 'drizzle-orm';
import { offers, tasks } from '../db/schema.js';
import { preparedOnce } from './prepared.js';

/**
 * The statements every Claim and Pass click runs, built and prepared once per database (see
 * prepared.ts): built per click they were most of a claim's time, on the thread that also answers
 * the next lead. Placeholders in `set` bind raw values: times go in as epoch milliseconds.
 */

/**
 * The no-contact timer starts at the claim, from the SLA frozen on the task: `now` as a Date, or
 * as a placeholder bound to epoch milliseconds in a prepared statement.
 */
export const contactDue = (now: Date | Placeholder) =>
  raw`case when ${tasks.contactSlaSeconds} is null then null else ${now instanceof Date ? now.getTime() : now} + ${tasks.contactSlaSeconds} * 1000 end`;

/** A live first-to-claim broadcast's pool, for the cap check before its claim. */
export const liveBroadcastPool = preparedOnce((sql) =>
  sql
    .select({ pool: offers.pool })
    .from(offers)
    .where(and(eq(offers.id, raw.placeholder('offerId')), eq(offers.status, 'live'), isNull(offers.agentId)))
    .prepare(),
);

/**
 * Ends a live offer as claimed or passed by the clicker, guarded on it being live and theirs (or,
 * for a first-to-claim broadcast with no agent yet, on the clicker being in its pool).
 */
function endLive(status: 'claimed' | 'passed') {
  return preparedOnce((sql) => {
    const userId = raw.placeholder('userId');
    const isClaimant =
      status === 'claimed'
        ? or(
            eq(offers.agentId, userId),
            and(
              isNull(offers.agentId),
              raw`exists (select 1 from json_each(${offers.pool}) where value = ${userId})`,
            ),
          )
        : eq(offers.agentId, userId);
    return sql
      .update(offers)
      .set({
        status,
        agentId: raw`${userId}`,
        resolvedAt: raw`${raw.placeholder('now')}`,
        passReason: raw`${raw.placeholder('passReason')}`,
        version: raw`${offers.version} + 1`,
      })
      .where(and(eq(offers.id, raw.placeholder('offerId')), eq(offers.status, 'live'), isClaimant))
      .returning()
      .prepare();
  });
}

export const endLiveOffer = { claimed: endLive('claimed'), passed: endLive('passed') };

/**
 * The claimed task: owned from now, with a fresh no-contact timer from the SLA frozen on it,
 * guarded on it still holding this offer (or, for a pond offer, on its age having told the leaders).
 */
function ownClaimed(pond: boolean) {
  return preparedOnce((sql) =>
    sql
      .update(tasks)
      .set({
        status: 'claimed',
        ownerId: raw`${raw.placeholder('userId')}`,
        claimedAt: raw`${raw.placeholder('now')}`,
        liveOfferId: null,
        // A new owner starts a fresh no-contact timer, whatever the last owner did.
        contactDueAt: contactDue(raw.placeholder('now')),
        contactRemindedAt: null,
        contactedAt: null,
      })
      .where(
        and(
          eq(tasks.id, raw.placeholder('taskId')),
          or(
            and(eq(tasks.status, 'offered'), eq(tasks.liveOfferId, raw.placeholder('offerId'))),
            // A lead in the pond stays claimable after its age told the leaders, until one acts.
            pond ? eq(tasks.status, 'escalated') : undefined,
          ),
        ),
      )
      .prepare(),
  );
}

export const ownClaimedTask = { offered: ownClaimed(false), pond: ownClaimed(true) };
