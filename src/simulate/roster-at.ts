import { DateTime } from 'luxon';
import type { DispatchConfig } from '../config/dispatch-schema.js';
import { availabilityAt, offHoursOf } from '../core/availability.js';
import { capReached, capsOf } from '../core/caps.js';
import type { RosterAgent } from '../core/route.js';

/** Claims per agent per team-local day, as the replay assumes them (the first agent offered claims). */
export class DailyClaims {
  private readonly counts = new Map<string, number>();

  constructor(private readonly zone: string) {}

  record(agentId: string, at: Date): void {
    const key = this.key(agentId, at);
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  on(agentId: string, at: Date): number {
    return this.counts.get(this.key(agentId, at)) ?? 0;
  }

  private key(agentId: string, at: Date): string {
    return `${agentId} ${DateTime.fromJSDate(at, { zone: this.zone }).toISODate()}`;
  }
}

/**
 * The team as routing would see it at `at`, from the config alone: working hours in each agent's
 * zone (their `timezone`, else the team's) and the daily cap. There are no away windows or Slack
 * signals in a replay, and the open cap cannot be known, so only those two keep anyone from an offer.
 * Mirrors dispatch/roster.ts, which reads the same from the database.
 */
export function rosterAt(config: DispatchConfig, at: Date, claims: DailyClaims): RosterAgent[] {
  return config.agents.map((a) => {
    const hours = a.working_hours ?? config.team.working_hours;
    const inputs = {
      windows: [],
      hours: hours && hours !== 'always' ? { weekly: hours, zone: a.timezone ?? config.team.timezone } : null,
    };
    const perDay = capsOf(config.team.caps, a.caps)?.per_day;
    const capped = capReached({ per_day: perDay }, { open: 0, today: claims.on(a.id, at) });
    return {
      id: a.id,
      name: a.name,
      email: a.email?.toLowerCase() ?? null,
      roles: [...a.roles],
      zips: [...a.zips],
      cities: a.cities,
      languages: a.languages,
      price: a.price ?? null,
      weight: a.weight,
      active: a.active,
      // As in the app: a capped agent is skipped like an away one, and is no after-hours cover either.
      available: availabilityAt(a, inputs, at).available && capped === undefined,
      offHours: capped === undefined ? offHoursOf(a, inputs, at) : undefined,
      capped,
    };
  });
}
