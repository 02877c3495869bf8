import type { AvailabilityRefusal } from '../../dispatch/availability.js';
import { escapeText } from './format.js';

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
