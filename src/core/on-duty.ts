import { DateTime } from 'luxon';
import { minutesOf } from './weekly-hours.js';

/** A rule's after-hours cover: a list tried in order, or a rotation that hands over daily or weekly. */
export interface OnDutySpec {
  agents: readonly string[];
  rotate?: 'daily' | 'weekly' | undefined;
  /** "YYYY-MM-DD": the day the first agent in the list starts their turn (required with `rotate`). */
  from?: string | undefined;
  /** "HH:MM" in the team's zone: when one turn ends and the next begins. */
  handoff: string;
}

/**
 * Who covers at `now`, first choice first. A list is everyone in order; a rotation starts with
 * whoever's turn it is and goes on round the rotation, so a cover who is away hands to the next.
 * A turn runs from handoff to handoff, so 2 AM belongs to the evening before.
 */
export function onDutyOrder(spec: OnDutySpec, now: Date, zone: string): string[] {
  if (!spec.rotate || !spec.from) return [...spec.agents];
  const turn = turnIndex(spec.rotate, spec.from, spec.handoff, now, zone);
  const n = spec.agents.length;
  const first = ((turn % n) + n) % n;
  return spec.agents
    .map((_, i) => spec.agents[(first + i) % n])
    .filter((id): id is string => id !== undefined);
}

/** How many whole turns have begun since `from`; negative before it. */
function turnIndex(
  rotate: 'daily' | 'weekly',
  from: string,
  handoff: string,
  now: Date,
  zone: string,
): number {
  const local = DateTime.fromJSDate(now, { zone });
  const handoffMinutes = minutesOf(handoff).total;
  const turnDay = local.hour * 60 + local.minute < handoffMinutes ? local.minus({ days: 1 }) : local;
  // Count calendar days on plain dates, so a DST change (a 23- or 25-hour day) cannot shift a turn.
  const day = DateTime.utc(turnDay.year, turnDay.month, turnDay.day);
  const start = DateTime.fromISO(from, { zone: 'utc' });
  const days = Math.round(day.diff(start, 'days').days);
  return Math.floor(days / (rotate === 'daily' ? 1 : 7));
}

/** "this week" / "today" / "on the list", for the reason shown on the offer. */
export function onDutyPhrase(spec: OnDutySpec): string {
  if (spec.rotate === 'weekly') return 'on duty this week';
  if (spec.rotate === 'daily') return 'on duty today';
  return 'on the on-duty list';
}
