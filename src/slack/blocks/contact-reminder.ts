import type { KnownBlock } from '@slack/types';
import type { TaskRow } from '../../db/schema.js';
import { button, section, timelineButton } from './elements.js';
import { clip, dayAndTime, escapeText } from './format.js';
import { CONTACTED_ACTION, contactConsequence, type RenderedMessage } from './offer-message.js';
import { contactName, headline } from './task-summary.js';

/** The owner's one reminder before a lead they claimed but never contacted goes to the leaders. */
export function renderContactReminder(task: TaskRow, zone: string, now: Date): RenderedMessage {
  const due = task.contactDueAt ? ` by *${dayAndTime(task.contactDueAt, zone, now)}*` : '';
  // A name as long as a form allows, escaped, must still leave the section under 3,000 characters.
  const who = clip(escapeText(`${contactName(task)} (${headline(task)} #${task.id})`), 1000);
  const text = `⏰ Reminder: you claimed ${who} but have not marked it contacted. Reach them${due}, or ${contactConsequence(task)}.`;
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
