import type { KnownBlock } from '@slack/types';
import type { AgentRow, OfferRow, TaskRow } from '../../db/schema.js';
import { clockTime, elapsed, escapeText } from './format.js';
import type { RenderedMessage } from './offer-message.js';
import { headline, taskSummaryBlocks } from './task-summary.js';

export interface EscalationView {
  task: TaskRow;
  /** Every offer made for the task, oldest first, with the agent it went to. */
  tried: Array<{ offer: OfferRow; agent: AgentRow }>;
  zone: string;
  now: Date;
}

const OUTCOME: Record<OfferRow['status'], string> = {
  live: 'still deciding',
  claimed: 'claimed',
  passed: 'passed',
  expired: 'let it expire',
  failed: 'could not be reached',
};

/** The leaders' channel post for a task that needs a person to decide. */
export function renderEscalationMessage(view: EscalationView): RenderedMessage {
  const { task, zone, now } = view;
  const flag = task.manualReview ? '🔎 *Manual review.* ' : '';
  const tried =
    view.tried.length === 0
      ? 'Nobody was offered it.'
      : view.tried
          .map(({ offer, agent }) => {
            const had = elapsed(offer.offeredAt, offer.resolvedAt ?? now);
            return `• ${escapeText(agent.name)} — ${OUTCOME[offer.status]} after ${had}`;
          })
          .join('\n');
  const reason: KnownBlock = {
    type: 'section',
    text: { type: 'mrkdwn', text: `🚨 *Needs a leader.* ${flag}${escapeText(task.reviewReason ?? '')}` },
  };
  const blocks: KnownBlock[] = [
    ...taskSummaryBlocks(task, reason),
    { type: 'section', text: { type: 'mrkdwn', text: `*Tried*\n${tried}` } },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `Arrived ${clockTime(task.receivedAt, zone)} · waiting ${elapsed(task.receivedAt, now)}${task.ruleName ? ` · rule ${escapeText(task.ruleName)}` : ''}`,
        },
      ],
    },
  ];
  return { text: escapeText(`Needs a leader: ${headline(task)} — ${task.reviewReason ?? ''}`), blocks };
}
