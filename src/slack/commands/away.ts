import type { App } from '@slack/bolt';
import { formatBack, parseAway } from '../../core/away-parser.js';
import { setAway, setBack } from '../../dispatch/away.js';
import { findAgent } from '../../dispatch/roster.js';
import { whisper, zoneOf } from '../actions/reply.js';
import { availabilityRefusalText, awayConfirmation } from '../blocks/availability-text.js';
import { renderAwayModal } from '../blocks/away-modal.js';
import type { SlackDeps } from '../deps.js';

const MENTION = /^\s*<@([UW][A-Z0-9]+)(?:\|[^>]*)?>\s*/;

/** /away [@someone] [when] [reason] and /back [@someone]: availability in one command. */
export function register(app: App, deps: SlackDeps): void {
  app.command('/away', async ({ ack, command, respond, client }) => {
    await ack();
    const now = deps.ctx.clock.now();
    const zone = zoneOf(deps, command.user_id);
    if (command.text.trim() === '') {
      // No text: the modal, whose empty form still means "until /back". The trigger lasts 3 s.
      await client.views.open({
        trigger_id: command.trigger_id,
        view: renderAwayModal(command.user_id, zone),
      });
      return;
    }
    const asSender = parseAway(command.text, now, zone);
    // "/away @dana until 3pm" means 3 pm where Dana is, not where the leader is.
    const targetZone = asSender.ok && asSender.target ? zoneOf(deps, asSender.target) : zone;
    const parsed = targetZone === zone ? asSender : parseAway(command.text, now, targetZone);
    if (!parsed.ok) return whisper(respond, parsed.message);
    const agentId = parsed.target ?? command.user_id;
    const until = parsed.kind === 'until' ? parsed.until : null;
    const result = setAway(deps.ctx, { agentId, setBy: command.user_id, until, reason: parsed.reason });
    if (!result.ok) return whisper(respond, availabilityRefusalText(result.refusal));
    deps.kick();
    const self = agentId === command.user_id;
    await whisper(
      respond,
      awayConfirmation({
        self,
        name: findAgent(deps.ctx.db, agentId)?.name ?? agentId,
        back: until ? formatBack(until, targetZone, now) : null,
        reason: parsed.reason,
        withdrawn: result.withdrawn,
      }),
    );
  });

  app.command('/back', async ({ ack, command, respond }) => {
    await ack();
    const mention = MENTION.exec(command.text);
    const agentId = mention?.[1] ?? command.user_id;
    const result = setBack(deps.ctx, { agentId, setBy: command.user_id });
    if (!result.ok) return whisper(respond, availabilityRefusalText(result.refusal));
    const self = agentId === command.user_id;
    const name = findAgent(deps.ctx.db, agentId)?.name ?? agentId;
    if (result.closed === 0) {
      return whisper(respond, self ? "You weren't away: you're getting leads." : `${name} wasn't away.`);
    }
    await whisper(
      respond,
      self ? "Welcome back! You're getting leads again." : `${name} is back and getting leads again.`,
    );
  });
}
