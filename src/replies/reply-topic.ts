import type { ReplyChannel } from '../config/replies-schema.js';
import type { DispatchContext } from '../dispatch/context.js';
import { type OutboxTopic, PermanentFailure } from '../engine/outbox/outbox.js';
import { replyTopic } from './plan.js';
import {
  GAVE_UP,
  giveUp,
  loadReply,
  markSkipped,
  type ReplyToSend,
  reviveGivenUp,
  UNSENT,
} from './reply-store.js';

/**
 * The outbox topic `reply:<channel>`, shared by the text and the email: it loads the reply its
 * item names, hands one still unsent to `send`, and after every try calls `changed`, so the
 * agent's DM shows the reply's state whatever the try did.
 */
export function replyDeliveryTopic(
  ctx: DispatchContext,
  channel: ReplyChannel,
  changed: () => void,
  send: (loaded: ReplyToSend) => Promise<void>,
): OutboxTopic {
  return {
    topic: replyTopic(channel),
    async deliver(item) {
      try {
        const replyId = Number(item.payload.replyId);
        const loaded = loadReply(ctx, replyId);
        if (!loaded) throw new PermanentFailure(`reply ${replyId} is not in the database`);
        // Given up on, and sent back by a leader (`lead-dispatch outbox retry`): unsent again.
        if (loaded.reply.reason === GAVE_UP && reviveGivenUp(ctx, loaded.reply))
          loaded.reply.status = 'planned';
        // Sent, refused or skipped already (a retry after a crash that followed the answer).
        if (!UNSENT.includes(loaded.reply.status)) return;
        // Someone reached the lead while this waited (overnight, say): "I'll call you" is stale.
        if (loaded.task.contactedAt) return markSkipped(ctx, loaded.reply, 'already_contacted');
        await send(loaded);
      } finally {
        changed();
      }
    },
    // Tried for long enough (Twilio or the SMTP server kept failing): the DM and the timeline say
    // so, instead of "going out" for ever; /healthz counts it and `outbox retry` sends it again.
    parked(tx, item) {
      giveUp(tx, Number(item.payload.replyId), ctx.clock.now());
    },
  };
}
