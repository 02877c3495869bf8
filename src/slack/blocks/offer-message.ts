import type { Button, KnownBlock } from '@slack/types';
import { formatDuration } from '../../core/duration.js';
import { HANDED_OFF_BY } from '../../core/reassign-text.js';
import { describeSla } from '../../core/sla.js';
import type { AgentRow, OfferRow, TaskRow } from '../../db/schema.js';
import { button, context, section, timelineButton } from './elements.js';
import { clip, clockTime, dayAndTime, elapsed, escapeText, sourceLabel } from './format.js';
import { leadReplyBlocks, type ReplyLine } from './lead-reply.js';
import { contactName, headline, taskSummaryBlocks } from './task-summary.js';

export const CLAIM_ACTION = 'offer_claim';
export const PASS_ACTION = 'offer_pass';
/** On the owner's claimed DM: opens the Hand off… modal. The value is the offer id. */
export const HAND_OFF_ACTION = 'offer_hand_off';

/** A leader reassigned this offer's lead, or its owner handed it off: who, to whom, why. */
export interface Moved {
  kind: 'reassigned' | 'handed_off';
  /** The leader who reassigned it (a hand-off is the reader's own). */
  byName: string;
  /** Null: handed back to the rule's pool. */
  toName: string | null;
  reason: string | null;
  at: Date;
}

/** What happened after this offer ended, for the "passed to Marco" line. */
export type Successor =
  | { kind: 'agent'; name: string }
  | { kind: 'pond'; channel: string }
  | { kind: 'leaders' }
  | undefined;

export interface OfferView {
  task: TaskRow;
  offer: OfferRow;
  agent: AgentRow;
  /** The zone the agent reads times in. */
  zone: string;
  successor: Successor;
  /** This contact's earlier tasks (same phone or email), newest first. */
  history: Array<{ task: TaskRow; ownerName: string | null; owner: 'left' | 'inactive' | undefined }>;
  /** Later arrivals from the same person, merged into this task. */
  repeats: TaskRow[];
  /** The automatic text and email to the lead, if the rule replies. */
  replies?: ReplyLine[];
  /** Set once the lead was moved on from this offer by a Reassign… or a Hand off…. */
  moved?: Moved;
  now: Date;
}

export interface RenderedMessage {
  text: string;
  blocks: KnownBlock[];
}

/** The agent's DM for one offer, in whatever state the rows say it is in. */
export function renderOfferMessage(view: OfferView): RenderedMessage {
  const blocks = [
    ...taskSummaryBlocks(view.task),
    ...historyBlocks(view),
    ...repeatBlocks(view),
    ...leadReplyBlocks(view.replies ?? [], view.task, view.zone, view.now),
    ...statusBlocks(view),
  ];
  return { text: notificationText(view), blocks };
}

export const CONTACTED_ACTION = 'task_contacted';
export const PASS_REASON_ACTION = 'offer_pass_reason';
/**
 * Slack refuses a block whose elements share an action_id (`invalid_blocks`), so each reason
 * button gets its own: `offer_pass_reason_wrong_area`. The value still carries `offerId:reason`.
 */
export const passReasonActionId = (reason: string): string => `${PASS_REASON_ACTION}_${reason}`;
/** Every reason button, and the bare `offer_pass_reason` of DMs rendered before each had its own. */
export const PASS_REASON_ACTIONS = new RegExp(`^${PASS_REASON_ACTION}(?:_[a-z_]+)?$`);
export const PASS_REASONS: Record<string, string> = {
  wrong_area: 'Wrong area',
  price_point: 'Price point',
  conflict: 'Conflict',
  other: 'Other',
};

function statusBlocks(view: OfferView): KnownBlock[] {
  const { task, offer, zone, now } = view;
  // An offer past the end of the frozen chain was made by a leader, not by a rule; a hand-off keeps
  // the owner's place in the chain (so it goes on down it), but the owner chose the teammate.
  const byPerson = offer.position >= task.chain.length || offer.reason.startsWith(HANDED_OFF_BY);
  const why =
    byPerson || !task.ruleName
      ? `${escapeText(offer.reason.charAt(0).toUpperCase() + offer.reason.slice(1))}.`
      : `Rule *${escapeText(task.ruleName)}* chose you: ${escapeText(offer.reason)}.`;
  const timeline = timelineButton(task.id);
  const actions = (id: string, ...elements: Button[]): KnownBlock => ({
    type: 'actions',
    block_id: id,
    elements,
  });
  if (view.moved)
    return [section(movedText(view.moved, offer, zone, now)), actions(`offer_${offer.id}`, timeline)];
  const handOff = button('Hand off…', HAND_OFF_ACTION, String(offer.id));
  switch (offer.status) {
    case 'live': {
      const sla = task.sla ? describeSla(task.sla) : elapsed(offer.offeredAt, offer.deadline);
      return [
        context(`${why}  ⏱ Claim by *${dayAndTime(offer.deadline, zone, now)}* (${sla}).`),
        actions(
          `offer_${offer.id}`,
          button('Claim', CLAIM_ACTION, String(offer.id), 'primary'),
          button('Pass', PASS_ACTION, String(offer.id)),
          timeline,
        ),
      ];
    }
    case 'claimed': {
      const at = offer.resolvedAt ?? now;
      const claimed = section(
        `✅ *Claimed by you at ${clockTime(at, zone)}*, ${elapsed(task.receivedAt, at)} after it arrived.`,
      );
      if (offer.idleAt) {
        const window = task.contactSlaSeconds
          ? ` (${formatDuration(task.contactSlaSeconds)}, then a reminder)`
          : '';
        return [
          claimed,
          context(
            `⌛ It was not marked contacted in time${window}, so it moved on at ${clockTime(offer.idleAt, zone)}. ${successorText(view.successor)}`,
          ),
          actions(`offer_${offer.id}`, timeline),
        ];
      }
      if (task.ownerId !== offer.agentId) return [claimed, actions(`offer_${offer.id}`, timeline)];
      if (task.status === 'escalated') {
        return [
          claimed,
          context('⚠️ It was not marked contacted in time, so it went to the team leaders.'),
          actions(`offer_${offer.id}`, timeline),
        ];
      }
      if (task.contactedAt) {
        return [
          claimed,
          context(`📞 Marked contacted at ${clockTime(task.contactedAt, zone)}.`),
          actions(`offer_${offer.id}`, handOff, timeline),
        ];
      }
      if (task.status === 'claimed' && task.contactDueAt) {
        return [
          claimed,
          context(
            `📞 Mark it contacted by *${dayAndTime(task.contactDueAt, zone, now)}*, or ${contactConsequence(task)}.`,
          ),
          actions(
            `offer_${offer.id}`,
            button('Mark contacted', CONTACTED_ACTION, String(task.id), 'primary'),
            handOff,
            timeline,
          ),
        ];
      }
      if (task.status === 'claimed') return [claimed, actions(`offer_${offer.id}`, handOff, timeline)];
      return [claimed, actions(`offer_${offer.id}`, timeline)];
    }
    case 'passed': {
      const reason = offer.passReason
        ? ` (${escapeText(PASS_REASONS[offer.passReason] ?? offer.passReason)})`
        : '';
      const passed = section(
        `↪️ You passed at ${clockTime(offer.resolvedAt ?? now, zone)}${reason}. ${successorText(view.successor)}`,
      );
      if (offer.passReason) return [passed, actions(`offer_${offer.id}`, timeline)];
      return [
        passed,
        context('Why? It helps the team route better (optional).'),
        actions(
          `offer_${offer.id}`,
          ...Object.entries(PASS_REASONS).map(([key, label]) =>
            button(label, passReasonActionId(key), `${offer.id}:${key}`),
          ),
          timeline,
        ),
      ];
    }
    case 'expired':
      return [
        section(
          `⌛ Offer expired at ${clockTime(offer.resolvedAt ?? now, zone)}. ${successorText(view.successor)}`,
        ),
        actions(`offer_${offer.id}`, timeline),
      ];
    case 'failed':
      return [section(`⚠️ This offer could not be delivered and moved on. ${successorText(view.successor)}`)];
    case 'reassigned':
      // A live offer a leader moved is always rendered with `moved` above; this is the fallback.
      return [section('↪️ A team leader reassigned this lead.'), actions(`offer_${offer.id}`, timeline)];
    case 'withdrawn':
      return [
        section(
          `🚪 You went away at ${clockTime(offer.resolvedAt ?? now, zone)}, so it moved on. ${successorText(view.successor)}`,
        ),
        actions(`offer_${offer.id}`, timeline),
      ];
  }
}

/** What happens when the no-contact window lapses for good: the rule's `contact_sla.then`. */
export function contactConsequence(task: Pick<TaskRow, 'contactThen'>): string {
  return task.contactThen === 'next' ? 'it moves on to the next agent' : 'it goes to the team leaders';
}

/** The contact's earlier tasks, so an agent taking over from someone who left knows the story. */
function historyBlocks(view: OfferView): KnownBlock[] {
  if (view.history.length === 0) return [];
  const lines = view.history.map(({ task, ownerName, owner }) => {
    const standing =
      owner === 'left' ? ' (no longer on the team)' : owner === 'inactive' ? ' (inactive)' : '';
    const who = ownerName ? `, owned by ${escapeText(ownerName)}${standing}` : '';
    return `#${task.id} ${escapeText(headline(task).toLowerCase())}, ${dayAndTime(task.receivedAt, view.zone, view.now)}${who}`;
  });
  // Cut under Slack's 3,000 characters per text, which a long name or source could pass.
  return [context(clip(`🔁 *Seen before:* ${lines.join(' · ')}`, 3000))];
}

/** What the contact said when they wrote again before anyone took this, so it is not lost. */
function repeatBlocks(view: OfferView): KnownBlock[] {
  return view.repeats.slice(-3).map((repeat) => {
    const said = repeat.message ? `: “${clip(escapeText(repeat.message), 500)}”` : ' (no new message)';
    return context(
      `🔁 *Again from ${escapeText(sourceLabel(repeat.source))}*, ${dayAndTime(repeat.receivedAt, view.zone, view.now)}${said}`,
    );
  });
}

/** "Lee Walker reassigned it to Ivy Chen at 10:50 AM: “out sick”", in the reader's words. */
function movedText(moved: Moved, offer: OfferRow, zone: string, now: Date): string {
  const at = clockTime(moved.at, zone);
  const why = moved.reason ? `: “${escapeText(moved.reason)}”` : '.';
  const claimed =
    offer.status === 'claimed' ? `✅ You claimed it at ${clockTime(offer.resolvedAt ?? now, zone)}.\n` : '';
  if (moved.kind === 'handed_off') {
    const to = moved.toName ? `to *${escapeText(moved.toName)}*` : "back to the rule's pool";
    return `${claimed}↪️ *You handed it off* ${to} at ${at}${why}`;
  }
  const to = escapeText(moved.toName ?? 'someone else');
  return `${claimed}↪️ *${escapeText(moved.byName)} reassigned it to ${to}* at ${at}${why}`;
}

function successorText(successor: Successor): string {
  if (!successor) return '';
  if (successor.kind === 'leaders') return 'It went to the team leaders.';
  if (successor.kind === 'pond')
    return `It went into the pond <#${successor.channel}>, where anyone in the pool can claim it.`;
  return `Offered to ${escapeText(successor.name)}.`;
}

function notificationText(view: OfferView): string {
  const { task, offer, zone, now } = view;
  // The notification text is mrkdwn too: a lead named "<!here>" must not ping anyone.
  const what = escapeText(`${headline(task)}: ${contactName(task)}`);
  if (offer.status === 'live')
    return `New ${lowerFirst(what)} — claim by ${dayAndTime(offer.deadline, zone, now)}`;
  return `${what} — ${offer.status}`;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
