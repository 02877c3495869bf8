import type { RespondFn, SlashCommand } from '@slack/bolt';
import { parseEndTime } from '../../../core/away-parser.js';
import { chooseRotation } from '../../../core/cover.js';
import { parseCoverCommand } from '../../../core/team-commands.js';
import { endCover, setCover } from '../../../dispatch/cover.js';
import { agentName, isTeamMember } from '../../../dispatch/roster.js';
import { coverLines } from '../../../dispatch/team-status.js';
import { whisper, zoneOf } from '../../actions/reply.js';
import { COVER_USAGE, coverListText, coverReplyText } from '../../blocks/cover-pause-text.js';
import { TEAM_ONLY } from '../../blocks/stale-click.js';
import type { SlackDeps } from '../../deps.js';
import type { DispatchSubcommand } from './subcommand.js';

/** `/dispatch cover @ivy [for <rotation>] until monday 8am`, `cover end @ivy`, `cover list`. */
export const cover: DispatchSubcommand = {
  name: 'cover',
  usage:
    '• `/dispatch cover @ivy until monday 8am`: Ivy is on duty after hours instead of the rotation until then (`cover end @ivy`, `cover list`)',
  run: (deps, command, args, respond) => dispatchCover(deps, command, args, respond),
};

export async function dispatchCover(
  deps: SlackDeps,
  command: SlashCommand,
  args: string,
  respond: RespondFn,
): Promise<void> {
  const { ctx } = deps;
  const sender = command.user_id;
  const zone = zoneOf(deps, sender);
  const now = ctx.clock.now();
  const parsed = parseCoverCommand(args);
  const usage = (hint: string | undefined) =>
    whisper(respond, hint ? `${hint}\n\n${COVER_USAGE}` : COVER_USAGE);
  if (parsed.kind === 'usage') return usage(parsed.hint);
  // Who covers whom is the team's business (issue 15: only the team sees the team).
  if (parsed.kind === 'list' && !isTeamMember(ctx.config, sender)) return whisper(respond, TEAM_ONLY);
  if (parsed.kind === 'list') return whisper(respond, coverListText(coverLines(ctx.db, now), zone, now));
  const agentId = 'userId' in parsed.who ? parsed.who.userId : sender;
  const self = agentId === sender;
  const name = agentName(ctx.db, agentId);
  if (parsed.kind === 'end') {
    const result = endCover(ctx, { agentId, rotation: parsed.rotation, endedBy: sender });
    if (!result.ok) return whisper(respond, coverReplyText(result.refusal, zone, now));
    if (result.ended.length > 0) deps.kick();
    return whisper(
      respond,
      coverReplyText(
        { kind: 'ended', self, name, rotations: result.ended.map((c) => c.rotation) },
        zone,
        now,
      ),
    );
  }
  const rotation = chooseRotation(ctx.config, agentId, name, parsed.rotation);
  if (!rotation.ok) return usage(rotation.message);
  const end = parseEndTime(parsed.when, now, zone);
  if (!end.ok) return usage(end.message);
  const result = setCover(ctx, {
    agentId,
    rotation: rotation.rotation.name,
    until: end.until,
    setBy: sender,
  });
  if (!result.ok) {
    const { refusal } = result;
    return whisper(
      respond,
      coverReplyText(refusal.kind === 'inactive' ? { kind: 'inactive', name } : refusal, zone, now),
    );
  }
  deps.kick();
  const replaced =
    result.replaced && result.replaced.agentId !== agentId
      ? agentName(ctx.db, result.replaced.agentId)
      : undefined;
  await whisper(
    respond,
    coverReplyText(
      { kind: 'set', self, name, rotation: rotation.rotation.name, until: end.until, replaced },
      zone,
      now,
    ),
  );
}
