import type { App } from '@slack/bolt';
import { formatBack } from '../../core/away-parser.js';
import { awayUntilFromPickers } from '../../core/away-picker.js';
import { setAway } from '../../dispatch/away.js';
import { findAgent } from '../../dispatch/roster.js';
import { zoneOf } from '../actions/reply.js';
import { availabilityRefusalText, awayConfirmation } from '../blocks/availability-text.js';
import { AWAY_MODAL, AWAY_REASON, BACK_DATE, BACK_TIME, VALUE } from '../blocks/away-modal.js';
import type { SlackDeps } from '../deps.js';

/** Submitting the /away modal: field errors stay in the modal; success is confirmed by DM. */
export function register(app: App, deps: SlackDeps): void {
  app.view(AWAY_MODAL, async ({ ack, body, view, client }) => {
    const userId = body.user.id;
    const agentId = view.private_metadata || userId;
    const values = view.state.values;
    const date = values[BACK_DATE]?.[VALUE]?.selected_date ?? null;
    const time = values[BACK_TIME]?.[VALUE]?.selected_time ?? null;
    const reason = values[AWAY_REASON]?.[VALUE]?.value?.trim() || null;
    const now = deps.ctx.clock.now();
    const zone = zoneOf(deps, userId);
    const picked = awayUntilFromPickers(date, time, zone, now);
    if (!picked.ok) {
      await ack({ response_action: 'errors', errors: { [picked.field]: picked.message } });
      return;
    }
    await ack();
    const result = setAway(deps.ctx, { agentId, setBy: userId, until: picked.until, reason });
    const text = result.ok
      ? awayConfirmation({
          self: agentId === userId,
          name: findAgent(deps.ctx.db, agentId)?.name ?? agentId,
          back: picked.until ? formatBack(picked.until, zone, now) : null,
          reason,
          withdrawn: result.withdrawn,
        })
      : availabilityRefusalText(result.refusal);
    if (result.ok) deps.kick();
    await client.chat.postMessage({ channel: userId, text });
  });
}
