import { and, count, eq, gte, isNotNull, isNull } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { DispatchConfig } from '../config/dispatch-schema.js';
import type { AgentLoad } from '../core/caps.js';
import { offers, tasks } from '../db/schema.js';
import type { Sql } from './context.js';

/**
 * Each agent's load for caps, from the rows: live offers and claimed tasks whose no-contact timer
 * is still running count as open; claims since midnight (team time) count towards the day. Skipped when no cap is set.
 */
export function loadOf(sql: Sql, config: DispatchConfig, now: Date): Map<string, AgentLoad> {
  const load = new Map<string, AgentLoad>();
  if (!config.team.caps && !config.agents.some((a) => a.caps)) return load;
  const bump = (id: string | null, key: keyof AgentLoad, n: number) => {
    if (id === null) return;
    const current = load.get(id) ?? { open: 0, today: 0 };
    load.set(id, { ...current, [key]: current[key] + n });
  };
  const live = sql
    .select({ id: offers.agentId, n: count() })
    .from(offers)
    .where(eq(offers.status, 'live'))
    .groupBy(offers.agentId)
    .all();
  for (const r of live) bump(r.id, 'open', r.n);
  const unworked = sql
    .select({ id: tasks.ownerId, n: count() })
    .from(tasks)
    // Only claims with a no-contact timer can be marked contacted; any other claim counts as worked,
    // or agents on rules without a contact_sla would stay capped for good.
    .where(and(eq(tasks.status, 'claimed'), isNotNull(tasks.contactDueAt), isNull(tasks.contactedAt)))
    .groupBy(tasks.ownerId)
    .all();
  for (const r of unworked) bump(r.id, 'open', r.n);
  const midnight = DateTime.fromJSDate(now, { zone: config.team.timezone }).startOf('day').toJSDate();
  const today = sql
    .select({ id: tasks.ownerId, n: count() })
    .from(tasks)
    .where(gte(tasks.claimedAt, midnight))
    .groupBy(tasks.ownerId)
    .all();
  for (const r of today) bump(r.id, 'today', r.n);
  return load;
}
