import type { DispatchContext } from '../../dispatch/context.js';
import { renderTaskView } from '../../slack/blocks/task-copy-message.js';
import { loadTaskView } from '../../slack/views-from-rows.js';
import type { MessageKind, PendingPost } from './message-kind.js';
import { MessageStore } from './message-store.js';

/** A watcher's DM or cc, or one copy of a first-to-claim broadcast: posted once, then kept current. */
export function taskCopies(ctx: DispatchContext): MessageKind {
  const db = ctx.db.$client;
  const posts = db.prepare<[number, number], PendingPost>(
    `select id, task_id as taskId, recipient, null as threadTs from task_views
      where rendered_version < version and ts is null and (retry_at is null or retry_at <= ?)
      order by task_id, id limit ?`,
  );
  const updates = db.prepare<[number, number], { id: number }>(
    `select id from task_views
      where rendered_version < version and ts is not null and (retry_at is null or retry_at <= ?)
      order by task_id, id limit ?`,
  );
  return {
    name: 'task_copy',
    store: new MessageStore(db, { table: 'task_views', channel: 'channel', ts: 'ts' }),
    duePosts: (now, limit) => posts.all(now.getTime(), limit),
    dueUpdates: (now, limit) => updates.all(now.getTime(), limit).map((r) => r.id),
    render(id, now) {
      const loaded = loadTaskView(ctx.db, ctx.config, id, now);
      return loaded && { show: renderTaskView(loaded) };
    },
    unreachable(state, code) {
      // A watcher who cannot be reached, or a deleted copy, must not hold anything up.
      ctx.log.warn('task copy cannot be shown; giving up on it', {
        taskId: state.taskId,
        viewId: state.id,
        error: code,
      });
      return 'give_up';
    },
    whenDeleted: 'give_up',
    delivered(state, firstPost) {
      if (firstPost) ctx.log.info('task shown', { taskId: state.taskId, viewId: state.id });
    },
  };
}
