import { DateTime } from 'luxon';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface WeeklyHours {
  days: readonly Weekday[];
  /** "HH:MM", 24-hour. */
  start: string;
  end: string;
}

/** Luxon numbers weekdays 1 (Monday) to 7 (Sunday). */
export function weekdayOf(luxonWeekday: number): Weekday {
  return WEEKDAYS[(((luxonWeekday - 1) % 7) + 7) % 7] ?? 'mon';
}

export function minutesOf(hhmm: string): { hour: number; minute: number; total: number } {
  const [hour = 0, minute = 0] = hhmm.split(':').map(Number);
  return { hour, minute, total: hour * 60 + minute };
}

/** A window whose end is not after its start runs past midnight (18:00–08:00). */
export function isOvernight(hours: WeeklyHours): boolean {
  return minutesOf(hours.end).total <= minutesOf(hours.start).total;
}

/** Whether `now` falls in the weekly window, in `zone`; the early hours of an overnight window belong to the day it opened. */
export function withinWeeklyHours(hours: WeeklyHours, now: Date, zone: string): boolean {
  const local = DateTime.fromJSDate(now, { zone });
  const minutes = local.hour * 60 + local.minute;
  const start = minutesOf(hours.start).total;
  const end = minutesOf(hours.end).total;
  const today = weekdayOf(local.weekday);
  const yesterday = weekdayOf(local.weekday - 1);
  if (!isOvernight(hours)) return hours.days.includes(today) && minutes >= start && minutes < end;
  return (
    (hours.days.includes(today) && minutes >= start) || (hours.days.includes(yesterday) && minutes < end)
  );
}
