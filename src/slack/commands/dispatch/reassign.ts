import type { RespondFn } from '@slack/bolt';
import { parseReassignText } from '../../../core/reassign-text.js';
import { assignEscalation } from '../../../dispatch/leader-actions.js';
import { reassignTask } from '../../../dispatch/reassign.js';
import { isTeamLeader } from '../../../dispatch/roster.js';
import { whisper, zoneOf } from '../../actions/reply.js';
import { leaderRefusalText, moveRefusalText } from '../../blocks/stale-click.js';
import type { SlackDeps } from '../../deps.js';
import type { DispatchSubcommand } from './subcommand.js';

export const REASSIGN_USAGE = [
  'Usage: `/dispatch reassign #<lead> @<agent> [reason]`',
  'Example: `/dispatch reassign #123 @ivy Dana is out sick today`',
].join('\n');

/** `/dispatch reassign #123 @ivy [reason]`: a leader moves a live or claimed lead to another agent. */
export const reassign: DispatchSubcommand = {
  name: 'reassign',
  usage:
    '• `/dispatch reassign #123 @ivy [reason]`: move a lead that is offered or claimed to another agent (team leaders)',
  run: (deps, command, args, respond) => dispatchReassign(deps, command.user_id, args, respond),
};

export async function dispatchReassign(deps: SlackDeps, userId: string, text: string, respond: RespondFn) {
  const { ctx } = deps;
  // Before reading the text: a non-leader learns nothing about the lead, not even whether it exists.
  if (!isTeamLeader(ctx.config, userId)) return whisper(respond, moveRefusalText({ kind: 'not_leader' }));
  const parsed = parseReassignText(text);
  if (!parsed.ok) return whisper(respond, `${parsed.problem}\n${REASSIGN_USAGE}`);
  const result = reassignTask(ctx, {
    taskId: parsed.taskId,
    leaderId: userId,
    assigneeId: parsed.agentId,
    reason: parsed.reason,
  });
  if (result.ok) {
    deps.kick();
    return whisper(
      respond,
      `↪️ #${parsed.taskId} is offered to <@${parsed.agentId}> now; they confirm with Claim.`,
    );
  }
  // Waiting in the leaders' channel: the command means that post's Assign to….
  if (result.refusal.kind === 'with_leaders' && result.refusal.escalationId !== null) {
    const assigned = assignEscalation(ctx, result.refusal.escalationId, userId, parsed.agentId);
    if (!assigned.ok) return whisper(respond, leaderRefusalText(assigned.refusal, zoneOf(deps, userId)));
    deps.kick();
    return whisper(
      respond,
      `↪️ #${parsed.taskId} was with the leaders: assigned to <@${parsed.agentId}>, who confirms with Claim.`,
    );
  }
  return whisper(respond, moveRefusalText(result.refusal));
}
