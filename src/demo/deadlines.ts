import type { Db } from '../db/connection.js';

export interface Deadline {
  at: Date;
  /** What happens then, in the page's words. */
  what: string;
}

/**
 * The next moment the sweeper has something to do, read from the rows that hold every deadline: a
 * live offer's SLA, a lead held until opening, a claimed lead's contact reminder, an /away that ends,
 * an open escalation's reminder to the leaders (`escalationReminder` seconds after they were last told).
 * "Jump to the next deadline" moves the demo clock there; the app itself never asks this.
 */
export function nextDeadline(db: Db, now: Date, escalationReminder: number): Deadline | undefined {
  const at = now.getTime();
  const sql = db.$client;
  const first = (query: string, ...before: number[]): number | undefined => {
    const row = sql.prepare(query).get(...before, at) as { at: number | null } | undefined;
    return row?.at ?? undefined;
  };
  const reminder = escalationReminder * 1000;
  const candidates: Array<[number | undefined, string]> = [
    [
      first(`select min(deadline) as at from offers where status = 'live' and deadline > ?`),
      'an offer lapses',
    ],
    [first(`select min(held_until) as at from tasks where status = 'held' and held_until > ?`), 'opening'],
    [
      first(
        `select min(contact_due_at) as at from tasks
         where contacted_at is null and contact_due_at is not null and contact_due_at > ?`,
      ),
      'a contact reminder',
    ],
    [
      first(`select min(ends_at) as at from away_windows where ended_at is null and ends_at > ?`),
      'someone is back',
    ],
    [
      // As reannounceEscalations picks them: open, posted, told `escalation_reminder` ago.
      first(
        `select min(announced_at + ?) as at from escalations
         where resolved_at is null and ts is not null and announced_at + ? > ?`,
        reminder,
        reminder,
      ),
      'the leaders are reminded',
    ],
  ];
  let best: Deadline | undefined;
  for (const [when, what] of candidates) {
    if (when !== undefined && (!best || when < best.at.getTime())) best = { at: new Date(when), what };
  }
  return best;
}
