import type { Button, View } from '@slack/types';
import { MOVE_REASON_MAX } from '../../core/reassign-text.js';
import { button } from './elements.js';
import { escapeText } from './format.js';

/** On the leaders' copies and a resolved escalation: opens the Reassign… modal. The value is the task id. */
export const REASSIGN_ACTION = 'task_reassign';
export const REASSIGN_MODAL = 'reassign_modal';
export const HAND_OFF_MODAL = 'hand_off_modal';
/** Block ids of the modals' inputs; every input's action id is MOVE_VALUE. */
export const MOVE_TO = 'move_to';
export const MOVE_POOL = 'move_pool';
export const MOVE_REASON = 'move_reason';
export const MOVE_VALUE = 'value';
/** The one option of the hand-off's "back to the pool" checkbox. */
export const BACK_TO_POOL = 'pool';

export function reassignButton(taskId: number): Button {
  return button('Reassign…', REASSIGN_ACTION, String(taskId));
}

const reasonInput = (optional: boolean, hint: string) => ({
  type: 'input' as const,
  block_id: MOVE_REASON,
  optional,
  label: { type: 'plain_text' as const, text: 'Reason' },
  element: {
    type: 'plain_text_input' as const,
    action_id: MOVE_VALUE,
    max_length: MOVE_REASON_MAX,
    placeholder: { type: 'plain_text' as const, text: hint },
  },
});

/** A leader's Reassign…: the new agent (required) and why (optional). `private_metadata` is the task id. */
export function renderReassignModal(taskId: number, headline: string): View {
  return {
    type: 'modal',
    callback_id: REASSIGN_MODAL,
    private_metadata: String(taskId),
    title: { type: 'plain_text', text: 'Reassign' },
    submit: { type: 'plain_text', text: 'Reassign' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `*${escapeText(headline).slice(0, 2700)}* #${taskId}\nThe new agent gets an offer to claim; whoever has it now is told who took it over and why.`,
        },
      },
      {
        type: 'input',
        block_id: MOVE_TO,
        label: { type: 'plain_text', text: 'Reassign to' },
        element: { type: 'users_select', action_id: MOVE_VALUE },
      },
      reasonInput(true, 'Dana is out sick today'),
    ],
  };
}

/** The owner's Hand off…: a teammate or back to the rule's pool, and why. `private_metadata` is the offer id. */
export function renderHandOffModal(offerId: number, headline: string): View {
  return {
    type: 'modal',
    callback_id: HAND_OFF_MODAL,
    private_metadata: String(offerId),
    title: { type: 'plain_text', text: 'Hand off' },
    submit: { type: 'plain_text', text: 'Hand off' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `*${escapeText(headline).slice(0, 2700)}*\nYour teammate gets an offer to claim it; if they don't, it goes on down the chain as usual.`,
        },
      },
      {
        type: 'input',
        block_id: MOVE_TO,
        optional: true,
        label: { type: 'plain_text', text: 'Hand it to' },
        element: { type: 'users_select', action_id: MOVE_VALUE },
      },
      {
        type: 'input',
        block_id: MOVE_POOL,
        optional: true,
        label: { type: 'plain_text', text: 'Or' },
        element: {
          type: 'checkboxes',
          action_id: MOVE_VALUE,
          options: [
            {
              text: { type: 'plain_text', text: "Back to the rule's pool" },
              description: { type: 'plain_text', text: 'Offered again as a new lead is, without you' },
              value: BACK_TO_POOL,
            },
          ],
        },
      },
      reasonInput(false, 'Sick today, can’t call them back'),
    ],
  };
}
