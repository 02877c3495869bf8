import { and, count, eq, isNull, min } from 'drizzle-orm';
import type { DispatchConfig } from '../config/dispatch-schema.js';
import type { Availability } from '../core/availability.js';
import { type ActiveCover, coverOf, rotationOf } from '../core/cover.js';
import type { ActivePause } from '../core/pause.js';
import { onDutyCover, type RosterAgent } from '../core/route.js';
import { offers, tasks } from '../db/schema.js';
import type { Sql } from './context.js';
import { activeCovers } from './cover.js';
import { activePauses, heldByPause } from './pause.js';
import { agentName, availabilityOfTeam, rosterOf } from './roster.js';

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

/** A `/dispatch cover` in force, as people read it. */
export interface CoverLine {
  name: string;
  rotation: string;
  until: Date;
  setBy: string;
}

/** A `/dispatch pause` in force, with how many leads a paused source holds. */
export interface PauseLine extends ActivePause {
  setByName: string;
  held: number;
}

export interface TeamStatus {
  members: TeamMemberStatus[];
  /** Leads waiting for the team to start work, and when the first of them is routed. */
  held: { count: number; next: Date | null };
  covers: CoverLine[];
  pauses: PauseLine[];
}

/** Covers in force at `now`, by name. */
export function coverLines(sql: Sql, now: Date): CoverLine[] {
  return activeCovers(sql, now).map((c) => ({
    name: agentName(sql, c.agentId),
    rotation: c.rotation,
    until: c.until,
    setBy: agentName(sql, c.setBy),
  }));
}

/** Pauses in force at `now`, each with the leads it holds. */
export function pauseLines(sql: Sql, now: Date): PauseLine[] {
  return activePauses(sql, now).map((p) => ({
    ...p,
    setByName: agentName(sql, p.setBy),
    held: p.kind === 'source' ? heldByPause(sql, p.id) : 0,
  }));
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
  const onDuty = onDutyNow(config, rosterOf(team), now, activeCovers(sql, now));
  const members = team.map(({ agent, availability, capped }) => ({
    id: agent.id,
    name: agent.name,
    availability,
    onDutyFor: onDuty.get(agent.id) ?? [],
    openLeads: openLeads.get(agent.id) ?? 0,
    capped,
  }));
  // Leads a paused source holds are counted with their pause, not as held for opening.
  const held = sql
    .select({ n: count(), next: min(tasks.heldUntil) })
    .from(tasks)
    .where(and(eq(tasks.status, 'held'), isNull(tasks.pauseId)))
    .get();
  return {
    members,
    held: { count: held?.n ?? 0, next: held?.next ?? null },
    covers: coverLines(sql, now),
    pauses: pauseLines(sql, now),
  };
}

/**
 * Who would be woken for each rule's after-hours leads now (the same choice routing makes), by
 * agent; only people off the clock are "on duty": within their hours they are simply available.
 */
export function onDutyNow(
  config: DispatchConfig,
  roster: RosterAgent[],
  now: Date,
  covers: readonly ActiveCover[],
): Map<string, string[]> {
  const byAgent = new Map<string, string[]>();
  for (const rule of config.rules) {
    if (!rule.on_duty) continue;
    const covering = coverOf(covers, rotationOf(rule), now);
    const cover = onDutyCover(rule.on_duty, roster, now, config.team.timezone, covering);
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
