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

/**
 * The business window that contains `at` or the next one after it (searches two weeks ahead).
 * Starts a day back so an overnight window that opened yesterday evening is still found.
 */
export function nextWindow(hours: WeeklyHours, at: DateTime): { start: DateTime; end: DateTime } | undefined {
  const open = minutesOf(hours.start);
  const close = minutesOf(hours.end);
  // Whether a window wraps past midnight is a fact of the config, not of the computed times:
  // on a spring-forward night luxon moves a start inside the gap, which must not look like a wrap.
  const overnight = isOvernight(hours);
  for (let i = -1; i < 15; i++) {
    const day = at.startOf('day').plus({ days: i });
    if (!hours.days.includes(weekdayOf(day.weekday))) continue;
    const start = day.set({ hour: open.hour, minute: open.minute });
    const end = (overnight ? day.plus({ days: 1 }) : day).set({ hour: close.hour, minute: close.minute });
    if (end > at && end > start) return { start: start > at ? start : at, end };
  }
  return undefined;
}

/**
 * When someone who keeps these hours is next at work, at or after `now`: `now` itself when they
 * are within them, undefined when the hours never open.
 */
export function nextOpening(hours: readonly WeeklyHours[], now: Date, zone: string): Date | undefined {
  const at = DateTime.fromJSDate(now, { zone });
  const starts = hours
    .map((h) => nextWindow(h, at)?.start.toMillis())
    .filter((t): t is number => t !== undefined);
  return starts.length > 0 ? new Date(Math.min(...starts)) : undefined;
}

/** Whether `now` falls within any of the weekly windows. */
export function withinAnyHours(hours: readonly WeeklyHours[], now: Date, zone: string): boolean {
  return hours.some((h) => withinWeeklyHours(h, now, zone));
}
