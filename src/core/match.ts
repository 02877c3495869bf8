import { DateTime } from 'luxon';
import type { RuleConfig, WeeklyHours } from '../config/dispatch-schema.js';
import { normalizeSource } from './classify.js';

export interface RoutableTask {
  type: string;
  source: string;
  zip: string | null;
  price: number | null;
  tags: string[];
  referringAgent: string | null;
}

const WEEKDAY_KEYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** Whether `now` falls in the weekly window, in `zone`; a window whose end is before its start wraps past midnight. */
export function withinWeeklyHours(hours: WeeklyHours, now: Date, zone: string): boolean {
  const local = DateTime.fromJSDate(now, { zone });
  const minutes = local.hour * 60 + local.minute;
  const start = toMinutes(hours.start);
  const end = toMinutes(hours.end);
  const today = WEEKDAY_KEYS[local.weekday - 1];
  const yesterday = WEEKDAY_KEYS[(local.weekday + 5) % 7];
  const days = new Set<string>(hours.days);
  if (start < end) return today !== undefined && days.has(today) && minutes >= start && minutes < end;
  // Overnight window such as 18:00–08:00: the early hours belong to the day the window opened.
  return (
    (today !== undefined && days.has(today) && minutes >= start) ||
    (yesterday !== undefined && days.has(yesterday) && minutes < end)
  );
}

function toMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

export function ruleMatches(rule: RuleConfig, task: RoutableTask, now: Date, zone: string): boolean {
  const m = rule.match;
  if (m.type && !m.type.includes(task.type)) return false;
  if (m.source && !m.source.some((s) => normalizeSource(s) === normalizeSource(task.source))) return false;
  if (m.zip && (task.zip === null || !m.zip.includes(task.zip))) return false;
  if (m.price) {
    if (task.price === null) return false;
    if (m.price.min !== undefined && task.price < m.price.min) return false;
    if (m.price.max !== undefined && task.price > m.price.max) return false;
  }
  if (m.tags) {
    const tags = new Set(task.tags.map((t) => t.toLowerCase()));
    if (!m.tags.some((t) => tags.has(t.toLowerCase()))) return false;
  }
  if (m.when && !withinWeeklyHours(m.when, now, zone)) return false;
  return true;
}
