import type { RespondFn } from '@slack/bolt';
import { agentZone, findAgent } from '../../dispatch/roster.js';
import type { SlackDeps } from '../deps.js';

/** The zone a person reads times in: their agent row's, else the team's. */
export function zoneOf(deps: SlackDeps, userId: string): string {
  return agentZone(findAgent(deps.ctx.db, userId), deps.ctx.config);
}

/** A private note to the one who clicked; the message they clicked stays as it is. */
export async function whisper(respond: RespondFn, text: string): Promise<void> {
  await respond({ response_type: 'ephemeral', replace_original: false, text });
}
