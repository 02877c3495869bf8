import type { KnownBlock } from '@slack/types';
import { describeSla } from '../../core/sla.js';
import type { AgentRow, OfferRow, TaskRow } from '../../db/schema.js';
import { clockTime, dayAndTime, elapsed, escapeText } from './format.js';
import { contactName, headline, taskSummaryBlocks } from './task-summary.js';

export const CLAIM_ACTION = 'offer_claim';
export const PASS_ACTION = 'offer_pass';

/** What happened after this offer ended, for the "passed to Marco" line. */
export type Successor = { kind: 'agent'; name: string } | { kind: 'leaders' } | undefined;

export interface OfferView {
  task: TaskRow;
  offer: OfferRow;
  agent: AgentRow;
  /** The zone the agent reads times in. */
  zone: string;
  successor: Successor;
  now: Date;
}

export interface RenderedMessage {
  text: string;
  blocks: KnownBlock[];
}

/** The agent's DM for one offer, in whatever state the rows say it is in. */
export function renderOfferMessage(view: OfferView): RenderedMessage {
  const blocks = [...taskSummaryBlocks(view.task), ...statusBlocks(view)];
  return { text: notificationText(view), blocks };
}

function statusBlocks(view: OfferView): KnownBlock[] {
  const { task, offer, zone, now } = view;
  const why = `Rule *${escapeText(task.ruleName ?? 'unknown')}* chose you: ${escapeText(offer.reason)}.`;
  switch (offer.status) {
    case 'live':
      return [
        context(
          `${why}  ⏱ Claim by *${dayAndTime(offer.deadline, zone, now)}* (${task.sla ? describeSla(task.sla) : elapsed(offer.offeredAt, offer.deadline)}).`,
        ),
        {
          type: 'actions',
          block_id: `offer_${offer.id}`,
          elements: [
            {
              type: 'button',
              action_id: CLAIM_ACTION,
              value: String(offer.id),
              style: 'primary',
              text: { type: 'plain_text', text: 'Claim' },
            },
            {
              type: 'button',
              action_id: PASS_ACTION,
              value: String(offer.id),
              text: { type: 'plain_text', text: 'Pass' },
            },
          ],
        },
      ];
    case 'claimed': {
      const at = offer.resolvedAt ?? now;
      return [
        section(
          `✅ *Claimed by you at ${clockTime(at, zone)}*, ${elapsed(task.receivedAt, at)} after it arrived.`,
        ),
      ];
    }
    case 'passed':
      return [
        section(
          `↪️ You passed at ${clockTime(offer.resolvedAt ?? now, zone)}. ${successorText(view.successor)}`,
        ),
      ];
    case 'expired':
      return [
        section(
          `⌛ Offer expired at ${clockTime(offer.resolvedAt ?? now, zone)}. ${successorText(view.successor)}`,
        ),
      ];
    case 'failed':
      return [section(`⚠️ This offer could not be delivered and moved on. ${successorText(view.successor)}`)];
  }
}

function successorText(successor: Successor): string {
  if (!successor) return '';
  if (successor.kind === 'leaders') return 'It went to the team leaders.';
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

function section(text: string): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

function context(text: string): KnownBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text }] };
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
