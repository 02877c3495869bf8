import type { OutboxRow, TaskRow } from '../../db/schema.js';
import { button, context, section, timelineButton } from './elements.js';
import { escapeText } from './format.js';
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
        `:warning: *Follow Up Boss was not updated for #${task.id}*: ${what} failed after ${item.attempts} tries.`,
      ),
      context(`Last answer: ${why}. Retry here, or run \`lead-dispatch outbox retry ${item.id}\`.`),
      {
        type: 'actions',
        elements: [button('Retry', OUTBOX_RETRY_ACTION, String(item.id), 'primary'), timelineButton(task.id)],
      },
    ],
  };
}
