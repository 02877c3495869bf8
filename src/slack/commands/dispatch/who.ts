import { teamStatus } from '../../../dispatch/team-status.js';
import { whisper, zoneOf } from '../../actions/reply.js';
import { renderTeamStatus } from '../../blocks/team-status.js';
import type { DispatchSubcommand } from './subcommand.js';

/** `/dispatch who`: who is available, on duty, away, busy or off hours, with their open leads. */
export const who: DispatchSubcommand = {
  name: 'who',
  aliases: ['status'],
  usage:
    '• `/dispatch who`: who is available, on duty, away, busy or off hours (until when), with their open leads',
  run(deps, command, _args, respond) {
    const now = deps.ctx.clock.now();
    return whisper(
      respond,
      renderTeamStatus(teamStatus(deps.ctx.db, deps.ctx.config, now), zoneOf(deps, command.user_id), now),
    );
  },
};
