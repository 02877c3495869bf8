import type { RespondFn } from '@slack/bolt';
import { findAgent } from '../../dispatch/roster.js';
import type { SlackDeps } from '../deps.js';

/** The zone a person reads times in: their agent row's, else the team's. */
export function zoneOf(deps: SlackDeps, userId: string): string {
  return findAgent(deps.ctx.db, userId)?.timezone ?? deps.ctx.config.team.timezone;
}

/** A private note to the one who clicked; the message they clicked stays as it is. */
export async function whisper(respond: RespondFn, text: string): Promise<void> {
  await respond({ response_type: 'ephemeral', replace_original: false, text });
}
