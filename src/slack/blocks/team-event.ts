import { section } from './elements.js';
import { dayAndTime, escapeText } from './format.js';
import type { RenderedMessage } from './offer-message.js';

/** A change to the team's routing, as the leaders' channel reads it (names resolved). */
export type TeamEventView =
  | {
      kind: 'cover_set';
      actor: string;
      agent: string;
      rotation: string;
      until: Date;
      /** Whose cover this one replaced, if any. */
      replaced: string | undefined;
    }
  | { kind: 'cover_ended'; actor: string; agent: string; rotation: string }
  | { kind: 'pause_set'; actor: string; target: 'rule' | 'source'; name: string; until: Date }
  | { kind: 'pause_ended'; actor: string; target: 'rule' | 'source'; name: string };

/** The one-line announcement in the leaders' channel, in the team's time. */
export function renderTeamEvent(e: TeamEventView, zone: string, now: Date): RenderedMessage {
  const text = teamEventLine(e, zone, now);
  return { text, blocks: [section(text)] };
}

function teamEventLine(e: TeamEventView, zone: string, now: Date): string {
  const actor = escapeText(e.actor);
  switch (e.kind) {
    case 'cover_set': {
      const by = e.actor === e.agent ? 'taking the shift themselves' : `set by ${actor}`;
      const instead = e.replaced ? `, instead of ${escapeText(e.replaced)}` : '';
      return `🔁 *${escapeText(e.agent)}* is covering *${escapeText(e.rotation)}* after hours until ${dayAndTime(e.until, zone, now)} (${by}${instead}).`;
    }
    case 'cover_ended':
      return `🔁 ${actor} ended ${escapeText(e.agent)}'s cover of *${escapeText(e.rotation)}*: the rotation's turns apply again.`;
    case 'pause_set': {
      const what =
        e.target === 'rule'
          ? 'routing skips it; its leads go to the next rule that matches'
          : 'its leads are kept and held, then sent out in the order they came';
      return `⏸ ${actor} paused ${e.target} *${escapeText(e.name)}* until ${dayAndTime(e.until, zone, now)}: ${what}.`;
    }
    case 'pause_ended':
      return `▶️ ${actor} resumed ${e.target} *${escapeText(e.name)}*${e.target === 'source' ? ': its held leads go out now, in the order they came' : ''}.`;
  }
}
