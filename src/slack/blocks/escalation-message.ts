import type { KnownBlock } from '@slack/types';
import type { AgentRow, EscalationRow, OfferRow, TaskRow } from '../../db/schema.js';
import { button, context, section, timelineButton } from './elements.js';
import { clockTime, elapsed, escapeText } from './format.js';
import { leadReplyBlocks, type ReplyLine } from './lead-reply.js';
import { reassignButton } from './move-modals.js';
import type { RenderedMessage } from './offer-message.js';
import { headline, taskSummaryBlocks } from './task-summary.js';

export const ASSIGN_ACTION = 'escalation_assign';
export const TAKE_ACTION = 'escalation_take';
export const RETURN_ACTION = 'escalation_return';

export interface EscalationView {
  escalation: EscalationRow;
  task: TaskRow;
  /** Every offer made for the task, oldest first, with the agent it went to. */
  tried: Array<{ offer: OfferRow; agent: AgentRow | null }>;
  /** The automatic text and email to the lead, so a leader knows what the lead has been told. */
  replies?: ReplyLine[];
  /** Display names for the leader who acted and the assignee. */
  names: Record<string, string>;
  zone: string;
  now: Date;
}

const OUTCOME: Record<OfferRow['status'], string> = {
  live: 'still deciding',
  claimed: 'claimed it',
  passed: 'passed',
  expired: 'let it expire',
  failed: 'could not be reached',
  withdrawn: 'went away',
  reassigned: 'was reassigned by a leader',
};

/** The leaders' channel post: why it needs a person, who was tried, and one-click actions until someone acts. */
export function renderEscalationMessage(view: EscalationView): RenderedMessage {
  const { escalation, task, zone, now } = view;
  const flag = task.manualReview ? '🔎 *Manual review.* ' : '';
  const reason = section(`🚨 *Needs a leader.* ${flag}${escapeText(escalation.reason)}`);
  const tried =
    view.tried.length === 0
      ? 'Nobody was offered it.'
      : view.tried
          .map(({ offer, agent }) => {
            const had = elapsed(offer.offeredAt, offer.resolvedAt ?? now);
            // A first-to-claim offer nobody took has no agent: name the pool instead.
            const who = agent
              ? escapeText(agent.name)
              : `${offer.pool?.length ?? 0} agents at once (first to claim)`;
            // The pond has no deadline: it stays open beside the leaders' choices.
            if (offer.pond && offer.status === 'live')
              return `• The pond <#${offer.poolChannel ?? ''}> (${offer.pool?.length ?? 0} agents can claim it) — waiting for ${had}, still open`;
            return `• ${who} — ${OUTCOME[offer.status]} after ${had}`;
          })
          .join('\n');
  const waited = escalation.resolvedAt ?? now;
  const blocks: KnownBlock[] = [
    ...taskSummaryBlocks(task, reason),
    section(`*Tried*\n${tried}`),
    ...leadReplyBlocks(view.replies ?? [], task, zone, now),
    context(
      `Arrived ${clockTime(task.receivedAt, zone)} · waited ${elapsed(task.receivedAt, waited)}${task.ruleName ? ` · rule ${escapeText(task.ruleName)}` : ''}`,
    ),
    ...(escalation.resolvedAt ? resolvedBlocks(view) : openActions(view)),
  ];
  return { text: escapeText(`Needs a leader: ${headline(task)} — ${escalation.reason}`), blocks };
}

function openActions({ escalation, task }: EscalationView): KnownBlock[] {
  return [
    {
      type: 'actions',
      block_id: `escalation_${escalation.id}`,
      elements: [
        {
          type: 'users_select',
          action_id: ASSIGN_ACTION,
          placeholder: { type: 'plain_text', text: 'Assign to…' },
        },
        button('Take it', TAKE_ACTION, String(escalation.id), 'primary'),
        button('Back to the pool', RETURN_ACTION, String(escalation.id)),
        timelineButton(task.id),
      ],
    },
  ];
}

function resolvedBlocks({ escalation, task, names, zone }: EscalationView): KnownBlock[] {
  const who = escapeText(names[escalation.resolvedBy ?? ''] ?? escalation.resolvedBy ?? 'A leader');
  const at = clockTime(escalation.resolvedAt ?? new Date(0), zone);
  const what = resolutionPhrase(
    escalation.resolution,
    names[escalation.assignee ?? ''] ?? escalation.assignee,
  );
  // Once resolved, a lead still open can be moved on again from here (the task's own view, as it was last rendered).
  const open = task.status === 'offered' || task.status === 'claimed';
  return [
    section(`✅ ${who} ${what} at ${at}.`),
    {
      type: 'actions',
      block_id: `escalation_${escalation.id}`,
      elements: [...(open ? [reassignButton(task.id)] : []), timelineButton(task.id)],
    },
  ];
}

/** "assigned it to Marco Silva", "took it", "sent it back to the pool": what a leader did, escaped. */
export function resolutionPhrase(resolution: EscalationRow['resolution'], assignee: string | null): string {
  if (resolution === 'assigned') return `assigned it to ${escapeText(assignee ?? 'someone')}`;
  if (resolution === 'pond') return 'claimed it from the pond';
  return resolution === 'taken' ? 'took it' : 'sent it back to the pool';
}

/** The threaded re-announcement of an escalation nobody has acted on. */
export function renderEscalationReminder(task: TaskRow, now: Date): RenderedMessage {
  const text = `⏰ Still waiting for a leader: ${escapeText(headline(task))} #${task.id} arrived ${elapsed(task.receivedAt, now)} ago.`;
  return { text, blocks: [section(text)] };
}
