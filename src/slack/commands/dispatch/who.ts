import { isTeamMember } from '../../../dispatch/roster.js';
import { teamStatus } from '../../../dispatch/team-status.js';
import { whisper, zoneOf } from '../../actions/reply.js';
import { TEAM_ONLY } from '../../blocks/stale-click.js';
import { renderTeamStatus } from '../../blocks/team-status.js';
import type { DispatchSubcommand } from './subcommand.js';

/** `/dispatch who`: who is available, on duty, away, busy or off hours, with their open leads. */
export const who: DispatchSubcommand = {
  name: 'who',
  aliases: ['status'],
  usage:
    '• `/dispatch who`: who is available, on duty, away, busy or off hours (until when), with their open leads',
  run(deps, command, _args, respond) {
    // Who is away and how loaded each agent is stays inside the team.
    if (!isTeamMember(deps.ctx.config, command.user_id)) return whisper(respond, TEAM_ONLY);
    const now = deps.ctx.clock.now();
    return whisper(
      respond,
      renderTeamStatus(teamStatus(deps.ctx.db, deps.ctx.config, now), zoneOf(deps, command.user_id), now),
    );
  },
};
