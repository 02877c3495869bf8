import { and, eq, gt, isNull, notInArray, or } from 'drizzle-orm';
import type { DispatchConfig } from '../config/dispatch-schema.js';
import { availabilityAt } from '../core/availability.js';
import type { RosterAgent } from '../core/route.js';
import { type AgentRow, type AwayWindowRow, agents, awayWindows } from '../db/schema.js';
import type { Sql } from './context.js';

/** Upserts the configured agents; agents dropped from the config stay as rows (history) but leave the roster. */
export function syncAgents(sql: Sql, config: DispatchConfig, now: Date): void {
  for (const a of config.agents) {
    const row = {
      name: a.name,
      email: a.email?.toLowerCase() ?? null,
      roles: a.roles,
      zips: a.zips,
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

/** The configured agents with whether each can take an offer at `now` (active, not away). */
export function loadRoster(sql: Sql, now: Date): RosterAgent[] {
  const windows = openAwayWindows(sql, now);
  return sql
    .select()
    .from(agents)
    .where(eq(agents.inConfig, true))
    .all()
    .map((a) => ({
      id: a.id,
      name: a.name,
      email: a.email,
      roles: a.roles,
      zips: a.zips,
      weight: a.weight,
      active: a.active,
      available: availabilityAt(a, windows.get(a.id) ?? [], now).available,
    }));
}

/** Away windows that have not been closed by /back and have not ended by `now`, by agent. */
export function openAwayWindows(sql: Sql, now: Date): Map<string, AwayWindowRow[]> {
  const rows = sql
    .select()
    .from(awayWindows)
    .where(and(isNull(awayWindows.endedAt), or(isNull(awayWindows.endsAt), gt(awayWindows.endsAt, now))))
    .all();
  const byAgent = new Map<string, AwayWindowRow[]>();
  for (const w of rows) byAgent.set(w.agentId, [...(byAgent.get(w.agentId) ?? []), w]);
  return byAgent;
}

/** An agent's display name, or their id when the row is gone. */
export function agentName(sql: Sql, id: string): string {
  return sql.select({ name: agents.name }).from(agents).where(eq(agents.id, id)).get()?.name ?? id;
}

/** The zone an agent reads times in: their own from dispatch.yml, else the team's. */
export function agentZone(agent: { timezone: string | null } | undefined, config: DispatchConfig): string {
  return agent?.timezone ?? config.team.timezone;
}

export function findAgent(sql: Sql, id: string): AgentRow | undefined {
  return sql.select().from(agents).where(eq(agents.id, id)).get();
}
