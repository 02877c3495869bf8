import type { App, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { markContacted } from '../../dispatch/contact.js';
import {
  claimOffer,
  type OfferActionResult,
  passOffer,
  recordPassReason,
} from '../../dispatch/offer-actions.js';
import {
  CLAIM_ACTION,
  CONTACTED_ACTION,
  PASS_ACTION,
  PASS_REASON_ACTIONS,
  PASS_REASONS,
} from '../blocks/offer-message.js';
import { contactResultText, staleClickText } from '../blocks/stale-click.js';
import type { SlackDeps } from '../deps.js';
import { whisper, zoneOf } from './reply.js';

type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>>;

/** The buttons on an offer DM. Each click is one guarded transition; a stale click explains itself. */
export function register(app: App, deps: SlackDeps): void {
  const offerAction =
    (act: (offerId: number, userId: string) => OfferActionResult) =>
    async ({ ack, body, action, respond }: ButtonArgs) => {
      await ack();
      const offerId = Number(action.value);
      const result: OfferActionResult = Number.isInteger(offerId)
        ? act(offerId, body.user.id)
        : { ok: false, stale: { kind: 'unknown' } };
      if (result.ok) return deps.kick();
      await whisper(respond, staleClickText(result.stale, zoneOf(deps, body.user.id)));
    };
  app.action<BlockAction<ButtonAction>>(
    CLAIM_ACTION,
    offerAction((id, user) => claimOffer(deps.ctx, id, user)),
  );
  app.action<BlockAction<ButtonAction>>(
    PASS_ACTION,
    offerAction((id, user) => passOffer(deps.ctx, id, user)),
  );

  // The reason comes from the value, not the action_id, so old and new buttons read the same.
  app.action<BlockAction<ButtonAction>>(PASS_REASON_ACTIONS, async ({ ack, body, action, respond }) => {
    await ack();
    const [offerId, reason] = (action.value ?? '').split(':');
    if (
      !reason ||
      !(reason in PASS_REASONS) ||
      !recordPassReason(deps.ctx, Number(offerId), body.user.id, reason)
    ) {
      return whisper(
        respond,
        'That reason could not be recorded: it was already given, or this is not your pass.',
      );
    }
    deps.kick();
  });

  app.action<BlockAction<ButtonAction>>(CONTACTED_ACTION, async ({ ack, body, action, respond }) => {
    await ack();
    const result = markContacted(deps.ctx, Number(action.value), body.user.id);
    if (result.ok) return deps.kick();
    await whisper(respond, contactResultText(result, zoneOf(deps, body.user.id)));
  });
}
