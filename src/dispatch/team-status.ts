import { count, eq, min } from 'drizzle-orm';
import type { DispatchConfig } from '../config/dispatch-schema.js';
import type { Availability } from '../core/availability.js';
import { onDutyCover, type RosterAgent } from '../core/route.js';
import { offers, tasks } from '../db/schema.js';
import type { Sql } from './context.js';
import { availabilityOfTeam, rosterOf } from './roster.js';

export interface TeamMemberStatus {
  id: string;
  name: string;
  availability: Availability;
  /** Rules whose after-hours cover they are right now (only while they are off hours). */
  onDutyFor: string[];
  /** Leads they own and have not handed on, plus offers waiting on them. */
  openLeads: number;
  /** Set when a load cap skips them for new leads, e.g. "5 open, the cap is 5". */
  capped: string | undefined;
}

export interface TeamStatus {
  members: TeamMemberStatus[];
  /** Leads waiting for the team to start work, and when the first of them is routed. */
  held: { count: number; next: Date | null };
}

/** Everyone in the config, with where they stand at `now`: what `/dispatch who` shows. */
export function teamStatus(sql: Sql, config: DispatchConfig, now: Date): TeamStatus {
  const openLeads = countBy([
    ...sql
      .select({ id: tasks.ownerId, n: count() })
      .from(tasks)
      .where(eq(tasks.status, 'claimed'))
      .groupBy(tasks.ownerId)
      .all(),
    ...sql
      .select({ id: offers.agentId, n: count() })
      .from(offers)
      .where(eq(offers.status, 'live'))
      .groupBy(offers.agentId)
      .all(),
  ]);
  const team = availabilityOfTeam(sql, config, now);
  const onDuty = onDutyNow(config, rosterOf(team), now);
  const members = team.map(({ agent, availability, capped }) => ({
    id: agent.id,
    name: agent.name,
    availability,
    onDutyFor: onDuty.get(agent.id) ?? [],
    openLeads: openLeads.get(agent.id) ?? 0,
    capped,
  }));
  const held = sql
    .select({ n: count(), next: min(tasks.heldUntil) })
    .from(tasks)
    .where(eq(tasks.status, 'held'))
    .get();
  return { members, held: { count: held?.n ?? 0, next: held?.next ?? null } };
}

/**
 * Who would be woken for each rule's after-hours leads now (the same choice routing makes), by
 * agent; only people off the clock are "on duty": within their hours they are simply available.
 */
export function onDutyNow(config: DispatchConfig, roster: RosterAgent[], now: Date): Map<string, string[]> {
  const byAgent = new Map<string, string[]>();
  for (const rule of config.rules) {
    if (!rule.on_duty) continue;
    const cover = onDutyCover(rule.on_duty, roster, now, config.team.timezone);
    if (!cover || !roster.find((a) => a.id === cover.agentId)?.offHours) continue;
    byAgent.set(cover.agentId, [...(byAgent.get(cover.agentId) ?? []), rule.name]);
  }
  return byAgent;
}

function countBy(rows: Array<{ id: string | null; n: number }>): Map<string, number> {
  const totals = new Map<string, number>();
  for (const r of rows) if (r.id) totals.set(r.id, (totals.get(r.id) ?? 0) + r.n);
  return totals;
}
