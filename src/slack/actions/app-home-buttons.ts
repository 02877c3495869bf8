import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { setBack } from '../../dispatch/away.js';
import { HOME_AWAY_ACTION, HOME_BACK_ACTION } from '../blocks/app-home.js';
import { renderAwayModal } from '../blocks/away-modal.js';
import type { SlackDeps } from '../deps.js';
import { zoneOf } from './reply.js';

/** Away… and Back on the App Home: the same as /away (the modal) and /back. */
export function register(app: App, deps: SlackDeps): void {
  app.action<BlockAction<ButtonAction>>(HOME_AWAY_ACTION, async ({ ack, body, client }) => {
    await ack();
    await client.views.open({
      trigger_id: body.trigger_id,
      view: renderAwayModal(body.user.id, zoneOf(deps, body.user.id)),
    });
  });
  app.action<BlockAction<ButtonAction>>(HOME_BACK_ACTION, async ({ ack, body }) => {
    await ack();
    setBack(deps.ctx, { agentId: body.user.id, setBy: body.user.id });
    await deps.homes.refreshAll();
  });
}
