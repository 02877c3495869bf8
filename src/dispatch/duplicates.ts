import {
  and,
  desc,
  eq,
  gte,
  inArray,
  isNotNull,
  isNull,
  lte,
  ne,
  notInArray,
  or,
  sql as raw,
  type SQL,
} from 'drizzle-orm';
import { isMergeable, NEVER_MERGED_TYPES, sameContact } from '../core/contact.js';
import { fixedLimit } from '../db/fixed-limit.js';
import { agents, escalations, notifications, offers, type TaskRow, tasks } from '../db/schema.js';
import type { DispatchContext, Sql } from './context.js';
import { recordEvent } from './events.js';
import { pondOf } from './pond.js';
import { preparedOnce } from './prepared.js';

/**
 * The same person arriving again (same normalised phone or email, from any source) within the
 * team's duplicate window is not a new lead: the new task, just classified as `type`, is kept as a
 * note on the first one and its holder is told. Returns false when it should be routed as new: no
 * earlier lead, or the earlier owner has left or been made inactive (the offer then shows the history).
 */
export function mergeIfDuplicate(
  tx: Sql,
  ctx: DispatchContext,
  task: TaskRow,
  type: string,
  now: Date,
): boolean {
  if ((!task.phone && !task.email) || !isMergeable(type)) return false;
  const root = earlierLeadOf(tx, task, ctx.config.team.duplicate_window);
  if (!root || ownerHasLeft(tx, root)) return false;
  const merged = tx
    .update(tasks)
    .set({ status: 'merged', type, duplicateOf: root.id })
    .where(and(eq(tasks.id, task.id), eq(tasks.status, 'received')))
    .run().changes;
  if (merged !== 1) return false;
  const matchedOn = sameContact(task, root) ?? 'email';
  recordEvent(tx, { taskId: task.id, kind: 'merged', at: now, detail: { into: root.id, matchedOn } });
  recordEvent(tx, {
    taskId: root.id,
    kind: 'duplicate_contact',
    at: now,
    detail: { taskId: task.id, source: task.source, matchedOn },
  });
  const where = holderOf(tx, ctx, root);
  if (where)
    tx.insert(notifications)
      .values({ taskId: task.id, kind: 'duplicate_note', createdAt: now, ...where })
      .run();
  return true;
}

/** The most recent earlier lead for the same phone or email within the window, itself not a repeat. */
function earlierLeadOf(sql: Sql, task: TaskRow, windowSeconds: number): TaskRow | undefined {
  const contact = contactOf(task);
  if (!contact) return undefined;
  const since = task.receivedAt.getTime() - windowSeconds * 1000;
  return earlierLead[contact.shape](sql).get({ ...keyOf(task), since, ...contact.values });
}

/** Asked for every new lead: one prepared statement per shape of the lookup, each built once. */
const earlierLead = byContact((samePerson) =>
  preparedOnce((sql) =>
    sql
      .select()
      .from(tasks)
      .where(
        and(
          samePerson(),
          ne(tasks.id, raw.placeholder('id')),
          ne(tasks.status, 'merged'),
          notInArray(tasks.type, [...NEVER_MERGED_TYPES]),
          gte(tasks.receivedAt, raw.placeholder('since')),
          lte(tasks.receivedAt, raw.placeholder('receivedAt')),
        ),
      )
      // No LIMIT: .get() reads the first row and stops (and a bound LIMIT recompiles the statement).
      .orderBy(desc(tasks.receivedAt), desc(tasks.id))
      .prepare(),
  ),
);

function ownerHasLeft(sql: Sql, root: TaskRow): boolean {
  if (root.status !== 'claimed' || root.ownerId === null) return false;
  const owner = sql.select().from(agents).where(eq(agents.id, root.ownerId)).get();
  return !owner?.active || !owner.inConfig;
}

/** Who should hear "again from …": the owner, the agent it is offered to, or the leaders' thread. */
export function holderOf(
  sql: Sql,
  ctx: DispatchContext,
  root: TaskRow,
): { recipient: string; threadTs: string | null } | undefined {
  if (root.status === 'claimed' && root.ownerId) {
    const dm = sql
      .select({ ts: offers.dmTs })
      .from(offers)
      .where(and(eq(offers.taskId, root.id), eq(offers.agentId, root.ownerId), eq(offers.status, 'claimed')))
      .orderBy(desc(offers.id))
      .get();
    return { recipient: root.ownerId, threadTs: dm?.ts ?? null };
  }
  if (root.status === 'offered' && root.liveOfferId !== null) {
    const live = sql.select().from(offers).where(eq(offers.id, root.liveOfferId)).get();
    if (live?.agentId) return { recipient: live.agentId, threadTs: live.dmTs };
    // Waiting in its rule's pond: the note goes into the pond post's thread, where the pool looks.
    const pond = live?.pond ? pondOf(sql, root.id) : undefined;
    if (pond?.channel && pond.ts) return { recipient: pond.channel, threadTs: pond.ts };
    return undefined;
  }
  if (root.status === 'escalated') {
    const open = sql
      .select({ ts: escalations.ts })
      .from(escalations)
      .where(and(eq(escalations.taskId, root.id), isNull(escalations.resolvedAt)))
      .get();
    return { recipient: ctx.config.team.leaders_channel, threadTs: open?.ts ?? null };
  }
  return undefined;
}

/** How many earlier tasks for the same person an offer's DM lists. */
export const HISTORY_SHOWN = 3;

/** Earlier tasks for the same phone or email, newest first, for the history an offer shows. */
export function contactHistory(sql: Sql, task: TaskRow): TaskRow[] {
  const contact = contactOf(task);
  return contact ? historyShown[contact.shape](sql).all({ ...keyOf(task), ...contact.values }) : [];
}

/** The most recent earlier task for the same phone or email that an agent owns: the original agent's. */
export function earlierOwnedTask(sql: Sql, task: TaskRow): TaskRow | undefined {
  const contact = contactOf(task);
  return contact ? earlierOwned[contact.shape](sql).get({ ...keyOf(task), ...contact.values }) : undefined;
}

// Placeholders bind raw values, so times are passed as epoch milliseconds (the column's storage).
const keyOf = (task: TaskRow) => ({ id: task.id, receivedAt: task.receivedAt.getTime() });

type ContactShape = 'phoneOrEmail' | 'phone' | 'email';

/** Which lookup fits what the task has (its own index each: tasks_phone, tasks_email), with its values. */
function contactOf(
  task: TaskRow,
): { shape: ContactShape; values: { phone?: string; email?: string } } | undefined {
  if (task.phone && task.email)
    return { shape: 'phoneOrEmail', values: { phone: task.phone, email: task.email } };
  if (task.phone) return { shape: 'phone', values: { phone: task.phone } };
  if (task.email) return { shape: 'email', values: { email: task.email } };
  return undefined;
}

/** A same-person lookup built once per shape: `build` gets the shape's condition on phone and email. */
function byContact<T>(build: (samePerson: () => SQL | undefined) => T): Record<ContactShape, T> {
  const phone = () => eq(tasks.phone, raw.placeholder('phone'));
  const email = () => eq(tasks.email, raw.placeholder('email'));
  return { phoneOrEmail: build(() => or(phone(), email())), phone: build(phone), email: build(email) };
}

/**
 * One prepared statement per shape of the lookup (tasks_phone, tasks_email), each built once:
 * the history an offer lists (HISTORY_SHOWN rows), or the latest owned task (read with .get()).
 */
function historyBy(samePerson: () => SQL | undefined, want: 'shown' | 'owned') {
  return preparedOnce((sql) => {
    const query = sql
      .select()
      .from(tasks)
      .where(
        and(
          samePerson(),
          ne(tasks.id, raw.placeholder('id')),
          inArray(tasks.status, ['claimed', 'escalated', 'offered', 'held', 'received']),
          lte(tasks.receivedAt, raw.placeholder('receivedAt')),
          want === 'owned' ? isNotNull(tasks.ownerId) : undefined,
        ),
      )
      // Newest first; the id decides between two received in the same millisecond.
      .orderBy(desc(tasks.receivedAt), desc(tasks.id));
    return (want === 'shown' ? query.limit(fixedLimit(HISTORY_SHOWN)) : query).prepare();
  });
}

const historyShown = byContact((samePerson) => historyBy(samePerson, 'shown'));
const earlierOwned = byContact((samePerson) => historyBy(samePerson, 'owned'));
