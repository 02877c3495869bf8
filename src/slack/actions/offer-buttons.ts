import type { App, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { claimOffer, type OfferActionResult, passOffer } from '../../dispatch/offer-actions.js';
import { findAgent } from '../../dispatch/roster.js';
import { CLAIM_ACTION, PASS_ACTION } from '../blocks/offer-message.js';
import { staleClickText } from '../blocks/stale-click.js';
import type { SlackDeps } from '../deps.js';

/** Claim and Pass on an offer DM. Each click is one guarded transition; a stale click explains itself. */
export function register(app: App, deps: SlackDeps): void {
  const handle =
    (act: (offerId: number, userId: string) => OfferActionResult) =>
    async ({ ack, body, action, respond }: SlackActionMiddlewareArgs<BlockAction<ButtonAction>>) => {
      await ack();
      const offerId = Number(action.value);
      const result: OfferActionResult = Number.isInteger(offerId)
        ? act(offerId, body.user.id)
        : { ok: false, stale: { kind: 'unknown' } };
      if (result.ok) {
        deps.delivery.kick();
        return;
      }
      const zone = findAgent(deps.ctx.db, body.user.id)?.timezone ?? deps.ctx.config.team.timezone;
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: staleClickText(result.stale, zone),
      });
    };
  app.action<BlockAction<ButtonAction>>(
    CLAIM_ACTION,
    handle((offerId, userId) => claimOffer(deps.ctx, offerId, userId)),
  );
  app.action<BlockAction<ButtonAction>>(
    PASS_ACTION,
    handle((offerId, userId) => passOffer(deps.ctx, offerId, userId)),
  );
}
