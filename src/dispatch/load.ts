import { and, count, eq, gte, isNotNull, isNull, sql as raw } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { DispatchConfig } from '../config/dispatch-schema.js';
import type { AgentLoad } from '../core/caps.js';
import { offers, tasks } from '../db/schema.js';
import type { Sql } from './context.js';
import { preparedOnce } from './prepared.js';

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
  for (const r of liveByAgent(sql).all()) bump(r.id, 'open', r.n);
  for (const r of unworkedByOwner(sql).all()) bump(r.id, 'open', r.n);
  for (const r of claimedSince(sql).all({ since: midnightOf(now, config.team.timezone) }))
    bump(r.id, 'today', r.n);
  return load;
}

/** The team's day that `now` falls in, remembered: luxon's zone arithmetic was a visible cost per lead. */
let day: { zone: string; start: number; end: number } | undefined;
function midnightOf(now: Date, zone: string): number {
  const t = now.getTime();
  if (!day || day.zone !== zone || t < day.start || t >= day.end) {
    const start = DateTime.fromJSDate(now, { zone }).startOf('day');
    day = { zone, start: start.toMillis(), end: start.plus({ days: 1 }).toMillis() };
  }
  return day.start;
}

// Read on every routing decision while caps are set: built once per database, each through an
// index that holds only what is in flight (offers_live_agent, tasks_contact_due) or today's
// claims (tasks_claimed_at), so the cost does not grow with the history.
const liveByAgent = preparedOnce((sql) =>
  sql
    .select({ id: offers.agentId, n: count() })
    .from(offers)
    .where(eq(offers.status, 'live'))
    .groupBy(offers.agentId)
    .prepare(),
);

// Only claims with a no-contact timer can be marked contacted; any other claim counts as worked,
// or agents on rules without a contact_sla would stay capped for good.
const unworkedByOwner = preparedOnce((sql) =>
  sql
    .select({ id: tasks.ownerId, n: count() })
    .from(tasks)
    .where(and(eq(tasks.status, 'claimed'), isNotNull(tasks.contactDueAt), isNull(tasks.contactedAt)))
    .groupBy(tasks.ownerId)
    .prepare(),
);

/** `since` binds raw: epoch milliseconds, as claimed_at is stored. */
const claimedSince = preparedOnce((sql) =>
  sql
    .select({ id: tasks.ownerId, n: count() })
    .from(tasks)
    .where(gte(tasks.claimedAt, raw.placeholder('since')))
    .groupBy(tasks.ownerId)
    .prepare(),
);
