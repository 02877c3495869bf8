import { desc, eq } from 'drizzle-orm';
import { notifications, tasks } from '../db/schema.js';
import { type DispatchContext, writeTransaction } from '../dispatch/context.js';
import { holderOf } from '../dispatch/duplicates.js';
import { recordEvent } from '../dispatch/events.js';

/** Slack's limit on a section's text leaves room for the words around what the lead wrote. */
const MAX_TEXT = 2_500;

/**
 * A text the lead sent to our number (an answer to our reply, most often) goes to whoever holds
 * their latest lead: the owner or the agent it is offered to, in the thread of their DM; else the
 * leaders, in the escalation's thread or in their channel. Posted once by the engine, like every
 * note; the lead's timeline says that they texted, not what.
 */
export function recordLeadText(
  ctx: DispatchContext,
  phone: string,
  body: string,
): { taskId: number; shownTo: string } | undefined {
  const now = ctx.clock.now();
  return writeTransaction(ctx.db, (tx) => {
    const task = tx.select().from(tasks).where(eq(tasks.phone, phone)).orderBy(desc(tasks.id)).limit(1).get();
    if (!task) return undefined;
    // A repeat kept as a note on an earlier lead: that lead is the one someone holds.
    const root = task.duplicateOf
      ? (tx.select().from(tasks).where(eq(tasks.id, task.duplicateOf)).get() ?? task)
      : task;
    const holder = holderOf(tx, ctx, root) ?? { recipient: ctx.config.team.leaders_channel, threadTs: null };
    tx.insert(notifications)
      .values({
        taskId: root.id,
        kind: 'lead_texted',
        recipient: holder.recipient,
        threadTs: holder.threadTs,
        text: body.slice(0, MAX_TEXT),
        createdAt: now,
      })
      .run();
    recordEvent(tx, { taskId: root.id, kind: 'lead_texted', at: now, detail: { shownTo: holder.recipient } });
    return { taskId: root.id, shownTo: holder.recipient };
  });
}
