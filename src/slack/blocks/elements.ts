import type { Button, KnownBlock } from '@slack/types';

export const TIMELINE_ACTION = 'task_timeline';

export function button(text: string, actionId: string, value: string, style?: 'primary' | 'danger'): Button {
  return {
    type: 'button',
    action_id: actionId,
    value,
    text: { type: 'plain_text', text },
    ...(style ? { style } : {}),
  };
}

/** Every message about a task carries its history, one click away. */
export function timelineButton(taskId: number): Button {
  return button('Timeline', TIMELINE_ACTION, String(taskId));
}

export function section(text: string): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

export function context(text: string): KnownBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text }] };
}
