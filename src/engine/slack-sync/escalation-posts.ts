import type { DispatchContext } from '../../dispatch/context.js';
import { renderEscalationMessage } from '../../slack/blocks/escalation-message.js';
import { loadEscalationView } from '../../slack/message-rows.js';
import type { SlackHealth } from '../slack-health.js';
import type { MessageKind } from './message-kind.js';
import { MessageStore } from './message-store.js';

/** Each escalation's post in the leaders' channel, updated as leaders act on it. */
export function escalationPosts(ctx: DispatchContext, health: SlackHealth): MessageKind {
  const channel = ctx.config.team.leaders_channel;
  const store = new MessageStore(ctx.db.$client, {
    table: 'escalations',
    recipient: { channel },
    channel: 'channel',
    ts: 'ts',
    postedAt: 'announced_at',
  });
  return {
    name: 'escalation',
    store,
    render(id, now) {
      const view = loadEscalationView(ctx.db, ctx.config, id, now);
      return view && { show: renderEscalationMessage(view) };
    },
    unreachable(_state, code) {
      // The leaders must see it: every escalation waits, in order, until the channel works again.
      health.leadersChannelError = code;
      ctx.log.error('cannot post to the leaders channel', { channel, error: code });
      return 'wait';
    },
    // Someone deleted the leaders' post: post it again rather than leave the task unseen.
    whenDeleted: 'repost',
    delivered(state, firstPost) {
      health.leadersChannelError = null;
      if (firstPost)
        ctx.log.info('task escalated to leaders', { taskId: state.taskId, escalationId: state.id });
    },
  };
}
