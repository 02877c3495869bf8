import { eq, notInArray } from 'drizzle-orm';
import type { DispatchConfig } from '../config/dispatch-schema.js';
import type { RosterAgent } from '../core/route.js';
import { type AgentRow, agents } from '../db/schema.js';
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

export function loadRoster(sql: Sql): RosterAgent[] {
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
      available: a.active,
    }));
}

export function findAgent(sql: Sql, id: string): AgentRow | undefined {
  return sql.select().from(agents).where(eq(agents.id, id)).get();
}
