import { eq, sql as raw } from 'drizzle-orm';
import type { ReplyChannel } from '../config/replies-schema.js';
import { leadReplies, smsOptOuts, tasks } from '../db/schema.js';
import type { DispatchContext, Sql } from '../dispatch/context.js';
import { recordEvent } from '../dispatch/events.js';
import { preparedOnce } from '../dispatch/prepared.js';
import { enqueueOutbox } from '../engine/outbox/outbox.js';

const replyFacts = preparedOnce((sql) =>
  sql
    .select({ rule: tasks.ruleName, phone: tasks.phone, email: tasks.email, status: tasks.status })
    .from(tasks)
    .where(eq(tasks.id, raw.placeholder('taskId')))
    .prepare(),
);

export const replyTopic = (channel: ReplyChannel): string => `reply:${channel}`;

/**
 * Called in the transaction of the moment a rule's `reply.when` names (routing for `arrival`,
 * the claim for `claim`): one `lead_replies` row and one outbox item per channel. The unique
 * (task, channel) row is what makes a reply go at most once, whatever calls this again. Sends
 * nothing itself: the reply topics do, after the commit.
 */
export function queueLeadReplies(
  tx: Sql,
  ctx: DispatchContext,
  taskId: number,
  trigger: 'arrival' | 'claim',
  now: Date,
  agentId?: string,
): void {
  // No rule replies at this moment: nothing to read (this runs for every lead routed and claimed).
  if (!ctx.config.rules.some((r) => r.reply?.when === trigger)) return;
  const task = replyFacts(tx).get({ taskId });
  // A repeat merged into an earlier lead is never routed, so never replied to; this is the guard.
  if (!task?.rule || task.status === 'merged') return;
  const reply = ctx.config.rules.find((r) => r.name === task.rule)?.reply;
  if (!reply || reply.when !== trigger) return;
  for (const channel of reply.by) {
    const address = channel === 'sms' ? task.phone : task.email;
    const skip = (reason: string) =>
      recordEvent(tx, { taskId, kind: 'reply_skipped', at: now, detail: { channel, reason } });
    if (!address) {
      skip(channel === 'sms' ? 'no_phone' : 'no_email');
      continue;
    }
    const optedOut =
      channel === 'sms' && tx.select().from(smsOptOuts).where(eq(smsOptOuts.phone, address)).get();
    const row = tx
      .insert(leadReplies)
      .values({
        taskId,
        channel,
        rule: task.rule,
        trigger,
        agentId: agentId ?? null,
        address,
        status: optedOut ? 'skipped' : 'planned',
        reason: optedOut ? 'opted_out' : null,
        createdAt: now,
        statusAt: now,
      })
      .onConflictDoNothing()
      .returning({ id: leadReplies.id })
      .get();
    if (!row) continue;
    if (optedOut) {
      skip('opted_out');
      continue;
    }
    enqueueOutbox(tx, { taskId, topic: replyTopic(channel), payload: { replyId: row.id }, at: now });
  }
}
