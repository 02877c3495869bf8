import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { isTeamLeader } from '../../dispatch/roster.js';
import { retryDeadOutbox } from '../../engine/outbox/retry.js';
import { OUTBOX_RETRY_ACTION } from '../blocks/crm-write-failed.js';
import type { SlackDeps } from '../deps.js';
import { whisper } from './reply.js';

/** A leader sends a failed CRM write-back again from its note in the leaders' channel. */
export function register(app: App, deps: SlackDeps): void {
  app.action<BlockAction<ButtonAction>>(OUTBOX_RETRY_ACTION, async ({ ack, body, action, respond }) => {
    await ack();
    if (!isTeamLeader(deps.ctx.config, body.user.id)) {
      await whisper(respond, 'Only a team leader can send a failed write-back again.');
      return;
    }
    const revived = retryDeadOutbox(deps.ctx, Number(action.value), body.user.id);
    if (revived.length === 0) {
      await whisper(respond, 'That write-back is no longer failed: it was already sent again.');
      return;
    }
    deps.kick();
    await whisper(respond, 'Sent again. If it fails for good once more, a new note appears here.');
  });
}
