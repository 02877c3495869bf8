import type { OutboxRow, TaskRow } from '../../db/schema.js';
import { button, context, section, timelineButton } from './elements.js';
import { clockTime, escapeText } from './format.js';
import type { RenderedMessage } from './offer-message.js';

export const OUTBOX_RETRY_ACTION = 'outbox_retry';

const WHAT: Record<string, string> = {
  update: 'setting the assigned agent and stage',
  note: 'adding the claim note',
  task: "creating the owner's task",
};

/**
 * Told to the leaders when a write-back to the CRM failed for good: which lead, what was not
 * written, FUB's answer, and how to send it again. Nothing about the lead beyond its number.
 */
export function renderCrmWriteFailed(task: TaskRow, item: OutboxRow): RenderedMessage {
  const action = typeof item.payload.action === 'string' ? item.payload.action : 'write';
  const what = WHAT[action] ?? action;
  const why = escapeText(item.lastError ?? 'no answer');
  return {
    text: `Follow Up Boss was not updated for #${task.id}: ${what} failed`,
    blocks: [
      section(
        `:warning: *Follow Up Boss was not updated for #${task.id}*: ${what} failed after ${tries(item.attempts)}.`,
      ),
      context(`Last answer: ${why}. Retry here, or run \`lead-dispatch outbox retry ${item.id}\`.`),
      {
        type: 'actions',
        elements: [button('Retry', OUTBOX_RETRY_ACTION, String(item.id), 'primary'), timelineButton(task.id)],
      },
    ],
  };
}

const tries = (n: number) => (n === 1 ? '1 try' : `${n} tries`);

/** Who sent a dead write-back again, and when, as the failure note then says. */
export interface RetriedBy {
  /** A leader's name, or undefined when it was `lead-dispatch outbox retry`. */
  leader: string | undefined;
  at: Date;
  zone: string;
}

/**
 * The failure note once a leader sent the write-back again: no Retry button left to press, and
 * what happens if it fails again. Nothing about the lead beyond its number.
 */
export function renderCrmWriteRetried(task: TaskRow, item: OutboxRow, by: RetriedBy): RenderedMessage {
  const action = typeof item.payload.action === 'string' ? item.payload.action : 'write';
  const what = WHAT[action] ?? action;
  const who = by.leader ? `by ${escapeText(by.leader)}` : 'with `lead-dispatch outbox retry`';
  const outcome =
    item.status === 'delivered'
      ? 'Follow Up Boss updated on retry.'
      : 'If it fails for good once more, a new note appears here.';
  return {
    text: `Follow Up Boss write-back for #${task.id} sent again`,
    blocks: [
      section(
        `:white_check_mark: *Sent again ${who} at ${clockTime(by.at, by.zone)}*: ${what} for #${task.id}.`,
      ),
      context(outcome),
      { type: 'actions', elements: [timelineButton(task.id)] },
    ],
  };
}
