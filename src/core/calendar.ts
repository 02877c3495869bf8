import ICAL from 'ical.js';
import { DateTime, IANAZone } from 'luxon';

export interface BusyInterval {
  startsAt: Date;
  endsAt: Date;
}

export type CalendarParse = { ok: true; busy: BusyInterval[] } | { ok: false; error: string };

interface Range {
  from: number;
  to: number;
  /** Where wall-clock times without a zone (floating, all-day) happen: the agent's zone. */
  localZone: string;
}

// ical.js cannot skip ahead in a rule, so expansion is linear in the occurrences since DTSTART. The cap keeps a
// pathological series (say hourly since 2015) from stalling the caller; 10 000 still covers a daily series
// that started 27 years before the range. Occurrences past the cap are dropped.
const MAX_OCCURRENCES = 10_000;

/**
 * Busy intervals overlapping [from, to), sorted by start, merged where they overlap or touch.
 *
 * Time zones: a TZID resolves against the VTIMEZONEs in the same file (ical.js looks them up in the parsed tree,
 * so no process-wide registration is needed and feeds can't affect each other). Floating times and all-day
 * dates are wall-clock times where the calendar's owner is, so they are read in `localZone` (the agent's zone):
 * an all-day "Vacation" covers the agent's own day. A TZID without a VTIMEZONE is read as that IANA zone when
 * it names one, else in `localZone` too.
 *
 * Only start and end times leave this function; summaries, descriptions and attendees stay in the feed text.
 */
export function busyIntervals(icsText: string, from: Date, to: Date, localZone = 'UTC'): CalendarParse {
  let calendars: ICAL.Component[];
  try {
    calendars = readCalendars(icsText);
  } catch {
    // Parser messages quote the offending line, which may be an event title.
    return { ok: false, error: 'not valid iCalendar text' };
  }
  if (calendars.length === 0) return { ok: false, error: 'not an iCalendar feed (no VCALENDAR)' };

  const range: Range = { from: from.getTime(), to: to.getTime(), localZone };
  try {
    const spans = calendars.flatMap(eventsOf).flatMap((event) => busySpans(event, range));
    return { ok: true, busy: merge(spans) };
  } catch {
    // Values are parsed lazily, so a malformed date or rule only surfaces while expanding.
    return { ok: false, error: 'an event has an invalid date or recurrence rule' };
  }
}

function readCalendars(icsText: string): ICAL.Component[] {
  const parsed: unknown = ICAL.parse(icsText);
  if (!Array.isArray(parsed)) return [];
  // One top-level component parses to a jCal array, several (or none) to an array of them.
  const roots: unknown[] = typeof parsed[0] === 'string' ? [parsed] : parsed;
  const calendars = roots.filter(Array.isArray).map((jcal) => new ICAL.Component(jcal));
  return calendars.every((c) => c.name === 'vcalendar') ? calendars : [];
}

function eventsOf(calendar: ICAL.Component): ICAL.Event[] {
  const vevents = calendar.getAllSubcomponents('vevent').filter((v) => v.hasProperty('dtstart'));
  const overridesByUid = new Map<string, ICAL.Component[]>();
  for (const vevent of vevents) {
    if (!vevent.hasProperty('recurrence-id')) continue;
    const uid = uidOf(vevent);
    if (!uid) continue;
    overridesByUid.set(uid, [...(overridesByUid.get(uid) ?? []), vevent]);
  }
  // Exceptions are always passed explicitly: left to itself, ical.js relates every RECURRENCE-ID in the
  // calendar to every master, whatever its UID.
  return vevents.map((vevent) =>
    vevent.hasProperty('recurrence-id')
      ? new ICAL.Event(vevent)
      : new ICAL.Event(vevent, { exceptions: overridesByUid.get(uidOf(vevent)) ?? [] }),
  );
}

function busySpans(event: ICAL.Event, range: Range): BusyInterval[] {
  if (!isBusy(event.component)) return [];
  // An override (RECURRENCE-ID) counts as an event in its own right, at its own time and with its own status,
  // so one moved into the range, out of it, or cancelled is handled without looking at its master.
  if (!event.isRecurring() || event.isRecurrenceException()) {
    return overlapping(event.startDate, event.endDate, range);
  }
  const spans: BusyInterval[] = [];
  const occurrences = event.iterator();
  for (let n = 0; n < MAX_OCCURRENCES; n++) {
    const occurrence = occurrences.next();
    if (!occurrence || millis(occurrence, range.localZone) >= range.to) break;
    const details = event.getOccurrenceDetails(occurrence);
    // Overridden: that VEVENT is expanded on its own (a RANGE=THISANDFUTURE shift still applies here).
    if (details.item !== event && details.item.recurrenceId.compare(occurrence) === 0) continue;
    spans.push(...overlapping(details.startDate, details.endDate, range));
  }
  return spans;
}

function isBusy(vevent: ICAL.Component): boolean {
  const transp = String(vevent.getFirstPropertyValue('transp') ?? '').toUpperCase();
  const status = String(vevent.getFirstPropertyValue('status') ?? '').toUpperCase();
  return transp !== 'TRANSPARENT' && status !== 'CANCELLED';
}

/** The whole interval when it overlaps the range: callers want to know when the meeting really ends. */
function overlapping(start: ICAL.Time, end: ICAL.Time, range: Range): BusyInterval[] {
  const startsAt = millis(start, range.localZone);
  const endsAt = millis(end, range.localZone);
  if (endsAt <= startsAt || startsAt >= range.to || endsAt <= range.from) return [];
  return [{ startsAt: new Date(startsAt), endsAt: new Date(endsAt) }];
}

// Not toJSDate(): that reads floating times in the process's local zone, which would make results depend on TZ.
function millis(time: ICAL.Time, localZone: string): number {
  if (time.zone?.tzid !== 'floating') return time.toUnixTime() * 1000;
  const named = 'timezone' in time && typeof time.timezone === 'string' ? time.timezone : undefined;
  const zone = named && IANAZone.isValidZone(named) ? named : localZone;
  const { year, month, day, hour, minute, second } = time;
  return DateTime.fromObject({ year, month, day, hour, minute, second }, { zone }).toMillis();
}

function uidOf(vevent: ICAL.Component): string {
  return String(vevent.getFirstPropertyValue('uid') ?? '');
}

function merge(spans: BusyInterval[]): BusyInterval[] {
  const sorted = [...spans].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
  const merged: BusyInterval[] = [];
  for (const span of sorted) {
    const last = merged.at(-1);
    if (last && span.startsAt.getTime() <= last.endsAt.getTime()) {
      if (span.endsAt > last.endsAt) last.endsAt = span.endsAt;
    } else {
      merged.push({ ...span });
    }
  }
  return merged;
}
