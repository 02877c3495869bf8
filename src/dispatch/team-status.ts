import { count, eq } from 'drizzle-orm';
import { type Availability, availabilityAt } from '../core/availability.js';
import { agents, offers, tasks } from '../db/schema.js';
import type { Sql } from './context.js';
import { openAwayWindows } from './roster.js';

export interface TeamMemberStatus {
  id: string;
  name: string;
  availability: Availability;
  /** Leads they own and have not handed on, plus offers waiting on them. */
  openLeads: number;
}

/** Everyone in the config, with where they stand at `now`: what `/dispatch who` shows. */
export function teamStatus(sql: Sql, now: Date): TeamMemberStatus[] {
  const windows = openAwayWindows(sql, now);
  const owned = new Map(
    sql
      .select({ id: tasks.ownerId, n: count() })
      .from(tasks)
      .where(eq(tasks.status, 'claimed'))
      .groupBy(tasks.ownerId)
      .all()
      .map((r) => [r.id ?? '', r.n]),
  );
  const offered = new Map(
    sql
      .select({ id: offers.agentId, n: count() })
      .from(offers)
      .where(eq(offers.status, 'live'))
      .groupBy(offers.agentId)
      .all()
      .map((r) => [r.id, r.n]),
  );
  return sql
    .select()
    .from(agents)
    .where(eq(agents.inConfig, true))
    .all()
    .map((a) => ({
      id: a.id,
      name: a.name,
      availability: availabilityAt(a, windows.get(a.id) ?? [], now),
      openLeads: (owned.get(a.id) ?? 0) + (offered.get(a.id) ?? 0),
    }));
}
