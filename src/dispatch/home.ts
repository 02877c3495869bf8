import { and, asc, count, desc, eq, gte, isNotNull, isNull, or, sql as raw } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { DispatchConfig } from '../config/dispatch-schema.js';
import type { Availability } from '../core/availability.js';
import type { ActiveCover } from '../core/cover.js';
import { median } from '../core/stats.js';
import { offers, type TaskRow, tasks } from '../db/schema.js';
import type { TeamWeek } from '../reports/team-week.js';
import type { Sql } from './context.js';
import { activeCovers } from './cover.js';
import { availabilityOfTeam, rosterOf, type TeamStanding } from './roster.js';
import { onDutyNow } from './team-status.js';

/** How many owned leads an App Home lists. */
export const HOME_LIST_LIMIT = 20;

export interface HomeData {
  availability: Availability;
  /** Rules whose after-hours leads come to them right now. */
  onDutyFor: string[];
  /** Rotations they cover by `/dispatch cover`, and until when. */
  covering: Array<{ rotation: string; until: Date }>;
  /** Offers waiting on them, with their deadlines. */
  offered: Array<{ task: TaskRow; deadline: Date }>;
  /** Leads they own and have not handed on: the most recent HOME_LIST_LIMIT of them. */
  owned: TaskRow[];
  /** Whether more offers wait on them than those listed. */
  moreOffered: boolean;
  /** Whether they own earlier leads than those listed. */
  moreOwned: boolean;
  week: { received: number; claimed: number; medianSecondsToClaim: number | null };
  /** Team leaders only: the team's week and who is waiting on what. */
  team?: TeamWeek;
}

/** Where the team stands at `now`, computed once for every Home a refresh renders. */
export interface HomeContext {
  team: TeamStanding;
  onDuty: Map<string, string[]>;
  covers: ActiveCover[];
  /**
   * Per agent, the broadcasts since `weekStart` they were in the pool for and someone else (or
   * nobody) claimed. Read once per week start for all the Homes of a refresh: per Home, the
   * json_each over every broadcast of the week took up to 20–37 ms each in a backlog.
   */
  pooledSince(weekStart: Date): Map<string, number>;
}

export function homeContext(sql: Sql, config: DispatchConfig, now: Date): HomeContext {
  const team = availabilityOfTeam(sql, config, now);
  const covers = activeCovers(sql, now);
  const pooled = new Map<number, Map<string, number>>();
  return {
    team,
    onDuty: onDutyNow(config, rosterOf(team), now, covers),
    covers,
    pooledSince: (weekStart) => {
      let counts = pooled.get(weekStart.getTime());
      if (!counts) {
        counts = pooledCounts(sql, weekStart);
        pooled.set(weekStart.getTime(), counts);
      }
      return counts;
    },
  };
}

/** Broadcasts since `since` by pool member, leaving out the member who claimed each. */
function pooledCounts(sql: Sql, since: Date): Map<string, number> {
  const member = raw<string>`p.value`;
  const rows = sql
    .select({ agentId: member, n: raw<number>`count(distinct ${offers.id})` })
    .from(offers)
    .innerJoin(raw`json_each(${offers.pool}) p`, raw`1`)
    .where(
      and(
        isNotNull(offers.pool),
        gte(offers.offeredAt, since),
        or(isNull(offers.agentId), raw`${offers.agentId} <> p.value`),
      ),
    )
    .groupBy(member)
    .all();
  return new Map(rows.map((r) => [r.agentId, r.n]));
}

/** Everything an agent's App Home shows, read from rows at `now`; the week starts Monday in their zone. */
export function homeData(
  sql: Sql,
  standing: HomeContext,
  agentId: string,
  zone: string,
  now: Date,
): HomeData | undefined {
  const availability = standing.team.find((s) => s.agent.id === agentId)?.availability;
  if (!availability) return undefined;
  // Each query reads only this agent's rows through an index (offers_live_agent, tasks_owner,
  // offers_agent_offered, offers_pool_offered): with months of history, an `or` over json_each
  // walked every offer ever made, for every agent, on every sweep.
  // Live offers are bounded by caps in practice, but not during a burst: list the oldest few.
  const live = [
    ...sql
      .select({ task: tasks, deadline: offers.deadline, id: offers.id })
      .from(offers)
      .innerJoin(tasks, eq(tasks.id, offers.taskId))
      .where(and(eq(offers.agentId, agentId), eq(offers.status, 'live')))
      .orderBy(asc(offers.id))
      .limit(HOME_LIST_LIMIT + 1)
      .all(),
    // A live broadcast has no agent yet; only its pool says who may claim it.
    ...sql
      .select({ task: tasks, deadline: offers.deadline, id: offers.id })
      .from(offers)
      .innerJoin(tasks, eq(tasks.id, offers.taskId))
      .where(and(isNull(offers.agentId), eq(offers.status, 'live'), inPool(agentId)))
      .orderBy(asc(offers.id))
      .limit(HOME_LIST_LIMIT + 1)
      .all(),
  ].sort((a, b) => a.id - b.id);
  const offered = live.slice(0, HOME_LIST_LIMIT).map(({ task, deadline }) => ({ task, deadline }));
  // An agent owns every lead they ever claimed: after months that is thousands of rows, read and
  // rendered every sweep. The Home shows the latest few (a section holds 3,000 characters anyway).
  // One more than shown tells whether there are earlier ones, without counting them all.
  const latest = sql
    .select()
    .from(tasks)
    .where(and(eq(tasks.ownerId, agentId), eq(tasks.status, 'claimed')))
    .orderBy(desc(tasks.id))
    .limit(HOME_LIST_LIMIT + 1)
    .all();
  const owned = latest.slice(0, HOME_LIST_LIMIT).reverse();
  const weekStart = DateTime.fromJSDate(now, { zone }).startOf('week').toJSDate();
  // Counted in SQL: the week's offers are hundreds of rows per agent, read every sweep, and only
  // the claims' durations are needed row by row.
  const own = sql
    .select({ n: count() })
    .from(offers)
    .where(and(eq(offers.agentId, agentId), gte(offers.offeredAt, weekStart)))
    .get();
  // Broadcasts they were in the pool for and someone else (or nobody) claimed.
  const pooled = standing.pooledSince(weekStart).get(agentId) ?? 0;
  const claims = sql
    .select({ seconds: raw<number>`(${offers.resolvedAt} - ${offers.offeredAt}) / 1000.0` })
    .from(offers)
    .where(
      and(
        eq(offers.agentId, agentId),
        gte(offers.offeredAt, weekStart),
        eq(offers.status, 'claimed'),
        isNotNull(offers.resolvedAt),
      ),
    )
    .all();
  return {
    availability,
    onDutyFor: standing.onDuty.get(agentId) ?? [],
    covering: standing.covers
      .filter((c) => c.agentId === agentId)
      .map((c) => ({ rotation: c.rotation, until: c.until })),
    offered,
    owned,
    moreOwned: latest.length > HOME_LIST_LIMIT,
    moreOffered: live.length > HOME_LIST_LIMIT,
    week: {
      received: (own?.n ?? 0) + pooled,
      claimed: claims.length,
      medianSecondsToClaim: median(claims.map((c) => c.seconds)),
    },
  };
}

/** First-to-claim broadcasts the agent was one of the pool for. */
function inPool(agentId: string) {
  return raw`exists (select 1 from json_each(${offers.pool}) where value = ${agentId})`;
}
