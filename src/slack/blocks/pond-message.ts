import type { KnownBlock } from '@slack/types';
import type { EscalationRow, OfferRow, PondPostRow, TaskRow } from '../../db/schema.js';
import { button, context, section, timelineButton } from './elements.js';
import { resolutionPhrase } from './escalation-message.js';
import { clip, clockTime, elapsed, escapeText } from './format.js';
import { CLAIM_ACTION, type RenderedMessage } from './offer-message.js';
import { area, headline, taskSummaryBlocks } from './task-summary.js';

/** Everything a pond post shows, loaded from rows (message-rows.ts loadPondView). */
export interface PondView {
  pond: PondPostRow;
  task: TaskRow;
  /** The pond offer: live while anyone in `pool` may claim it. */
  offer: OfferRow;
  /** The latest escalation of the task, if the pond's age (or a later step) told the leaders. */
  escalation: EscalationRow | undefined;
  /** Display names by Slack id. */
  names: Record<string, string>;
  /** The team's zone: a channel has no single reader. */
  zone: string;
  now: Date;
}

/**
 * The lead in its rule's pond channel. While open, the whole lead and one Claim for anyone in the
 * rule's pool; once someone claims it (or a leader acts), it shrinks to who has it, without the
 * contact details.
 */
export function renderPondPost(v: PondView): RenderedMessage {
  const { task, offer, pond, names, zone, now } = v;
  const title = `${headline(task)} · #${task.id}`;
  const actions = (...claim: ReturnType<typeof button>[]): KnownBlock => ({
    type: 'actions',
    block_id: `pond_${pond.id}`,
    elements: [...claim, timelineButton(task.id)],
  });
  if (offer.status === 'live') {
    const members = offer.pool?.length ?? 0;
    const rule = task.ruleName ? `rule *${escapeText(task.ruleName)}*` : 'its rule';
    const lines = [
      `🎣 *In the pond.* Nobody in ${rule}'s chain claimed it, so anyone in its pool (${members} agent${members === 1 ? '' : 's'}) can: first to click *Claim* has it.`,
      `Waiting since ${clockTime(pond.createdAt, zone)} (${elapsed(pond.createdAt, now)}).`,
    ];
    if (pond.escalatedAt)
      lines.push(
        `⚠️ The team leaders were told at ${clockTime(pond.escalatedAt, zone)}; it is still yours to claim.`,
      );
    return {
      text: `In the pond: ${escapeText(title)} — anyone in the pool can claim it`,
      blocks: [
        ...taskSummaryBlocks(task),
        context(lines.join(' ')),
        actions(button('Claim', CLAIM_ACTION, String(offer.id), 'primary')),
      ],
    };
  }
  const name = (id: string | null) => escapeText(id ? (names[id] ?? id) : 'someone');
  const outcome =
    offer.status === 'claimed' && offer.agentId
      ? `✅ *Claimed by ${name(offer.agentId)}* at ${clockTime(offer.resolvedAt ?? now, zone)}.`
      : leaderOutcome(v, name);
  return {
    text: `${escapeText(title)} — ${offer.status === 'claimed' ? 'claimed from the pond' : 'out of the pond'}`,
    blocks: [section(`*${escapeText(title)}*${whereText(task)}\n${outcome}`), actions()],
  };
}

function leaderOutcome(v: PondView, name: (id: string | null) => string): string {
  const { escalation, offer, zone, now } = v;
  const at = clockTime(offer.resolvedAt ?? now, zone);
  if (!escalation?.resolvedBy) return `🧭 Out of the pond at ${at}: the team leaders have it.`;
  const assignee = escalation.assignee ? (v.names[escalation.assignee] ?? escalation.assignee) : null;
  return `🧭 Out of the pond at ${at}: ${name(escalation.resolvedBy)} ${resolutionPhrase(escalation.resolution, assignee)}.`;
}

/** The threaded reminder that a lead is still waiting in the pond. */
export function renderPondReminder(task: TaskRow, createdAt: Date, now: Date): RenderedMessage {
  const text = `⏰ Still in the pond: ${escapeText(headline(task))} #${task.id} has waited ${elapsed(createdAt, now)}. Anyone in the pool can claim it above.`;
  return { text, blocks: [section(text)] };
}

function whereText(task: TaskRow): string {
  const where = area(task);
  return where ? ` — ${clip(escapeText(where), 500)}` : '';
}
