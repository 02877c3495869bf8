import { isTeamLeader } from '../../../dispatch/roster.js';
import { whisper } from '../../actions/reply.js';
import type { SlackDeps } from '../../deps.js';
import type { DispatchSubcommand } from './subcommand.js';

export const RELOAD_REFUSED = 'Only team leaders can reload the rules.';

/**
 * `/dispatch reload`: the file on disk is the truth, so this only reads it again; the leaders'
 * channel gets the same note as for any reload, and the leader who asked gets the outcome.
 */
export const reload: DispatchSubcommand = {
  name: 'reload',
  usage: '• `/dispatch reload`: read dispatch.yml again and put it in force if it is valid (team leaders)',
  run: (deps, command, _args, respond) =>
    dispatchReload(deps, command.user_id, (text) => whisper(respond, text)),
};

export async function dispatchReload(
  deps: SlackDeps,
  userId: string,
  reply: (text: string) => Promise<unknown>,
) {
  if (!isTeamLeader(deps.ctx.config, userId)) return reply(RELOAD_REFUSED);
  const result = deps.reload?.('slack', userId);
  if (!result)
    return reply(
      'This app was started without a dispatch.yml file to read again (or reading it failed; see the log).',
    );
  if (result.outcome === 'refused')
    return reply(
      `dispatch.yml has problems, so the rules in force stay as they were:\n${result.report
        .slice(0, 20)
        .map((line) => `• ${line}`)
        .join('\n')}`,
    );
  if (result.outcome === 'unchanged') return reply('dispatch.yml has not changed since it was last loaded.');
  return reply(`Reloaded: ${result.report.join('; ')}. The leaders' channel has the details.`);
}
