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

/** More zones than this for one number means it is not tied to a place (toll-free, say). */
const PLACELESS = 6;

/**
 * Every zone the lead may be in: each zone of the phone's area code (one, or a few where an area
 * code spans a zone line, as Idaho's 208 does), and the zip's. Unknown evidence adds nothing; with
 * none at all, the team's zone.
 */
export function leadZones(facts: {
  /** Zones of the phone's area code (libphonenumber's time zone map); empty when unknown. */
  phoneZones: readonly string[];
  zipZone: string | undefined;
  teamZone: string;
}): string[] {
  const phone = facts.phoneZones.length <= PLACELESS ? facts.phoneZones : [];
  const zones = [...new Set([...phone, ...(facts.zipZone ? [facts.zipZone] : [])])];
  return zones.length > 0 ? zones : [facts.teamZone];
}

/**
 * When a text may go: undefined when it is outside quiet hours in every zone the lead may be in,
 * else the first moment it is outside them in all of them. A lead whose area code and zip
 * disagree is never texted at night in either.
 */
export function quietUntil(now: Date, zones: readonly string[], quiet: QuietHours): Date | undefined {
  let at = now;
  // Each step moves to the end of some zone's quiet hours; a handful of zones settle in a few.
  for (let step = 0; step <= zones.length; step++) {
    const ends = zones
      .map((zone) => quietHoursEnd(at, zone, quiet))
      .filter((d): d is Date => d !== undefined);
    if (ends.length === 0) return at === now ? undefined : at;
    at = new Date(Math.max(...ends.map((d) => d.getTime())));
  }
  return at;
}

/**
 * The first name as a greeting uses it: its first word that has a letter ("🏠 Ana" is Ana), with a
 * capital when it was typed all in lower case ("jane" is Jane; "McKenzie" and "de la Cruz" stay).
 */
export function spokenFirstName(name: string | null): string | undefined {
  const word = name
    ?.trim()
    .split(/\s+/)
    .find((w) => /\p{L}/u.test(w));
  if (!word) return undefined;
  return word === word.toLowerCase() ? word.charAt(0).toUpperCase() + word.slice(1) : word;
}
