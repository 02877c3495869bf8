import type { RespondFn } from '@slack/bolt';
import { isTeamLeader, isTeamMember } from '../../../dispatch/roster.js';
import { labelsOf } from '../../../reports/cli.js';
import { buildReport } from '../../../reports/report.js';
import { whisper } from '../../actions/reply.js';
import { renderStats } from '../../blocks/report.js';
import { TEAM_ONLY } from '../../blocks/stale-click.js';
import type { SlackDeps } from '../../deps.js';
import type { DispatchSubcommand } from './subcommand.js';

export const STATS_REFUSED =
  "Only team leaders can see the team's figures. Your own week is on the app's Home tab.";
const STATS_PERIODS: Record<string, number> = { '': 7, '7d': 7, '30d': 30 };

/** `/dispatch stats [7d|30d]`: the team's figures, to a leader only, privately. */
export const stats: DispatchSubcommand = {
  name: 'stats',
  usage:
    "• `/dispatch stats` or `/dispatch stats 30d`: the team's figures for the last 7 or 30 days (team leaders)",
  run: (deps, command, args, respond) => dispatchStats(deps, command.user_id, args.toLowerCase(), respond),
};

export async function dispatchStats(deps: SlackDeps, userId: string, period: string, respond: RespondFn) {
  const { ctx } = deps;
  if (!isTeamMember(ctx.config, userId)) return whisper(respond, TEAM_ONLY);
  if (!isTeamLeader(ctx.config, userId)) return whisper(respond, STATS_REFUSED);
  const days = STATS_PERIODS[period];
  if (days === undefined)
    return whisper(respond, 'I can show the last 7 or 30 days: try `/dispatch stats 30d`.');
  // Up to and including this millisecond, so a lead stored just now is counted.
  const until = new Date(ctx.clock.now().getTime() + 1);
  const since = new Date(until.getTime() - days * 86_400_000);
  const report = buildReport(ctx.db.$client, ctx.config, since, until, undefined, ctx.clock.now());
  const rendered = renderStats(report, labelsOf(ctx.config));
  await respond({ response_type: 'ephemeral', replace_original: false, ...rendered });
}
