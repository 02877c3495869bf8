import type { StaleOffer } from '../../dispatch/offer-actions.js';
import { clockTime, escapeText } from './format.js';

/** The friendly ephemeral for a click that changed nothing. */
export function staleClickText(stale: StaleOffer, zone: string): string {
  switch (stale.kind) {
    case 'unknown':
      return 'This offer no longer exists. Nothing was changed.';
    case 'not_yours':
      return `This lead was offered to ${escapeText(stale.offeredTo)}, not to you. Nothing was changed.`;
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
  }
}
