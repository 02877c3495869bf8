import type { App } from '@slack/bolt';
import { teamStatus } from '../../dispatch/team-status.js';
import { whisper, zoneOf } from '../actions/reply.js';
import { renderTeamStatus } from '../blocks/team-status.js';
import type { SlackDeps } from '../deps.js';

export const DISPATCH_USAGE = [
  '*/dispatch* commands:',
  '• `/dispatch who`: who is available, on duty, away, busy or off hours (until when), with their open leads',
  '• `/away 2h showing 12 Elm St`, `/away until 3pm`, `/away tomorrow`: go away; `/back` to return',
].join('\n');

/** /dispatch who (and help for anything else). */
export function register(app: App, deps: SlackDeps): void {
  app.command('/dispatch', async ({ ack, command, respond }) => {
    await ack();
    const sub = command.text.trim().toLowerCase();
    if (sub === 'who' || sub === 'status') {
      const now = deps.ctx.clock.now();
      return whisper(
        respond,
        renderTeamStatus(teamStatus(deps.ctx.db, deps.ctx.config, now), zoneOf(deps, command.user_id), now),
      );
    }
    const unknown = sub && sub !== 'help' ? `I don't know \`/dispatch ${command.text.trim()}\`.\n` : '';
    await whisper(respond, `${unknown}${DISPATCH_USAGE}`);
  });
}
