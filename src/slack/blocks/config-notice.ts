import { section } from './elements.js';
import { clip, escapeText } from './format.js';
import type { RenderedMessage } from './offer-message.js';

/** The leaders' note about a reload of dispatch.yml: the confirmation, or why the file was kept out. */
export function renderConfigNotice(notice: string, applied: boolean): RenderedMessage {
  const icon = applied ? '🔄' : '⚠️';
  // A section holds 3,000 characters; the problems list is already cut to 20 lines.
  const body = clip(escapeText(notice), 2900);
  return {
    text: clip(escapeText(notice.split('\n')[0] ?? notice), 300),
    blocks: [section(`${icon} ${body}`)],
  };
}
