import type { KnownBlock } from '@slack/types';
import type { TaskRow } from '../../db/schema.js';
import { button, section, timelineButton } from './elements.js';
import { dayAndTime, escapeText } from './format.js';
import { CONTACTED_ACTION, type RenderedMessage } from './offer-message.js';
import { contactName, headline } from './task-summary.js';

/** The owner's one reminder before a lead they claimed but never contacted goes to the leaders. */
export function renderContactReminder(task: TaskRow, zone: string, now: Date): RenderedMessage {
  const due = task.contactDueAt ? ` by *${dayAndTime(task.contactDueAt, zone, now)}*` : '';
  const who = escapeText(`${contactName(task)} (${headline(task)} #${task.id})`);
  const text = `⏰ Reminder: you claimed ${who} but have not marked it contacted. Reach them${due}, or it goes to the team leaders.`;
  const blocks: KnownBlock[] = [
    section(text),
    {
      type: 'actions',
      block_id: `contact_${task.id}`,
      elements: [
        button('Mark contacted', CONTACTED_ACTION, String(task.id), 'primary'),
        timelineButton(task.id),
      ],
    },
  ];
  return { text, blocks };
}
