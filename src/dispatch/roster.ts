import { and, eq, gt, isNull, notInArray, or, sql as raw } from 'drizzle-orm';
import type { DispatchConfig } from '../config/dispatch-schema.js';
import { type Availability, availabilityAt, offHoursOf } from '../core/availability.js';
import { capReached, capsOf } from '../core/caps.js';
import type { RosterAgent } from '../core/route.js';
import {
  type AgentRow,
  type AwayWindowRow,
  agents,
  availabilitySignals,
  awayWindows,
  type SignalRow,
} from '../db/schema.js';
import type { Sql } from './context.js';
import { loadOf } from './load.js';
import { preparedOnce } from './prepared.js';

export type TeamStanding = Array<{
  agent: AgentRow;
  availability: Availability;
  offHours: RosterAgent['offHours'];
  /** Set when a load cap keeps them from new offers, e.g. "5 open, the cap is 5". */
  capped: string | undefined;
}>;

/** Upserts the configured agents; agents dropped from the config stay as rows (history) but leave the roster. */
export function syncAgents(sql: Sql, config: DispatchConfig, now: Date): void {
  for (const a of config.agents) {
    const row = {
      name: a.name,
      email: a.email?.toLowerCase() ?? null,
      roles: a.roles,
      zips: a.zips,
      cities: a.cities,
      languages: a.languages,
      priceMin: a.price?.min ?? null,
      priceMax: a.price?.max ?? null,
      weight: a.weight,
      active: a.active,
      inConfig: true,
      timezone: a.timezone ?? null,
      syncedAt: now,
    };
    sql
      .insert(agents)
      .values({ id: a.id, ...row })
      .onConflictDoUpdate({ target: agents.id, set: row })
      .run();
  }
  const ids = config.agents.map((a) => a.id);
  sql.update(agents).set({ inConfig: false, syncedAt: now }).where(notInArray(agents.id, ids)).run();
}

/** The configured agents with whether each can take an offer at `now`, and if not, whether only the clock stops them. */
export function loadRoster(sql: Sql, config: DispatchConfig, now: Date): RosterAgent[] {
  return rosterOf(availabilityOfTeam(sql, config, now));
}

/** The routing view of the team's standing, for callers that already computed it. */
export function rosterOf(team: TeamStanding): RosterAgent[] {
  return team.map(({ agent: a, availability, offHours, capped }) => ({
    id: a.id,
    name: a.name,
    email: a.email,
    roles: a.roles,
    zips: a.zips,
    cities: a.cities,
    languages: a.languages,
    price:
      a.priceMin === null && a.priceMax === null
        ? null
        : { min: a.priceMin ?? undefined, max: a.priceMax ?? undefined },
    weight: a.weight,
    active: a.active,
    // A capped agent is skipped like an away one (keeping their turn), and is no after-hours cover either.
    available: availability.available && capped === undefined,
    offHours: capped === undefined ? offHours : undefined,
    capped,
  }));
}

/**
 * Where every configured agent stands at `now`, from the rows (away windows, signals) and the
 * config (working hours): the one place routing, `/dispatch who` and App Home all read it from.
 */
export function availabilityOfTeam(sql: Sql, config: DispatchConfig, now: Date): TeamStanding {
  const windows = openAwayWindows(sql, now);
  const busy = currentSignals(sql, now);
  const byId = new Map(config.agents.map((a) => [a.id, a]));
  const slackFreshMs = Math.max(3 * config.signals.refresh, 600) * 1000;
  const load = loadOf(sql, config, now);
  return configuredAgents(sql)
    .all()
    .map((agent) => {
      const configured = byId.get(agent.id);
      const hours = configured?.working_hours ?? config.team.working_hours;
      // Rows of a signal switched off since they were written no longer count, and a Slack status
      // or DND we have not been able to re-read for a while is too old to keep someone from leads.
      const enabled = (s: SignalRow) =>
        s.source === 'calendar'
          ? configured?.calendar !== undefined
          : (s.source === 'dnd' ? config.signals.slack_dnd : config.signals.slack_status !== undefined) &&
            now.getTime() - s.fetchedAt.getTime() <= slackFreshMs;
      const inputs = {
        windows: windows.get(agent.id) ?? [],
        busy: (busy.get(agent.id) ?? []).filter(enabled),
        hours: hours && hours !== 'always' ? { weekly: hours, zone: agentZone(agent, config) } : null,
      };
      return {
        agent,
        availability: availabilityAt(agent, inputs, now),
        offHours: offHoursOf(agent, inputs, now),
        capped: capReached(capsOf(config.team.caps, configured?.caps), load.get(agent.id)),
      };
    });
}

// Read on every routing decision and every App Home render: built once per database.
const configuredAgents = preparedOnce((sql) =>
  sql.select().from(agents).where(eq(agents.inConfig, true)).prepare(),
);

const signalsNotEnded = preparedOnce((sql) =>
  sql
    .select()
    .from(availabilitySignals)
    .where(or(isNull(availabilitySignals.endsAt), gt(availabilitySignals.endsAt, raw.placeholder('now'))))
    .prepare(),
);

const awayNotEnded = preparedOnce((sql) =>
  sql
    .select()
    .from(awayWindows)
    .where(
      and(
        isNull(awayWindows.endedAt),
        or(isNull(awayWindows.endsAt), gt(awayWindows.endsAt, raw.placeholder('now'))),
      ),
    )
    .prepare(),
);

const agentById = preparedOnce((sql) =>
  sql
    .select()
    .from(agents)
    .where(eq(agents.id, raw.placeholder('id')))
    .prepare(),
);

/** Signal rows that have not ended by `now` (a calendar's later meetings included), by agent. */
function currentSignals(sql: Sql, now: Date): Map<string, SignalRow[]> {
  // Placeholders bind raw values: times as epoch milliseconds, as the columns store them.
  const rows = signalsNotEnded(sql).all({ now: now.getTime() });
  const byAgent = new Map<string, SignalRow[]>();
  for (const s of rows) byAgent.set(s.agentId, [...(byAgent.get(s.agentId) ?? []), s]);
  return byAgent;
}

/** Away windows that have not been closed by /back and have not ended by `now`, by agent. */
export function openAwayWindows(sql: Sql, now: Date): Map<string, AwayWindowRow[]> {
  const rows = awayNotEnded(sql).all({ now: now.getTime() });
  const byAgent = new Map<string, AwayWindowRow[]>();
  for (const w of rows) byAgent.set(w.agentId, [...(byAgent.get(w.agentId) ?? []), w]);
  return byAgent;
}

/** An agent's display name, or their id when the row is gone. */
export function agentName(sql: Sql, id: string): string {
  return agentById(sql).get({ id })?.name ?? id;
}

/** The zone an agent reads times in: dispatch.yml's override, else Slack's profile, else the team's. */
export function agentZone(
  agent: { timezone: string | null; slackTimezone: string | null } | undefined,
  config: DispatchConfig,
): string {
  return agent?.timezone ?? agent?.slackTimezone ?? config.team.timezone;
}

/** Leaders act for others (assign, take, set someone away); read from the config in force. */
export function isTeamLeader(config: DispatchConfig, userId: string): boolean {
  return config.agents.some((a) => a.id === userId && a.roles.includes('team_leader'));
}

/**
 * The team: every agent in the config in force (leaders are agents with the team_leader role).
 * Only they see the team's views (who, stats, timelines, App Home); read at the moment of asking.
 */
export function isTeamMember(config: DispatchConfig, userId: string): boolean {
  return config.agents.some((a) => a.id === userId);
}

export function findAgent(sql: Sql, id: string): AgentRow | undefined {
  return agentById(sql).get({ id });
}
