import type { BusySignal } from './availability.js';

/** What users.info says of a custom status (profile.status_*); expiration 0 means it never expires. */
export interface SlackStatus {
  text: string;
  emoji: string;
  expiration: number;
}

/** What dnd.info says: a schedule (when enabled) and a manual snooze; times are Unix seconds. */
export interface SlackDnd {
  dnd_enabled?: boolean;
  next_dnd_start_ts?: number;
  next_dnd_end_ts?: number;
  snooze_enabled?: boolean;
  snooze_endtime?: number;
}

export interface StatusRules {
  emoji: readonly string[];
  text: readonly string[];
}

const colons = (emoji: string) => `:${emoji.trim().replace(/^:|:$/g, '').toLowerCase()}:`;

/**
 * A status counts as away when its emoji is one of the listed ones, or its text contains one of
 * the listed words or phrases as whole words ("showing" matches "Showing 12 Elm", not "showings").
 */
export function statusBusy(status: SlackStatus, rules: StatusRules, fetchedAt: Date): BusySignal | undefined {
  const emoji = status.emoji ? colons(status.emoji) : '';
  const byEmoji = emoji !== '' && rules.emoji.some((e) => colons(e) === emoji);
  const text = status.text.toLowerCase();
  const byText = rules.text.some((t) =>
    new RegExp(`(^|\\W)${escapeRegExp(t.toLowerCase())}($|\\W)`).test(text),
  );
  if (!byEmoji && !byText) return undefined;
  const endsAt = status.expiration > 0 ? new Date(status.expiration * 1000) : null;
  if (endsAt && endsAt <= fetchedAt) return undefined;
  return {
    source: 'status',
    startsAt: fetchedAt,
    endsAt,
    reason: [status.emoji, status.text].filter(Boolean).join(' ') || null,
  };
}

/** A snooze runs from now to its end; a schedule from its next start to its next end (which may be now). */
export function dndBusy(dnd: SlackDnd, fetchedAt: Date): BusySignal[] {
  const spans: BusySignal[] = [];
  if (dnd.snooze_enabled && dnd.snooze_endtime && dnd.snooze_endtime * 1000 > fetchedAt.getTime()) {
    spans.push({
      source: 'dnd',
      startsAt: fetchedAt,
      endsAt: new Date(dnd.snooze_endtime * 1000),
      reason: 'notifications paused',
    });
  }
  const start = dnd.next_dnd_start_ts;
  const end = dnd.next_dnd_end_ts;
  if (dnd.dnd_enabled && start && end && end > start && end * 1000 > fetchedAt.getTime()) {
    spans.push({
      source: 'dnd',
      startsAt: new Date(start * 1000),
      endsAt: new Date(end * 1000),
      reason: 'Do Not Disturb schedule',
    });
  }
  return spans;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
