import { DateTime } from 'luxon';
import { WEEKDAYS, type Weekday } from '../core/weekly-hours.js';

export interface DigestSchedule {
  day: Weekday;
  /** "08:00", in the team's time zone. */
  time: string;
}

/** The week a digest reports on, and the moment it was due. */
export interface DigestPeriod {
  /** The scheduled moment: the guard row's key. */
  due: Date;
  since: Date;
  until: Date;
}

/**
 * The latest scheduled digest at or before `now` (in the team's zone, so a DST change moves the
 * hour with the team): it reports on the 7 days before it. A process that was down at that moment
 * still finds it on start, so a digest is late rather than never; only the latest is owed, so an
 * install down for a month sends one digest, not four.
 */
export function latestDigest(schedule: DigestSchedule, zone: string, now: Date): DigestPeriod {
  const [hour = 0, minute = 0] = schedule.time.split(':').map(Number);
  const local = DateTime.fromJSDate(now, { zone });
  const weekday = WEEKDAYS.indexOf(schedule.day) + 1;
  let due = local
    .set({ hour, minute, second: 0, millisecond: 0 })
    .plus({ days: (weekday - local.weekday + 7) % 7 });
  while (due > local) due = due.minus({ weeks: 1 });
  return { due: due.toJSDate(), since: due.minus({ weeks: 1 }).toJSDate(), until: due.toJSDate() };
}
