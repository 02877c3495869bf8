import { and, asc, desc, eq, gt, inArray, lte, sql as raw } from 'drizzle-orm';
import type { DispatchConfig } from '../config/dispatch-schema.js';
import { parseEvent } from '../core/events.js';
import {
  agents,
  escalations,
  events,
  leadReplies,
  offers,
  pondPosts,
  tasks,
  taskViews,
} from '../db/schema.js';
import type { Sql } from '../dispatch/context.js';
import { contactHistory } from '../dispatch/duplicates.js';
import { preparedOnce } from '../dispatch/prepared.js';
import { agentName, agentZone, findAgent, isTeamLeader } from '../dispatch/roster.js';
import type { EscalationView } from './blocks/escalation-message.js';
import type { Moved, OfferView, Successor } from './blocks/offer-message.js';
import type { PondView } from './blocks/pond-message.js';
import type { TaskViewView } from './blocks/task-copy-message.js';

/** Loads everything an offer DM shows; undefined when the rows are gone. */
export function loadOfferView(
  sql: Sql,
  config: DispatchConfig,
  offerId: number,
  now: Date,
): OfferView | undefined {
  const row = offerWithTaskAndAgent(sql).get({ offerId });
  if (!row) return undefined;
  return {
    ...row,
    zone: agentZone(row.agent, config),
    successor: successorOf(sql, row.offer.taskId, row.offer.id, row.task.status),
    history: contactHistory(sql, row.task).map((task) => {
      const owner = task.ownerId ? findAgent(sql, task.ownerId) : undefined;
      const standing = !owner ? undefined : !owner.inConfig ? 'left' : owner.active ? undefined : 'inactive';
      return { task, ownerName: owner?.name ?? null, owner: standing };
    }),
    // The same person writing again while this waited (held overnight, say) is merged into it.
    repeats: repeatsOf(sql).all({ taskId: row.task.id }),
    replies: repliesTo(sql).all({ taskId: row.task.id }),
    moved: movedFrom(sql, row.offer.taskId, row.offer.id),
    now,
  };
}

/** Read on every render of an offer's DM: built and prepared once. */
const moveOf = preparedOnce((sql) =>
  sql
    .select()
    .from(events)
    .where(
      and(
        // By task first (events_task): a task has tens of events, the table millions.
        eq(events.taskId, raw.placeholder('taskId')),
        eq(events.offerId, raw.placeholder('offerId')),
        inArray(events.kind, ['reassigned', 'handed_off']),
      ),
    )
    .orderBy(desc(events.id))
    .prepare(),
);

/** The Reassign… or Hand off… that moved the lead on from this offer, if one did. */
function movedFrom(sql: Sql, taskId: number, offerId: number): Moved | undefined {
  const row = moveOf(sql).get({ taskId, offerId });
  if (!row) return undefined;
  const read = parseEvent(row);
  if (!read.ok) return undefined;
  const e = read.event;
  if (e.kind !== 'reassigned' && e.kind !== 'handed_off') return undefined;
  return {
    kind: e.kind,
    byName: agentName(sql, e.actor),
    toName: e.detail.to ? agentName(sql, e.detail.to) : null,
    reason: e.detail.reason ?? null,
    at: e.at,
  };
}

/** The automatic text and email to this lead (lead_replies_one_per_channel). */
const repliesTo = preparedOnce((sql) =>
  sql
    .select({
      channel: leadReplies.channel,
      status: leadReplies.status,
      reason: leadReplies.reason,
      sendAt: leadReplies.sendAt,
      sentAt: leadReplies.sentAt,
      statusAt: leadReplies.statusAt,
    })
    .from(leadReplies)
    .where(eq(leadReplies.taskId, raw.placeholder('taskId')))
    .orderBy(asc(leadReplies.channel))
    .prepare(),
);

// Every offer DM, and every update of one, reads these: built once per database (see prepared.ts).
const offerWithTaskAndAgent = preparedOnce((sql) =>
  sql
    .select({ offer: offers, task: tasks, agent: agents })
    .from(offers)
    .innerJoin(tasks, eq(tasks.id, offers.taskId))
    .innerJoin(agents, eq(agents.id, offers.agentId))
    .where(eq(offers.id, raw.placeholder('offerId')))
    .prepare(),
);

/** Later leads from the same person merged into this one (tasks_duplicate_of). */
const repeatsOf = preparedOnce((sql) =>
  sql
    .select()
    .from(tasks)
    .where(eq(tasks.duplicateOf, raw.placeholder('taskId')))
    .orderBy(asc(tasks.id))
    .prepare(),
);

const nextOffer = preparedOnce((sql) =>
  sql
    .select({ name: agents.name, pool: offers.pool, pond: offers.pond, channel: offers.poolChannel })
    .from(offers)
    .leftJoin(agents, eq(agents.id, offers.agentId))
    .where(and(eq(offers.taskId, raw.placeholder('taskId')), gt(offers.id, raw.placeholder('offerId'))))
    .orderBy(asc(offers.id))
    .prepare(),
);

function successorOf(sql: Sql, taskId: number, offerId: number, status: string): Successor {
  const next = nextOffer(sql).get({ taskId, offerId });
  if (next?.name) return { kind: 'agent', name: next.name };
  if (next?.pond && next.channel) return { kind: 'pond', channel: next.channel };
  if (next?.pool) return { kind: 'agent', name: `${next.pool.length} agents at once (first to claim)` };
  return status === 'escalated' ? { kind: 'leaders' } : undefined;
}

export function loadEscalationView(
  sql: Sql,
  config: DispatchConfig,
  escalationId: number,
  now: Date,
): EscalationView | undefined {
  const row = sql
    .select({ escalation: escalations, task: tasks })
    .from(escalations)
    .innerJoin(tasks, eq(tasks.id, escalations.taskId))
    .where(eq(escalations.id, escalationId))
    .get();
  if (!row) return undefined;
  const tried = sql
    .select({ offer: offers, agent: agents })
    .from(offers)
    .leftJoin(agents, eq(agents.id, offers.agentId))
    .where(and(eq(offers.taskId, row.task.id), lte(offers.offeredAt, row.escalation.createdAt)))
    .orderBy(asc(offers.id))
    .all();
  return {
    ...row,
    tried,
    replies: repliesTo(sql).all({ taskId: row.task.id }),
    names: agentNames(sql),
    zone: config.team.timezone,
    now,
  };
}

/** Display names by Slack id, for the few places that name people other than the reader. */
export function agentNames(sql: Sql): Record<string, string> {
  return Object.fromEntries(
    sql
      .select({ id: agents.id, name: agents.name })
      .from(agents)
      .all()
      .map((a) => [a.id, a.name]),
  );
}

/** Loads a watcher's message or a broadcast copy; undefined when the rows are gone. */
export function loadTaskView(
  sql: Sql,
  config: DispatchConfig,
  viewId: number,
  now: Date,
): TaskViewView | undefined {
  const row = sql
    .select({ view: taskViews, task: tasks })
    .from(taskViews)
    .innerJoin(tasks, eq(tasks.id, taskViews.taskId))
    .where(eq(taskViews.id, viewId))
    .get();
  if (!row) return undefined;
  const offerRow = (id: number | null) =>
    id === null ? undefined : sql.select().from(offers).where(eq(offers.id, id)).get();
  const live = offerRow(row.task.liveOfferId);
  const offer = row.view.offerId === null ? live : offerRow(row.view.offerId);
  const reader = row.view.via === 'channel' ? undefined : findAgent(sql, row.view.recipient);
  // A watcher's copy that a leader reads (their DM, or the leaders' channel) carries Reassign….
  const leaders =
    row.view.kind === 'watcher' &&
    (row.view.recipient === config.team.leaders_channel || isTeamLeader(config, row.view.recipient));
  return { ...row, offer, live, names: agentNames(sql), leaders, zone: agentZone(reader, config), now };
}

/** Loads a pond post with its offer and the task's latest escalation; undefined when the rows are gone. */
export function loadPondView(
  sql: Sql,
  config: DispatchConfig,
  pondId: number,
  now: Date,
): PondView | undefined {
  const row = sql
    .select({ pond: pondPosts, task: tasks, offer: offers })
    .from(pondPosts)
    .innerJoin(tasks, eq(tasks.id, pondPosts.taskId))
    .innerJoin(offers, eq(offers.id, pondPosts.offerId))
    .where(eq(pondPosts.id, pondId))
    .get();
  if (!row) return undefined;
  const escalation = sql
    .select()
    .from(escalations)
    .where(eq(escalations.taskId, row.task.id))
    .orderBy(desc(escalations.id))
    .get();
  return { ...row, escalation, names: agentNames(sql), zone: config.team.timezone, now };
}
