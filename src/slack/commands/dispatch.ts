import type { App, RespondFn } from '@slack/bolt';
import { isTeamLeader } from '../../dispatch/roster.js';
import { teamStatus } from '../../dispatch/team-status.js';
import { labelsOf } from '../../reports/cli.js';
import { buildReport } from '../../reports/report.js';
import { whisper, zoneOf } from '../actions/reply.js';
import { renderStats } from '../blocks/report.js';
import { renderTeamStatus } from '../blocks/team-status.js';
import type { SlackDeps } from '../deps.js';

export const DISPATCH_USAGE = [
  '*/dispatch* commands:',
  '• `/dispatch who`: who is available, on duty, away, busy or off hours (until when), with their open leads',
  "• `/dispatch stats` or `/dispatch stats 30d`: the team's figures for the last 7 or 30 days (team leaders)",
  '• `/away 2h showing 12 Elm St`, `/away until 3pm`, `/away tomorrow`: go away; `/back` to return',
].join('\n');

export const STATS_REFUSED =
  "Only team leaders can see the team's figures. Your own week is on the app's Home tab.";
const STATS_PERIODS: Record<string, number> = { '': 7, '7d': 7, '30d': 30 };

/** /dispatch who, /dispatch stats (and help for anything else). */
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
    if (sub === 'stats' || sub.startsWith('stats '))
      return dispatchStats(deps, command.user_id, sub.slice(5).trim(), respond);
    const unknown = sub && sub !== 'help' ? `I don't know \`/dispatch ${command.text.trim()}\`.\n` : '';
    await whisper(respond, `${unknown}${DISPATCH_USAGE}`);
  });
}

/** `/dispatch stats [7d|30d]`: the team's figures, to a leader only, privately. */
export async function dispatchStats(deps: SlackDeps, userId: string, period: string, respond: RespondFn) {
  const { ctx } = deps;
  if (!isTeamLeader(ctx.config, userId)) return whisper(respond, STATS_REFUSED);
  const days = STATS_PERIODS[period];
  if (days === undefined)
    return whisper(
      respond,
      `I can show the last 7 or 30 days: try \`/dispatch stats 30d\`.\n${DISPATCH_USAGE}`,
    );
  // Up to and including this millisecond, so a lead stored just now is counted.
  const until = new Date(ctx.clock.now().getTime() + 1);
  const since = new Date(until.getTime() - days * 86_400_000);
  const report = buildReport(ctx.db.$client, ctx.config, since, until, undefined, ctx.clock.now());
  const stats = renderStats(report, labelsOf(ctx.config));
  await respond({ response_type: 'ephemeral', replace_original: false, ...stats });
}
