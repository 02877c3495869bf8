import type { DispatchContext } from '../../dispatch/context.js';
import { renderPondPost } from '../../slack/blocks/pond-message.js';
import { loadPondView } from '../../slack/message-rows.js';
import type { MessageKind } from './message-kind.js';
import { MessageStore } from './message-store.js';

/** Each lead's post in its rule's pond channel: claimable while open, then who took it. */
export function pondPosts(ctx: DispatchContext): MessageKind {
  const store = new MessageStore(ctx.db.$client, {
    table: 'pond_posts',
    recipient: { column: 'recipient' },
    channel: 'channel',
    ts: 'ts',
    postedAt: 'posted_at',
  });
  return {
    name: 'pond',
    store,
    render(id, now, firstPost) {
      const view = loadPondView(ctx.db, ctx.config, id, now);
      if (!view) return undefined;
      // Claimed or taken by a leader before it was ever shown: nothing to tell the pond.
      if (firstPost && view.offer.status !== 'live') return { skip: 'left the pond before it was shown' };
      return { show: renderPondPost(view) };
    },
    unreachable(state, code) {
      // The pond channel is gone or refuses the app: the lead still escalates on the pond's age,
      // so the leaders hear of it; only the post is given up.
      ctx.log.error('cannot post in the pond channel; the leaders will be told on its age', {
        taskId: state.taskId,
        pondId: state.id,
        error: code,
      });
      return 'give_up';
    },
    // Someone deleted the pond post while the lead waits: post it again, or nobody can claim it.
    whenDeleted: 'repost',
    delivered(state, firstPost) {
      if (firstPost) ctx.log.info('lead posted in the pond', { taskId: state.taskId, pondId: state.id });
    },
  };
}
