import type { DispatchContext } from '../../dispatch/context.js';
import { failOfferDelivery } from '../../dispatch/offer-actions.js';
import { restartLateOfferClock } from '../../dispatch/offer-clock.js';
import { renderOfferMessage } from '../../slack/blocks/offer-message.js';
import { loadOfferView } from '../../slack/message-rows.js';
import type { MessageKind, Outlook } from './message-kind.js';
import { MessageStore } from './message-store.js';

/** Each offer's DM to its agent: Claim and Pass while live, then what became of it. */
export function offerDms(ctx: DispatchContext): MessageKind {
  const store = new MessageStore(ctx.db.$client, {
    table: 'offers',
    recipient: { column: 'agent_id' },
    channel: 'dm_channel',
    ts: 'dm_ts',
    postedAt: 'dm_posted_at',
  });
  return {
    name: 'offer',
    store,
    render(id, now, firstPost): Outlook | undefined {
      const view = loadOfferView(ctx.db, ctx.config, id, now);
      // A first-to-claim offer has no agent to DM: its copies (task_views) show it until someone claims it.
      if (!view) return { skip: 'no single agent to show it to' };
      if (!firstPost) return { show: renderOfferMessage(view) };
      const offer = restartLateOfferClock(ctx, view.offer, view.task, now);
      // An offer that ended before it was ever shown needs no DM; a claimed one (a leader's "Take it") does.
      if (offer.status !== 'live' && offer.status !== 'claimed') return { skip: 'ended before it was shown' };
      return { show: renderOfferMessage({ ...view, offer }) };
    },
    unreachable(state, code, firstPost) {
      if (!firstPost) return 'give_up';
      ctx.log.warn('agent cannot be reached on Slack; offering the next candidate', {
        taskId: state.taskId,
        offerId: state.id,
        error: code,
      });
      failOfferDelivery(ctx, state.id, code);
      return 'moved_on';
    },
    whenDeleted: 'give_up',
    delivered(state, firstPost) {
      if (firstPost) ctx.log.info('offer delivered', { taskId: state.taskId, offerId: state.id });
    },
  };
}
