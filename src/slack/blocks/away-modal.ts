import type { View } from '@slack/types';

export const AWAY_MODAL = 'away_modal';
export const BACK_DATE = 'back_date';
export const BACK_TIME = 'back_time';
export const AWAY_REASON = 'reason';
/** Every input in the modal uses this action id; blocks tell them apart. */
export const VALUE = 'value';

/** The /away modal: when you are back (optional) and why (optional). */
export function renderAwayModal(agentId: string, zone: string): View {
  return {
    type: 'modal',
    callback_id: AWAY_MODAL,
    private_metadata: agentId,
    title: { type: 'plain_text', text: 'Away' },
    submit: { type: 'plain_text', text: 'Go away' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'input',
        block_id: BACK_DATE,
        optional: true,
        label: { type: 'plain_text', text: 'Back on' },
        element: { type: 'datepicker', action_id: VALUE },
      },
      {
        type: 'input',
        block_id: BACK_TIME,
        optional: true,
        label: { type: 'plain_text', text: 'Back at' },
        element: { type: 'timepicker', action_id: VALUE },
      },
      {
        type: 'input',
        block_id: AWAY_REASON,
        optional: true,
        label: { type: 'plain_text', text: 'Reason' },
        element: {
          type: 'plain_text_input',
          action_id: VALUE,
          max_length: 200,
          placeholder: { type: 'plain_text', text: 'showing 12 Elm St' },
        },
      },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: `Leave the date and time empty to stay away until you say /back. A date alone means back at 9:00 AM. Times are in ${zone}.`,
          },
        ],
      },
    ],
  };
}
