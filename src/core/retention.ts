import { DateTime } from 'luxon';

/** How long a lead's contact details are kept: `2y`, `18 months`, `26 weeks`, `90 days`. */
export interface Retention {
  amount: number;
  unit: 'years' | 'months' | 'weeks' | 'days';
  /** As written in dispatch.yml, for messages. */
  text: string;
}

const UNITS: Array<[RegExp, Retention['unit']]> = [
  [/^(y|yr|yrs|year|years)$/, 'years'],
  [/^(mo|mos|month|months)$/, 'months'],
  [/^(w|wk|wks|week|weeks)$/, 'weeks'],
  [/^(d|day|days)$/, 'days'],
];

/**
 * Reads a retention period; undefined when it is not one. No minutes or hours (nobody keeps
 * contact details for an hour, and `m` would be ambiguous between months and minutes). Pure.
 */
export function parseRetention(text: string): Retention | undefined {
  const match = /^(\d+)\s*([a-z]+)$/i.exec(text.trim());
  if (!match) return undefined;
  const amount = Number(match[1]);
  const word = (match[2] ?? '').toLowerCase();
  const unit = UNITS.find(([re]) => re.test(word))?.[1];
  if (!unit || amount < 1 || amount > 100) return undefined;
  return { amount, unit, text: text.trim() };
}

/** Tasks that arrived before this moment have outlived the period. Calendar months in the team's zone. Pure. */
export function retentionCutoff(now: Date, retention: Retention, zone: string): Date {
  return DateTime.fromJSDate(now, { zone })
    .minus({ [retention.unit]: retention.amount })
    .toJSDate();
}

/** The nightly job runs once per day in the team's zone, from this hour on (quiet, before the work day). */
export const RETENTION_HOUR = 3;

/**
 * The day a run at `now` belongs to (`2026-12-01`, in the team's zone), or undefined before
 * RETENTION_HOUR, when last night's run is still the latest one due. Pure.
 */
export function retentionDay(now: Date, zone: string): string | undefined {
  const local = DateTime.fromJSDate(now, { zone });
  return local.hour >= RETENTION_HOUR ? (local.toISODate() ?? undefined) : undefined;
}

/** What stands in for a contact detail found inside free text (an error message, a note). */
export const REMOVED = '[removed]';

/**
 * `text` with every mention of the given contact details replaced by REMOVED: emails and names
 * case-insensitively, a phone number in whatever format it was written (`isPhone` decides whether
 * a run of digits and separators is that number). Pure.
 */
export function redactText(
  text: string,
  details: { words: readonly string[]; isPhone: (candidate: string) => boolean },
): string {
  let out = text;
  for (const word of details.words) {
    if (word.trim().length < 2) continue;
    const escaped = word.trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    // Whole words only, so a name does not eat the middle of another word.
    out = out.replace(new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'giu'), REMOVED);
  }
  return out.replace(/\+?\(?\d[\d\s().-]{5,}\d/g, (run) => (details.isPhone(run) ? REMOVED : run));
}

/** Applies `change` to every string inside a JSON value; returns the same value when nothing changed. Pure. */
export function mapStrings(value: unknown, change: (text: string) => string): unknown {
  if (typeof value === 'string') return change(value);
  if (Array.isArray(value)) {
    const next = value.map((v) => mapStrings(v, change));
    return next.some((v, i) => v !== value[i]) ? next : value;
  }
  if (value !== null && typeof value === 'object') {
    let changed = false;
    const next: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      next[k] = mapStrings(v, change);
      if (next[k] !== v) changed = true;
    }
    return changed ? next : value;
  }
  return value;
}
