import { DateTime } from 'luxon';
import { AWAY_DAY_START_HOUR, AWAY_MAX_DAYS } from './away-parser.js';

export type PickedAway =
  | { ok: true; until: Date | null }
  | { ok: false; field: 'back_date' | 'back_time'; message: string };

/**
 * The /away modal's date and time pickers, read in the agent's zone. Neither: until /back. A date
 * alone: back at the start of that day. A time alone: today. Never in the past, never too far.
 */
export function awayUntilFromPickers(
  date: string | null,
  time: string | null,
  zone: string,
  now: Date,
): PickedAway {
  if (!date && !time) return { ok: true, until: null };
  const today = DateTime.fromJSDate(now, { zone });
  const day = date ? DateTime.fromISO(date, { zone }) : today.startOf('day');
  if (!day.isValid) return { ok: false, field: 'back_date', message: 'Pick a date from the calendar.' };
  const [hour, minute] = time ? time.split(':').map(Number) : [AWAY_DAY_START_HOUR, 0];
  const at = day.set({ hour: hour ?? AWAY_DAY_START_HOUR, minute: minute ?? 0, second: 0, millisecond: 0 });
  if (!at.isValid) return { ok: false, field: 'back_time', message: 'Pick a time from the list.' };
  if (at <= today) {
    return {
      ok: false,
      field: time ? 'back_time' : 'back_date',
      message: 'That time has already passed. Pick a later one.',
    };
  }
  if (at > today.plus({ days: AWAY_MAX_DAYS })) {
    return { ok: false, field: 'back_date', message: `Pick a date within ${AWAY_MAX_DAYS} days.` };
  }
  return { ok: true, until: at.toJSDate() };
}
