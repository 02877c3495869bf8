import { and, desc, eq, inArray } from 'drizzle-orm';
import type { ReplyChannel } from '../config/replies-schema.js';
import { agents, type LeadReplyRow, leadReplies, smsOptOuts, tasks } from '../db/schema.js';
import { type DispatchContext, type Sql, writeTransaction } from '../dispatch/context.js';
import { recordEvent } from '../dispatch/events.js';

type Status = LeadReplyRow['status'];

/** Still ours to send: nothing has reached the provider with an answer yet. */
export const UNSENT: Status[] = ['planned', 'waiting', 'sending'];
/** The reason of a reply the outbox gave up on after its tries. */
export const GAVE_UP = 'gave_up';

/** In the transaction that parks the reply's outbox item: the reply failed, with its event. */
export function giveUp(tx: Sql, replyId: number, now: Date): void {
  const reply = tx.select().from(leadReplies).where(eq(leadReplies.id, replyId)).get();
  if (!reply) return;
  const changed = tx
    .update(leadReplies)
    .set({ status: 'failed', reason: GAVE_UP, statusAt: now })
    .where(and(eq(leadReplies.id, replyId), inArray(leadReplies.status, UNSENT)))
    .run().changes;
  if (changed === 1)
    recordEvent(tx, {
      taskId: reply.taskId,
      kind: 'reply_status',
      at: now,
      detail: { channel: reply.channel, status: 'failed', reason: GAVE_UP },
    });
}

/** A given-up reply whose item a person sent back: planned again, so it is sent. */
export function reviveGivenUp(ctx: DispatchContext, reply: LeadReplyRow): boolean {
  return (
    ctx.db
      .update(leadReplies)
      .set({ status: 'planned', reason: null, statusAt: ctx.clock.now() })
      .where(
        and(eq(leadReplies.id, reply.id), eq(leadReplies.status, 'failed'), eq(leadReplies.reason, GAVE_UP)),
      )
      .run().changes === 1
  );
}

/** What a provider's later word may move on from, in order: a late "sent" never undoes "delivered". */
const PROGRESS: Record<Status, number> = {
  planned: 0,
  waiting: 1,
  sending: 2,
  queued: 3,
  sent: 4,
  delivered: 5,
  failed: 6,
  undeliverable: 6,
  skipped: 6,
};

export interface ReplyToSend {
  reply: LeadReplyRow;
  task: {
    id: number;
    firstName: string | null;
    phone: string | null;
    zip: string | null;
    status: string;
    heldUntil: Date | null;
    sla: (typeof tasks.$inferSelect)['sla'];
    ownerId: string | null;
    contactedAt: Date | null;
  };
  /** The agent the reply names (claim-time replies): the lead's owner when it goes. */
  agent: { id: string; name: string } | undefined;
}

export function loadReply(ctx: DispatchContext, replyId: number): ReplyToSend | undefined {
  const sql = ctx.db;
  const reply = sql.select().from(leadReplies).where(eq(leadReplies.id, replyId)).get();
  if (!reply) return undefined;
  const task = sql
    .select({
      id: tasks.id,
      firstName: tasks.firstName,
      phone: tasks.phone,
      zip: tasks.zip,
      status: tasks.status,
      heldUntil: tasks.heldUntil,
      sla: tasks.sla,
      ownerId: tasks.ownerId,
      contactedAt: tasks.contactedAt,
    })
    .from(tasks)
    .where(eq(tasks.id, reply.taskId))
    .get();
  if (!task) return undefined;
  // A claim-time reply names whoever has the lead when it goes (a leader may have taken it since).
  const agentId = reply.trigger === 'claim' ? (task.ownerId ?? reply.agentId) : null;
  const agent = agentId
    ? sql.select({ id: agents.id, name: agents.name }).from(agents).where(eq(agents.id, agentId)).get()
    : undefined;
  return { reply, task, agent };
}

/** The agent a reply names, as dispatch.yml knows them (their phone and email live only there). */
export function namedAgent(
  ctx: DispatchContext,
  loaded: ReplyToSend,
): { id: string; name: string; phone?: string | undefined; email?: string | undefined } | undefined {
  if (!loaded.agent) return undefined;
  const { id } = loaded.agent;
  const configured = ctx.config.agents.find((a) => a.id === id);
  return {
    id,
    name: configured?.name ?? loaded.agent.name,
    phone: configured?.phone,
    email: configured?.email,
  };
}

export function isOptedOut(ctx: DispatchContext, phone: string): boolean {
  return Boolean(ctx.db.select().from(smsOptOuts).where(eq(smsOptOuts.phone, phone)).get());
}

/** Moves an unsent reply to `status`, with the event that says so; false when it had moved on. */
function settle(
  ctx: DispatchContext,
  reply: LeadReplyRow,
  set: Partial<LeadReplyRow> & { status: Status },
  event?: (tx: Sql) => void,
): boolean {
  const now = ctx.clock.now();
  return writeTransaction(ctx.db, (tx) => {
    const changed = tx
      .update(leadReplies)
      .set({ ...set, statusAt: now })
      .where(and(eq(leadReplies.id, reply.id), inArray(leadReplies.status, UNSENT)))
      .run().changes;
    if (changed === 1) event?.(tx);
    return changed === 1;
  });
}

/** Decided not to send: opted out, quiet hours with email only, nothing to send to. */
export function markSkipped(ctx: DispatchContext, reply: LeadReplyRow, reason: string): void {
  const at = ctx.clock.now();
  settle(ctx, reply, { status: 'skipped', reason }, (tx) =>
    recordEvent(tx, {
      taskId: reply.taskId,
      kind: 'reply_skipped',
      at,
      detail: { channel: reply.channel, reason },
    }),
  );
}

/** The text waits for the end of the lead's quiet hours; recorded once, however often it is looked at. */
export function markWaiting(ctx: DispatchContext, reply: LeadReplyRow, until: Date, zone: string): void {
  if (reply.status === 'waiting') return;
  const at = ctx.clock.now();
  settle(ctx, reply, { status: 'waiting', sendAt: until }, (tx) =>
    recordEvent(tx, {
      taskId: reply.taskId,
      kind: 'reply_waiting',
      at,
      detail: { channel: reply.channel, until: until.toISOString(), zone },
    }),
  );
}

/**
 * Recorded before the provider is called: a crash after this leaves a reply whose outcome is
 * unknown. Returns the reply as now recorded (naming `agentId`, the agent it will name), or
 * undefined when it had moved on.
 */
export function markSending(
  ctx: DispatchContext,
  reply: LeadReplyRow,
  agentId?: string,
): LeadReplyRow | undefined {
  const set = { status: 'sending' as const, sentAt: ctx.clock.now(), agentId: agentId ?? reply.agentId };
  return settle(ctx, reply, set) ? { ...reply, ...set } : undefined;
}

/** The provider answered and will not send it: the reply is back to unsent and is tried again. */
export function markNotSent(ctx: DispatchContext, reply: LeadReplyRow): void {
  ctx.db
    .update(leadReplies)
    .set({ status: reply.status === 'waiting' ? 'waiting' : 'planned' })
    .where(and(eq(leadReplies.id, reply.id), eq(leadReplies.status, 'sending')))
    .run();
}

/** The provider has it: its id, and the `replied` event webhooks carry as `lead.replied`. */
export function markSent(
  ctx: DispatchContext,
  reply: LeadReplyRow,
  providerId: string,
  status: 'queued' | 'sent',
): void {
  const at = ctx.clock.now();
  settle(ctx, reply, { status, providerId, sentAt: at }, (tx) =>
    recordEvent(tx, {
      taskId: reply.taskId,
      kind: 'replied',
      at,
      detail: {
        channel: reply.channel,
        replyId: reply.id,
        ...(reply.agentId ? { agentId: reply.agentId } : {}),
      },
    }),
  );
}

/** The provider refused it for good: an undeliverable address, or a failure. */
export function markRefused(
  ctx: DispatchContext,
  reply: LeadReplyRow,
  status: 'failed' | 'undeliverable',
  reason: string,
): void {
  const at = ctx.clock.now();
  settle(ctx, reply, { status, reason }, (tx) =>
    recordEvent(tx, {
      taskId: reply.taskId,
      kind: 'reply_status',
      at,
      detail: { channel: reply.channel, status, reason },
    }),
  );
}

/**
 * A provider's later word on a sent reply (Twilio's status callback): applied only when it moves
 * the reply forward, so callbacks arriving out of order or twice change nothing.
 */
export function applyProviderStatus(
  ctx: DispatchContext,
  channel: ReplyChannel,
  providerId: string,
  status: 'sent' | 'delivered' | 'failed' | 'undeliverable',
  reason?: string,
): 'applied' | 'ignored' | 'unknown' {
  const now = ctx.clock.now();
  return writeTransaction(ctx.db, (tx) => {
    const reply = tx
      .select()
      .from(leadReplies)
      .where(and(eq(leadReplies.providerId, providerId), eq(leadReplies.channel, channel)))
      .get();
    if (!reply) return 'unknown';
    if (PROGRESS[status] <= PROGRESS[reply.status]) return 'ignored';
    tx.update(leadReplies)
      .set({ status, reason: reason ?? reply.reason, statusAt: now })
      .where(and(eq(leadReplies.id, reply.id), eq(leadReplies.status, reply.status)))
      .run();
    recordEvent(tx, {
      taskId: reply.taskId,
      kind: 'reply_status',
      at: now,
      detail: { channel, status, ...(reason ? { reason } : {}) },
    });
    return 'applied';
  });
}

/** The opt-out row and, on the number's latest lead, the event leaders see in its timeline. */
export function recordOptChoice(
  ctx: DispatchContext,
  phone: string,
  keyword: 'opt-out' | 'opt-in',
  word: string,
): void {
  const now = ctx.clock.now();
  writeTransaction(ctx.db, (tx) => {
    const changed =
      keyword === 'opt-out'
        ? tx.insert(smsOptOuts).values({ phone, keyword: word, at: now }).onConflictDoNothing().run().changes
        : tx.delete(smsOptOuts).where(eq(smsOptOuts.phone, phone)).run().changes;
    if (changed === 0) return;
    const latest = tx
      .select({ id: tasks.id })
      .from(tasks)
      .where(eq(tasks.phone, phone))
      .orderBy(desc(tasks.id))
      .limit(1)
      .get();
    if (latest)
      recordEvent(tx, {
        taskId: latest.id,
        kind: keyword === 'opt-out' ? 'opted_out' : 'opted_in',
        at: now,
        detail: { keyword: word },
      });
  });
}
