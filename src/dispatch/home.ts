import { and, asc, eq, gte, isNotNull, isNull, ne, or, sql as raw } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { DispatchConfig } from '../config/dispatch-schema.js';
import type { Availability } from '../core/availability.js';
import { median } from '../core/stats.js';
import { offers, type TaskRow, tasks } from '../db/schema.js';
import type { Sql } from './context.js';
import { availabilityOfTeam, rosterOf, type TeamStanding } from './roster.js';
import { onDutyNow } from './team-status.js';

export interface HomeData {
  availability: Availability;
  /** Rules whose after-hours leads come to them right now. */
  onDutyFor: string[];
  /** Offers waiting on them, with their deadlines. */
  offered: Array<{ task: TaskRow; deadline: Date }>;
  /** Leads they own and have not handed on. */
  owned: TaskRow[];
  week: { received: number; claimed: number; medianSecondsToClaim: number | null };
}

/** Where the team stands at `now`, computed once for every Home a refresh renders. */
export interface HomeContext {
  team: TeamStanding;
  onDuty: Map<string, string[]>;
}

export function homeContext(sql: Sql, config: DispatchConfig, now: Date): HomeContext {
  const team = availabilityOfTeam(sql, config, now);
  return { team, onDuty: onDutyNow(config, rosterOf(team), now) };
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
  const offered = [
    ...sql
      .select({ task: tasks, deadline: offers.deadline, id: offers.id })
      .from(offers)
      .innerJoin(tasks, eq(tasks.id, offers.taskId))
      .where(and(eq(offers.agentId, agentId), eq(offers.status, 'live')))
      .all(),
    // A live broadcast has no agent yet; only its pool says who may claim it.
    ...sql
      .select({ task: tasks, deadline: offers.deadline, id: offers.id })
      .from(offers)
      .innerJoin(tasks, eq(tasks.id, offers.taskId))
      .where(and(isNull(offers.agentId), eq(offers.status, 'live'), inPool(agentId)))
      .all(),
  ]
    .sort((a, b) => a.id - b.id)
    .map(({ task, deadline }) => ({ task, deadline }));
  const owned = sql
    .select()
    .from(tasks)
    .where(and(eq(tasks.ownerId, agentId), eq(tasks.status, 'claimed')))
    .orderBy(asc(tasks.id))
    .all();
  const weekStart = DateTime.fromJSDate(now, { zone }).startOf('week').toJSDate();
  const thisWeek = [
    ...sql
      .select()
      .from(offers)
      .where(and(eq(offers.agentId, agentId), gte(offers.offeredAt, weekStart)))
      .all(),
    // Broadcasts they were in the pool for and someone else (or nobody) claimed.
    ...sql
      .select()
      .from(offers)
      .where(
        and(
          isNotNull(offers.pool),
          gte(offers.offeredAt, weekStart),
          or(isNull(offers.agentId), ne(offers.agentId, agentId)),
          inPool(agentId),
        ),
      )
      .all(),
  ];
  const claims = thisWeek.filter((o) => o.status === 'claimed' && o.agentId === agentId && o.resolvedAt);
  return {
    availability,
    onDutyFor: standing.onDuty.get(agentId) ?? [],
    offered,
    owned,
    week: {
      received: thisWeek.length,
      claimed: claims.length,
      medianSecondsToClaim: median(
        claims.map((o) => ((o.resolvedAt?.getTime() ?? 0) - o.offeredAt.getTime()) / 1000),
      ),
    },
  };
}

/** First-to-claim broadcasts the agent was one of the pool for. */
function inPool(agentId: string) {
  return raw`exists (select 1 from json_each(${offers.pool}) where value = ${agentId})`;
}
