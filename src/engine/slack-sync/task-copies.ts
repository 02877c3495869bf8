import type { DispatchContext } from '../../dispatch/context.js';
import { renderTaskView } from '../../slack/blocks/task-copy-message.js';
import { loadTaskView } from '../../slack/message-rows.js';
import type { MessageKind } from './message-kind.js';
import { MessageStore } from './message-store.js';

/** A watcher's DM or cc, or one copy of a first-to-claim broadcast: posted once, then kept current. */
export function taskCopies(ctx: DispatchContext): MessageKind {
  const store = new MessageStore(ctx.db.$client, {
    table: 'task_views',
    recipient: { column: 'recipient' },
    channel: 'channel',
    ts: 'ts',
  });
  return {
    name: 'task_copy',
    store,
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
