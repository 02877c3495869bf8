import type { DispatchContext } from '../../dispatch/context.js';
import { renderEscalationMessage } from '../../slack/blocks/escalation-message.js';
import { loadEscalationView } from '../../slack/views-from-rows.js';
import type { SlackHealth } from '../slack-health.js';
import type { MessageKind, PendingPost } from './message-kind.js';
import { MessageStore } from './message-store.js';

/** Each escalation's post in the leaders' channel, updated as leaders act on it. */
export function escalationPosts(ctx: DispatchContext, health: SlackHealth): MessageKind {
  const db = ctx.db.$client;
  const channel = ctx.config.team.leaders_channel;
  const posts = db.prepare<[string, number, number], PendingPost>(
    `select id, task_id as taskId, ? as recipient, null as threadTs from escalations
      where rendered_version < version and ts is null and (retry_at is null or retry_at <= ?)
      order by task_id, id limit ?`,
  );
  const updates = db.prepare<[number, number], { id: number }>(
    `select id from escalations
      where rendered_version < version and ts is not null and (retry_at is null or retry_at <= ?)
      order by task_id, id limit ?`,
  );
  return {
    name: 'escalation',
    store: new MessageStore(db, {
      table: 'escalations',
      channel: 'channel',
      ts: 'ts',
      postedAt: 'announced_at',
    }),
    duePosts: (now, limit) => posts.all(channel, now.getTime(), limit),
    dueUpdates: (now, limit) => updates.all(now.getTime(), limit).map((r) => r.id),
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
