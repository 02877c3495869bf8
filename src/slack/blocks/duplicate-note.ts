import type { TaskRow } from '../../db/schema.js';
import { context, section, timelineButton } from './elements.js';
import { clip, dayAndTime, emailLink, escapeText, phoneLink, sourceLabel } from './format.js';
import type { RenderedMessage } from './offer-message.js';

/** "Again from Realtor.com: new message …", threaded on the original task for whoever holds it. */
export function renderDuplicateNote(repeat: TaskRow, zone: string, now: Date): RenderedMessage {
  const from = sourceLabel(repeat.source);
  const said = repeat.message
    ? `: new message “${clip(escapeText(repeat.message), 1500)}”`
    : ', no new message';
  const reach = [repeat.phone ? phoneLink(repeat.phone) : '', repeat.email ? emailLink(repeat.email) : '']
    .filter(Boolean)
    .join(' · ');
  return {
    text: `Again from ${from}${repeat.message ? `: ${clip(escapeText(repeat.message), 200)}` : ''}`,
    blocks: [
      section(`🔁 *Again from ${escapeText(from)}*${said}`),
      context(
        `Arrived ${dayAndTime(repeat.receivedAt, zone, now)} as #${repeat.id}${reach ? ` · ${reach}` : ''}. Kept on #${repeat.duplicateOf ?? '?'}, not dispatched again.`,
      ),
      { type: 'actions', elements: [timelineButton(repeat.duplicateOf ?? repeat.id)] },
    ],
  };
}
