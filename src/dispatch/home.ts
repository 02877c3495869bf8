import { and, eq, gte, or, sql as raw } from 'drizzle-orm';
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
  const offered = sql
    .select({ task: tasks, deadline: offers.deadline })
    .from(offers)
    .innerJoin(tasks, eq(tasks.id, offers.taskId))
    .where(and(offeredTo(agentId), eq(offers.status, 'live')))
    .all();
  const owned = sql
    .select()
    .from(tasks)
    .where(and(eq(tasks.ownerId, agentId), eq(tasks.status, 'claimed')))
    .all();
  const weekStart = DateTime.fromJSDate(now, { zone }).startOf('week').toJSDate();
  const thisWeek = sql
    .select()
    .from(offers)
    .where(and(offeredTo(agentId), gte(offers.offeredAt, weekStart)))
    .all();
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

/** Offers made to the agent: their own, and first-to-claim broadcasts they were one of the pool for. */
function offeredTo(agentId: string) {
  return or(
    eq(offers.agentId, agentId),
    raw`exists (select 1 from json_each(${offers.pool}) where value = ${agentId})`,
  );
}
