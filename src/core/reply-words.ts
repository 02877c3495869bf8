import { DateTime } from 'luxon';
import type { SlaSpec } from './sla.js';
import { minutesOf } from './weekly-hours.js';

/**
 * What a reply to a lead says and when it may go, as pure functions of the facts and `now`: the
 * SLA and the opening in words a lead understands, the lead's time zone, and their quiet hours.
 */

/** "5 minutes", "1 hour", "1 hour and 30 minutes", "2 business hours", "the end of the business day". */
export function slaInWords(spec: SlaSpec): string {
  if (spec.kind === 'end_of_business_day') return 'the end of the business day';
  const total = Math.max(1, Math.round(spec.seconds / 60));
  const hours = Math.floor(total / 60);
  const minutes = total % 60;
  const business = spec.clock === 'business_hours' ? 'business ' : '';
  const unit = (n: number, word: string) => `${n} ${business}${word}${n === 1 ? '' : 's'}`;
  if (hours === 0) return unit(minutes, 'minute');
  if (minutes === 0) return unit(hours, 'hour');
  return `${unit(hours, 'hour')} and ${minutes} minute${minutes === 1 ? '' : 's'}`;
}

/**
 * When, in the lead's own time, someone opens: "right away" when it is now, else "today at
 * 9 AM", "tomorrow at 8 AM", "Monday at 9 AM", or a date further out.
 */
export function openingInWords(opening: Date | undefined, now: Date, zone: string): string {
  if (!opening || opening.getTime() <= now.getTime()) return 'right away';
  const at = DateTime.fromJSDate(opening, { zone });
  const today = DateTime.fromJSDate(now, { zone }).startOf('day');
  const days = Math.round(at.startOf('day').diff(today, 'days').days);
  const time = at.minute === 0 ? at.toFormat('h a') : at.toFormat('h:mm a');
  if (days === 0) return `today at ${time}`;
  if (days === 1) return `tomorrow at ${time}`;
  if (days < 7) return `${at.toFormat('cccc')} at ${time}`;
  return `${at.toFormat('cccc, LLLL d')} at ${time}`;
}

export interface QuietHours {
  start: string;
  end: string;
}

/**
 * The end of the lead's quiet hours when `now` falls inside them (in `zone`), else undefined.
 * Quiet hours usually wrap midnight (21:00 to 08:00).
 */
export function quietHoursEnd(now: Date, zone: string, quiet: QuietHours): Date | undefined {
  const local = DateTime.fromJSDate(now, { zone });
  const minute = local.hour * 60 + local.minute;
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  if (start.total === end.total) return undefined;
  const wraps = start.total > end.total;
  const inside = wraps
    ? minute >= start.total || minute < end.total
    : minute >= start.total && minute < end.total;
  if (!inside) return undefined;
  let until = local.set({ hour: end.hour, minute: end.minute, second: 0, millisecond: 0 });
  if (until <= local) until = until.plus({ days: 1 });
  return until.toJSDate();
}

/**
 * The lead's time zone, best evidence first: the area code when it lies in one zone, then the
 * zip, then an area code zone that is also the team's, then the team's own zone.
 */
export function leadTimeZone(facts: {
  /** Zones of the phone's area code (libphonenumber's time zone map); empty when unknown. */
  phoneZones: readonly string[];
  zipZone: string | undefined;
  teamZone: string;
}): string {
  const { phoneZones, zipZone, teamZone } = facts;
  if (phoneZones.length === 1 && phoneZones[0] !== undefined) return phoneZones[0];
  if (zipZone) return zipZone;
  return teamZone;
}
