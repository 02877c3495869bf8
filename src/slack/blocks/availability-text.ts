import type { Availability, SignalSource } from '../../core/availability.js';
import { formatBack } from '../../core/away-parser.js';
import type { AvailabilityRefusal } from '../../dispatch/away.js';
import { escapeText } from './format.js';

const SIGNAL_WORDS: Record<SignalSource, string> = {
  dnd: 'in Do Not Disturb',
  status: 'busy by Slack status',
  calendar: 'busy in their calendar',
};

/**
 * Why someone gets no offers, as one phrase without a subject ("away until Fri, Dec 4 at 5:00 PM (CST)
 * (showing)"), shared by `/dispatch who` and App Home so both say the same thing.
 */
export function unavailablePhrase(
  a: Exclude<Availability, { available: true }>,
  zone: string,
  now: Date,
): { emoji: string; text: string } {
  const until = (d: Date | null, open: string) => (d ? `until ${formatBack(d, zone, now)}` : open);
  const why = (r: string | null) => (r ? ` (${escapeText(r)})` : '');
  switch (a.why) {
    case 'inactive':
      return { emoji: '⚪', text: 'inactive' };
    case 'away':
      return { emoji: '🌴', text: `away ${until(a.until, 'until /back')}${why(a.reason)}` };
    case 'busy':
      return { emoji: '⛔', text: `${SIGNAL_WORDS[a.source]} ${until(a.until, 'for now')}${why(a.reason)}` };
    case 'off_hours':
      return {
        emoji: '🌙',
        text: a.opensAt
          ? `off hours until ${formatBack(a.opensAt, zone, now)}`
          : 'off hours (their working hours never open)',
      };
  }
}

export function availabilityRefusalText(refusal: AvailabilityRefusal): string {
  if (refusal.kind === 'not_leader')
    return 'Only team leaders can set someone else away or back. Nothing was changed.';
  return `<@${refusal.userId}> is not an agent in dispatch.yml. Nothing was changed.`;
}

/** The reply to /away: exactly when they are back, in their own time, and what happens meanwhile. */
export function awayConfirmation(args: {
  self: boolean;
  name: string;
  back: string | null;
  reason: string | null;
  withdrawn: number;
}): string {
  const who = args.self ? "You're" : `${escapeText(args.name)} is`;
  const when = args.back ? `away until ${args.back}` : 'away until /back';
  const why = args.reason ? ` (${escapeText(args.reason)})` : '';
  const moved =
    args.withdrawn > 0
      ? ` ${args.withdrawn === 1 ? 'The lead offered' : `The ${args.withdrawn} leads offered`} to ${args.self ? 'you' : 'them'} moved on to the next agent.`
      : '';
  const early = args.self ? ' /back to return early.' : '';
  return `${who} ${when}${why}. Leads go to the rest of the team.${moved}${early}`;
}
