import { and, eq, inArray, sql as raw } from 'drizzle-orm';
import type { DispatchConfig } from '../config/dispatch-schema.js';
import { coverOf, rotationOf } from '../core/cover.js';
import {
  type AgentEntry,
  type ChainEntry,
  isPoolEntry,
  onDutyCover,
  type PoolEntry,
  type RosterAgent,
} from '../core/route.js';
import { offerDeadline } from '../core/sla.js';
import { offers, type TaskRow, tasks, taskViews } from '../db/schema.js';
import type { Sql } from './context.js';
import { activeCovers } from './cover.js';
import { escalateTask } from './escalate.js';
import { recordEvent } from './events.js';
import { dropInPond } from './pond.js';
import { preparedOnce } from './prepared.js';
import { loadRoster } from './roster.js';

type TaskStatus = TaskRow['status'];

/**
 * Offers the task to the first available candidate at or after `position` in its frozen chain,
 * or escalates when the chain is spent. The caller has already ended the previous offer.
 */
export function offerNext(
  sql: Sql,
  config: DispatchConfig,
  task: TaskRow,
  position: number,
  now: Date,
  exhaustedReason: string,
  /** The team at `now`, when the caller has just read it. */
  current?: readonly RosterAgent[],
): void {
  const roster = new Map((current ?? loadRoster(sql, config, now)).map((a) => [a.id, a]));
  for (let i = position; i < task.chain.length; i++) {
    const entry = task.chain[i];
    if (!entry) continue;
    if (isPoolEntry(entry)) {
      // First to claim goes to whoever of the pool can take it now; nobody left means the next step.
      const members = entry.pool.filter((id) => roster.get(id)?.available === true);
      if (members.length > 0) {
        createOffer(sql, config, task, { ...entry, pool: members }, i, now, ['received', 'offered']);
        return;
      }
      recordEvent(sql, {
        taskId: task.id,
        kind: 'skipped',
        at: now,
        detail: { pool: entry.pool, why: 'nobody in the pool is available' },
      });
      continue;
    }
    const agent = roster.get(entry.agentId);
    // On-duty cover is chosen for after hours, so only away or busy stops it, not the clock.
    const reachable =
      agent !== undefined &&
      (agent.available || (entry.onDuty === true && agent.offHours?.coverable === true));
    if (!reachable) {
      const why = agent?.capped
        ? `at their cap (${agent.capped})`
        : agent?.offHours
          ? 'off hours'
          : 'not available';
      recordEvent(sql, {
        taskId: task.id,
        kind: 'skipped',
        at: now,
        detail: { agentId: entry.agentId, why },
      });
      continue;
    }
    createOffer(sql, config, task, entry, i, now, ['received', 'offered']);
    return;
  }
  // Not after a leader's own pick (an offer past the end of the chain): that goes back to the leaders.
  const afterLeaderPick = position > task.chain.length;
  const cover = afterLeaderPick ? undefined : afterHoursCover(sql, config, task, [...roster.values()], now);
  if (cover) {
    // The chain ran out after hours: the rule's on-duty cover is the last step before the leaders.
    const chain = [...task.chain, cover];
    sql.update(tasks).set({ chain }).where(eq(tasks.id, task.id)).run();
    createOffer(sql, config, { ...task, chain }, cover, chain.length - 1, now, ['received', 'offered']);
    return;
  }
  // The rule's pond, if it has one, before the leaders (a leader's own pick goes back to them).
  if (!afterLeaderPick && dropInPond(sql, config, task, now)) return;
  escalateTask(sql, {
    taskId: task.id,
    reason: exhaustedReason,
    manualReview: false,
    now,
    from: ['received', 'offered'],
  });
}

/**
 * The rule's on-duty cover, when they are off the clock now (so it is after hours for them) and
 * have not been offered this task yet: a cover who let it lapse is not asked twice.
 */
function afterHoursCover(
  sql: Sql,
  config: DispatchConfig,
  task: TaskRow,
  roster: RosterAgent[],
  now: Date,
): AgentEntry | undefined {
  const rule = config.rules.find((r) => r.name === task.ruleName);
  const spec = rule?.on_duty;
  if (!rule || !spec) return undefined;
  const covering = coverOf(activeCovers(sql, now), rotationOf(rule), now);
  const cover = onDutyCover(spec, roster, now, config.team.timezone, covering);
  if (!cover || !roster.find((a) => a.id === cover.agentId)?.offHours) return undefined;
  const tried = sql
    .select({ id: offers.id })
    .from(offers)
    .where(and(eq(offers.taskId, task.id), eq(offers.agentId, cover.agentId)))
    .get();
  return tried ? undefined : cover;
}

/** One live offer with its deadline, moving the task (guarded on `from`) to `offered`. */
export function createOffer(
  sql: Sql,
  config: DispatchConfig,
  task: TaskRow,
  entry: ChainEntry,
  position: number,
  now: Date,
  from: TaskStatus[],
  /** `pond`: the rule's pond, shown by its pond post (pond_posts) instead of broadcast copies. */
  options: { pond?: boolean } = {},
): number {
  const sla = task.sla ?? { kind: 'duration', seconds: config.team.default_sla, clock: 'always' };
  const pool = isPoolEntry(entry) ? entry : undefined;
  const agentId = isPoolEntry(entry) ? null : entry.agentId;
  const deadline = offerDeadline(sla, now, config.team.business_hours, config.team.timezone);
  const offer = insertOffer(sql).get({
    taskId: task.id,
    agentId,
    // Bound raw (see insertOffer): SQL NULL for a one-agent offer, never the JSON text 'null'.
    pool: pool ? JSON.stringify(pool.pool) : null,
    poolChannel: pool?.channel ?? null,
    position,
    reason: entry.reason,
    offeredAt: now,
    deadline,
    pond: options.pond ? 1 : 0,
  });
  if (!offer) throw new Error(`task ${task.id}: the offer insert returned no row`);
  const moved = offerTask(sql, from).run({ taskId: task.id, offerId: offer.id }).changes;
  if (moved !== 1) throw new Error(`task ${task.id} left the dispatch states while being offered`);
  recordEvent(sql, {
    taskId: task.id,
    offerId: offer.id,
    kind: 'offered',
    at: now,
    detail: {
      ...(isPoolEntry(entry) ? { pool: entry.pool } : { agentId: entry.agentId }),
      position,
      reason: entry.reason,
      deadline: deadline.toISOString(),
    },
  });
  if (pool && !options.pond) addBroadcastCopies(sql, task.id, offer.id, pool, now);
  return offer.id;
}

// Every offer runs these two: built once per database (see prepared.ts). Insert placeholders go
// through the columns' encoders (dates are passed as Dates), except `pool`: its JSON encoder
// would store a null as the text 'null', which reads as a first-to-claim offer, so it binds raw.
const insertOffer = preparedOnce((sql) =>
  sql
    .insert(offers)
    .values({
      taskId: raw.placeholder('taskId'),
      agentId: raw.placeholder('agentId'),
      pool: raw`${raw.placeholder('pool')}`,
      poolChannel: raw.placeholder('poolChannel'),
      position: raw.placeholder('position'),
      status: 'live',
      reason: raw.placeholder('reason'),
      offeredAt: raw.placeholder('offeredAt'),
      deadline: raw.placeholder('deadline'),
      pond: raw`${raw.placeholder('pond')}`,
    })
    .returning({ id: offers.id })
    .prepare(),
);

/** One prepared move to `offered` per set of states it may come from (callers use two or three). */
const offerTaskFrom = new Map<string, ReturnType<typeof offerTaskStatement>>();
function offerTaskStatement(from: readonly TaskStatus[]) {
  return preparedOnce((sql) =>
    sql
      .update(tasks)
      .set({ status: 'offered', liveOfferId: raw`${raw.placeholder('offerId')}` })
      .where(and(eq(tasks.id, raw.placeholder('taskId')), inArray(tasks.status, [...from])))
      .prepare(),
  );
}
function offerTask(sql: Sql, from: readonly TaskStatus[]) {
  const key = from.join(',');
  let statement = offerTaskFrom.get(key);
  if (!statement) {
    statement = offerTaskStatement(from);
    offerTaskFrom.set(key, statement);
  }
  return statement(sql);
}

/** A broadcast is seen as one post in the pool channel, or one DM per member; each is a view row. */
function addBroadcastCopies(sql: Sql, taskId: number, offerId: number, pool: PoolEntry, now: Date): void {
  const copies = pool.channel
    ? [{ recipient: pool.channel, via: 'channel' as const }]
    : pool.pool.map((id) => ({ recipient: id, via: 'dm' as const }));
  for (const copy of copies)
    sql
      .insert(taskViews)
      .values({ taskId, offerId, kind: 'broadcast', createdAt: now, ...copy })
      .run();
}
