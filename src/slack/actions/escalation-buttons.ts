import type { App, BlockAction, ButtonAction, RespondFn, UsersSelectAction } from '@slack/bolt';
import {
  assignEscalation,
  type LeaderActionResult,
  returnEscalation,
  takeEscalation,
} from '../../dispatch/leader-actions.js';
import { ASSIGN_ACTION, RETURN_ACTION, TAKE_ACTION } from '../blocks/escalation-message.js';
import { leaderRefusalText } from '../blocks/stale-click.js';
import type { SlackDeps } from '../deps.js';
import { whisper, zoneOf } from './reply.js';

/** A leader resolves an escalation in one click; anyone else, or a second leader, gets a private note. */
export function register(app: App, deps: SlackDeps): void {
  const finish = async (result: LeaderActionResult, userId: string, respond: RespondFn) => {
    if (result.ok) return deps.kick();
    await whisper(respond, leaderRefusalText(result.refusal, zoneOf(deps, userId)));
  };

  app.action<BlockAction<UsersSelectAction>>(ASSIGN_ACTION, async ({ ack, body, action, respond }) => {
    await ack();
    const escalationId = Number(action.block_id.replace(/^escalation_/, ''));
    await finish(
      assignEscalation(deps.ctx, escalationId, body.user.id, action.selected_user),
      body.user.id,
      respond,
    );
  });
  app.action<BlockAction<ButtonAction>>(TAKE_ACTION, async ({ ack, body, action, respond }) => {
    await ack();
    await finish(takeEscalation(deps.ctx, Number(action.value), body.user.id), body.user.id, respond);
  });
  app.action<BlockAction<ButtonAction>>(RETURN_ACTION, async ({ ack, body, action, respond }) => {
    await ack();
    await finish(returnEscalation(deps.ctx, Number(action.value), body.user.id), body.user.id, respond);
  });
}
