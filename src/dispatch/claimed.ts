import { queueFubClaimed } from '../crm/fub/write-back.js';
import { queueLeadReplies } from '../replies/plan.js';
import { startContactClock } from './contact.js';
import type { DispatchContext, Sql } from './context.js';

/**
 * What a claim sets off, in the claim's own transaction (an agent's Claim and a leader's Take it
 * alike): the no-contact timer moves onto its business-hours clock if the rule says so, the CRM
 * is told who has the lead, and a claim-time reply to the lead names them.
 */
export function queueClaimFollowUps(
  tx: Sql,
  ctx: DispatchContext,
  taskId: number,
  ownerId: string,
  now: Date,
): void {
  startContactClock(tx, ctx.config, taskId, now);
  queueFubClaimed(tx, ctx, taskId, now);
  queueLeadReplies(tx, ctx, taskId, 'claim', now, ownerId);
}
