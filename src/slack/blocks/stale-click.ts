import type { ContactResult } from '../../dispatch/contact.js';
import type { LeaderRefusal } from '../../dispatch/leader-actions.js';
import type { StaleOffer } from '../../dispatch/offer-actions.js';
import type { MoveRefusal } from '../../dispatch/reassign.js';
import { resolutionPhrase } from './escalation-message.js';
import { clockTime, escapeText } from './format.js';

/** The friendly ephemeral for a click that changed nothing. */
export function staleClickText(stale: StaleOffer, zone: string): string {
  switch (stale.kind) {
    case 'unknown':
      return 'This offer no longer exists. Nothing was changed.';
    case 'not_yours':
      // Whose lead it is stays between them and the team leaders.
      return 'This lead was offered to someone else, not to you. Nothing was changed.';
    case 'claimed':
      return stale.byYou
        ? `You already claimed this lead at ${clockTime(stale.at, zone)}. It's yours.`
        : `Already claimed by ${escapeText(stale.ownerName)} at ${clockTime(stale.at, zone)}.`;
    case 'passed':
      return `You passed on this lead at ${clockTime(stale.at, zone)}, so it moved on. Nothing was changed.`;
    case 'expired':
      return `This offer expired at ${clockTime(stale.at, zone)} and moved on. Nothing was changed.`;
    case 'escalated':
      return `This lead went to the team leaders at ${clockTime(stale.at, zone)}. Nothing was changed.`;
    case 'moved_on':
      return `This offer ended at ${clockTime(stale.at, zone)}. Nothing was changed.`;
    case 'not_in_pond':
      return "Thanks for offering! Only agents in this rule's pool can claim leads from this pond, so it is left for them. Nothing was changed.";
    case 'at_cap':
      return `You are at your cap (${escapeText(stale.detail)}), so this one is left for the others. Mark your claimed leads contacted to take more.`;
  }
}

export function contactResultText(result: Exclude<ContactResult, { ok: true }>, zone: string): string {
  if (result.why === 'already' && result.at)
    return `Already marked contacted at ${clockTime(result.at, zone)}.`;
  if (result.why === 'not_owner') return 'Only the agent who owns this lead can mark it contacted.';
  return 'This lead is no longer yours to mark: it went back to the team leaders.';
}

/** Why a leader's click changed nothing. */
export function leaderRefusalText(refusal: LeaderRefusal, zone: string): string {
  switch (refusal.kind) {
    case 'not_leader':
      return 'Only team leaders can assign, take or return escalated leads. Nothing was changed.';
    case 'unknown_escalation':
      return 'This escalation no longer exists. Nothing was changed.';
    case 'already_resolved': {
      const what = resolutionPhrase(refusal.resolution, refusal.assignee);
      return `${escapeText(refusal.by)} already ${what} at ${clockTime(refusal.at, zone)}. Nothing was changed.`;
    }
    case 'not_an_agent':
      return `<@${refusal.userId}> is not an agent in dispatch.yml, so the lead cannot be assigned to them.`;
    case 'agent_unavailable':
      return `${escapeText(refusal.name)} is not available right now (inactive or away). Pick someone else.`;
  }
}

/** Shown to anyone outside the team (not an agent in dispatch.yml) who asks for the team's views. */
export const TEAM_ONLY =
  "Sorry, that is only for the team in lead-dispatch's dispatch.yml. Ask a team leader if you should be on it.";

/** Why a Reassign… or Hand off… changed nothing. */
export function moveRefusalText(refusal: MoveRefusal): string {
  switch (refusal.kind) {
    case 'not_leader':
      return 'Only team leaders can reassign a lead. Nothing was changed.';
    case 'not_owner':
      return 'Only the agent who owns this lead now can hand it off. Nothing was changed.';
    case 'unknown_task':
      return 'There is no such lead. Nothing was changed.';
    case 'not_open':
      return refusal.status === 'merged'
        ? 'This lead was merged into an earlier one for the same contact: move that one instead.'
        : refusal.status === 'held'
          ? 'This lead is held until the team starts work; it is nobody’s yet, so there is nothing to move.'
          : 'This lead is being routed right now; try again in a moment.';
    case 'with_leaders':
      return 'This lead is waiting in the leaders’ channel: use *Assign to…* on its post there.';
    case 'already_theirs':
      return `It is already ${escapeText(refusal.name)}’s. Nothing was changed.`;
    case 'not_an_agent':
    case 'agent_unavailable':
      return leaderRefusalText(refusal, '');
  }
}
