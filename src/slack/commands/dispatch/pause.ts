import type { RespondFn, SlashCommand } from '@slack/bolt';
import { parseEndTime } from '../../../core/away-parser.js';
import { resolvePauseTarget } from '../../../core/pause.js';
import { parsePauseCommand } from '../../../core/team-commands.js';
import { resumePause, setPause } from '../../../dispatch/pause.js';
import { isTeamLeader, isTeamMember } from '../../../dispatch/roster.js';
import { pauseLines } from '../../../dispatch/team-status.js';
import { whisper, zoneOf } from '../../actions/reply.js';
import { PAUSE_USAGE, pauseListText, pauseReplyText } from '../../blocks/cover-pause-text.js';
import { TEAM_ONLY } from '../../blocks/stale-click.js';
import type { SlackDeps } from '../../deps.js';
import type { DispatchSubcommand } from './subcommand.js';

/** `/dispatch pause source zillow 2h`, `/dispatch pause rule <name> until 3pm`, `/dispatch pause list`. */
export const pause: DispatchSubcommand = {
  name: 'pause',
  usage:
    '• `/dispatch pause source zillow 2h`, `/dispatch pause rule <name> until 3pm`: hold a source’s leads, or skip a rule, for a while (team leaders; `pause list`)',
  run: (deps, command, args, respond) => dispatchPause(deps, command, args, respond, false),
};

/** `/dispatch resume source zillow`, `/dispatch resume rule <name>`. */
export const resume: DispatchSubcommand = {
  name: 'resume',
  usage: '• `/dispatch resume source zillow`: end a pause now (team leaders)',
  run: (deps, command, args, respond) => dispatchPause(deps, command, args, respond, true),
};

export async function dispatchPause(
  deps: SlackDeps,
  command: SlashCommand,
  args: string,
  respond: RespondFn,
  resuming: boolean,
): Promise<void> {
  const { ctx } = deps;
  const sender = command.user_id;
  const zone = zoneOf(deps, sender);
  const now = ctx.clock.now();
  const parsed = parsePauseCommand(args, resuming);
  const usage = (hint: string | undefined) =>
    whisper(respond, hint ? `${hint}\n\n${PAUSE_USAGE}` : PAUSE_USAGE);
  if (parsed.kind === 'usage') return usage(parsed.hint);
  if (parsed.kind === 'list' && !isTeamMember(ctx.config, command.user_id))
    return whisper(respond, TEAM_ONLY);
  if (parsed.kind === 'list') return whisper(respond, pauseListText(pauseLines(ctx.db, now), zone, now));
  // Refused before the name is checked: someone who may not pause learns nothing about the rules.
  if (!isTeamLeader(ctx.config, sender))
    return whisper(respond, pauseReplyText({ kind: 'not_leader' }, zone, now));
  const target = resolvePauseTarget(ctx.config, parsed.target, parsed.name);
  if (!target.ok) return usage(target.message);
  if (parsed.kind === 'resume') {
    const result = resumePause(ctx, { kind: parsed.target, name: target.name, endedBy: sender });
    if (!result.ok) return whisper(respond, pauseReplyText({ kind: 'not_leader' }, zone, now));
    if (!result.ended)
      return whisper(
        respond,
        pauseReplyText({ kind: 'not_paused', target: parsed.target, name: target.name }, zone, now),
      );
    deps.kick();
    return whisper(
      respond,
      pauseReplyText(
        { kind: 'resumed', target: parsed.target, name: target.name, released: result.released },
        zone,
        now,
      ),
    );
  }
  const end = parseEndTime(parsed.when, now, zone);
  if (!end.ok) return usage(end.message);
  const result = setPause(ctx, { kind: parsed.target, name: target.name, until: end.until, setBy: sender });
  if (!result.ok) return whisper(respond, pauseReplyText({ kind: 'not_leader' }, zone, now));
  deps.kick();
  await whisper(
    respond,
    pauseReplyText(
      {
        kind: 'paused',
        target: parsed.target,
        name: target.name,
        until: end.until,
        replaced: result.replaced !== undefined,
      },
      zone,
      now,
    ),
  );
}
