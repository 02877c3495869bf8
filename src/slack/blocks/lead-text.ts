import type { TaskRow } from '../../db/schema.js';
import { context, section, timelineButton } from './elements.js';
import { clip, clockTime, escapeText, phoneLink } from './format.js';
import type { RenderedMessage } from './offer-message.js';
import { contactName } from './task-summary.js';

/** "💬 Jane texted back: …", in the thread of whoever holds the lead, so they can call or text her. */
export function renderLeadText(task: TaskRow, text: string, at: Date, zone: string): RenderedMessage {
  const who = escapeText(contactName(task));
  const quoted = escapeText(text).replace(/\n/g, '\n> ');
  return {
    text: `${contactName(task)} texted back: ${clip(text, 150)}`,
    blocks: [
      // Cut under Slack's 3,000 characters, quote marks and a long name included.
      section(clip(`💬 *${who} texted back* at ${clockTime(at, zone)}:\n> ${quoted}`, 3000)),
      context(
        `To our Twilio number, in answer to the automatic reply.${task.phone ? ` Call or text them: ${phoneLink(task.phone)}` : ''}`,
      ),
      { type: 'actions', elements: [timelineButton(task.id)] },
    ],
  };
}
