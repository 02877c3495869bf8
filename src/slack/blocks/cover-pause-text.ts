import type { CoverLine, PauseLine } from '../../dispatch/team-status.js';
import { dayAndTime, escapeText } from './format.js';

/**
 * The words for `/dispatch cover` and `/dispatch pause`: the lines `/dispatch who` and the
 * listings show, the replies to the person who typed them, and their usage.
 */

export const COVER_USAGE = [
  '*Usage:* `/dispatch cover @person [for <rotation>] <when>`, in your own time zone:',
  '• `/dispatch cover @ivy until monday 8am` — Ivy is on duty after hours instead of the rotation until then',
  '• `/dispatch cover me for evenings until 11pm` — take a shift yourself; name the rotation when there are several',
  '• `/dispatch cover @ivy 8h`, `/dispatch cover @ivy until tomorrow` — for a while, or until 9:00 AM that day',
  '• `/dispatch cover end @ivy` — end Ivy’s cover now; `/dispatch cover list` — covers in force',
  'Team leaders may set anyone; everyone else covers only themselves.',
].join('\n');

export const PAUSE_USAGE = [
  '*Usage:* `/dispatch pause rule|source <name> <when>` (team leaders), in your own time zone:',
  '• `/dispatch pause source zillow 2h` — Zillow leads are kept and held, then sent out in the order they came',
  '• `/dispatch pause rule portal-buyer-lead until 3pm` — routing skips the rule: its leads go to the next rule that matches',
  '• `/dispatch resume source zillow` — end a pause now; `/dispatch pause list` — pauses in force',
].join('\n');

/** "🔁 *Ivy Chen* covering evenings until Mon, Nov 30 at 8:00 AM CST (set by Lee Walker)". */
export function coverLine(c: CoverLine, zone: string, now: Date): string {
  const by = c.setBy === c.name ? '' : ` (set by ${escapeText(c.setBy)})`;
  return `🔁 *${escapeText(c.name)}* covering ${escapeText(c.rotation)} until ${dayAndTime(c.until, zone, now)}${by}`;
}

/** "⏸ Source *zillow* paused until 3:00 PM CST by Lee Walker · 2 leads held". */
export function pauseLine(p: PauseLine, zone: string, now: Date): string {
  const held =
    p.kind === 'source'
      ? ` · ${p.held} lead${p.held === 1 ? '' : 's'} held until then`
      : ' · its leads go to the next rule';
  return `⏸ ${p.kind === 'rule' ? 'Rule' : 'Source'} *${escapeText(p.name)}* paused until ${dayAndTime(p.until, zone, now)} by ${escapeText(p.setByName)}${held}`;
}

export function coverListText(covers: readonly CoverLine[], zone: string, now: Date): string {
  if (covers.length === 0) return 'Nobody is covering an on-duty rotation: each rotation follows its turns.';
  return `*On-duty covers in force*\n${covers.map((c) => coverLine(c, zone, now)).join('\n')}`;
}

export function pauseListText(pauses: readonly PauseLine[], zone: string, now: Date): string {
  if (pauses.length === 0) return 'No rule or source is paused.';
  return `*Pauses in force*\n${pauses.map((p) => pauseLine(p, zone, now)).join('\n')}`;
}

export type CoverReply =
  | { kind: 'set'; self: boolean; name: string; rotation: string; until: Date; replaced: string | undefined }
  | { kind: 'ended'; self: boolean; name: string; rotations: string[] }
  | { kind: 'not_leader' }
  | { kind: 'not_an_agent' }
  | { kind: 'inactive'; name: string };

/** The private answer to `/dispatch cover …`, in the sender's time. */
export function coverReplyText(r: CoverReply, zone: string, now: Date): string {
  switch (r.kind) {
    case 'set': {
      const who = r.self ? "You're" : `${escapeText(r.name)} is`;
      const instead = r.replaced ? `, instead of ${escapeText(r.replaced)}` : '';
      return `🔁 ${who} on duty for ${escapeText(r.rotation)} until ${dayAndTime(r.until, zone, now)}${instead}. After-hours leads of that rotation go to ${r.self ? 'you' : 'them'} first. The leaders' channel has been told.`;
    }
    case 'ended':
      if (r.rotations.length === 0)
        return r.self
          ? "You aren't covering any rotation."
          : `${escapeText(r.name)} isn't covering any rotation.`;
      return `${r.self ? 'Your' : `${escapeText(r.name)}'s`} cover of ${r.rotations.map(escapeText).join(', ')} has ended: the rotation's turns apply again.`;
    case 'not_leader':
      return 'Only team leaders can set someone else on duty. You can take a shift yourself: `/dispatch cover me until 11pm`.';
    case 'not_an_agent':
      return "That person isn't on the team in dispatch.yml, so they can't be on duty.";
    case 'inactive':
      return `${escapeText(r.name)} is inactive in dispatch.yml, so they can't be on duty.`;
  }
}

export type PauseReply =
  | { kind: 'paused'; target: 'rule' | 'source'; name: string; until: Date; replaced: boolean }
  | { kind: 'resumed'; target: 'rule' | 'source'; name: string; released: number }
  | { kind: 'not_paused'; target: 'rule' | 'source'; name: string }
  | { kind: 'not_leader' };

/** The private answer to `/dispatch pause …` and `/dispatch resume …`. */
export function pauseReplyText(r: PauseReply, zone: string, now: Date): string {
  switch (r.kind) {
    case 'paused': {
      const what =
        r.target === 'rule'
          ? 'routing skips it, so its leads go to the next rule that matches'
          : 'its new leads are kept and held, then sent out in the order they came';
      return `⏸ ${r.target === 'rule' ? 'Rule' : 'Source'} ${escapeText(r.name)} is paused until ${dayAndTime(r.until, zone, now)}${r.replaced ? ' (the earlier pause is replaced)' : ''}: ${what}. \`/dispatch resume ${r.target} ${escapeText(r.name)}\` ends it sooner.`;
    }
    case 'resumed': {
      const held =
        r.target === 'source' && r.released > 0
          ? ` The ${r.released} held lead${r.released === 1 ? '' : 's'} go${r.released === 1 ? 'es' : ''} out now, in the order they came.`
          : '';
      return `▶️ ${r.target === 'rule' ? 'Rule' : 'Source'} ${escapeText(r.name)} is running again.${held}`;
    }
    case 'not_paused':
      return `${r.target === 'rule' ? 'Rule' : 'Source'} ${escapeText(r.name)} isn't paused.`;
    case 'not_leader':
      return 'Only team leaders can pause or resume a rule or a source.';
  }
}
