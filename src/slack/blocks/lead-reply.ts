import type { KnownBlock } from '@slack/types';
import { spokenFirstName } from '../../core/reply-words.js';
import type { LeadReplyRow, TaskRow } from '../../db/schema.js';
import { context } from './elements.js';
import { clip, clockTime, dayAndTime, escapeText } from './format.js';

export type ReplyLine = Pick<
  LeadReplyRow,
  'channel' | 'status' | 'reason' | 'sendAt' | 'sentAt' | 'statusAt'
>;

const WHY_NOT: Record<string, string> = {
  opted_out: 'they opted out of texts (STOP)',
  at_night: 'it was their quiet hours, so only the email went',
  already_contacted: 'they were reached before it could go',
  rule_has_no_reply: 'the rule no longer replies',
};

/**
 * How the automatic reply to the lead went, on the agent's DM: so they know what the lead has
 * already been told before they call ("✓ texted Jane at 10:45").
 */
export function leadReplyBlocks(
  replies: readonly ReplyLine[],
  task: Pick<TaskRow, 'firstName'>,
  zone: string,
  now: Date,
): KnownBlock[] {
  const name = escapeText(spokenFirstName(task.firstName) ?? 'the lead');
  const lines = replies.map((r) => replyLine(r, name, zone, now));
  // Cut under Slack's 3,000 characters, which a long name and provider reasons could pass.
  return lines.length > 0 ? [context(clip(lines.join('\n'), 3000))] : [];
}

function replyLine(r: ReplyLine, name: string, zone: string, now: Date): string {
  const past = r.channel === 'sms' ? 'Texted' : 'Emailed';
  const noun = r.channel === 'sms' ? 'Text' : 'Email';
  const sent = r.sentAt ? clockTime(r.sentAt, zone) : '';
  switch (r.status) {
    case 'planned':
    case 'sending':
      return `⏳ ${noun} to ${name} going out`;
    case 'waiting':
      return `🌙 ${noun} to ${name} waits for their morning (${r.sendAt ? dayAndTime(r.sendAt, zone, now) : 'quiet hours'})`;
    case 'queued':
    case 'sent':
      return `✓ ${past} ${name} at ${sent}`;
    case 'delivered':
      return `✓ ${past} ${name} at ${sent} · delivered`;
    case 'undeliverable':
      return `⚠️ Could not ${r.channel === 'sms' ? 'text' : 'email'} ${name}: the ${r.channel === 'sms' ? 'number cannot take texts' : 'address refused it'}${r.reason ? ` (${escapeText(r.reason)})` : ''}`;
    case 'failed':
      if (r.reason === 'gave_up')
        return `⚠️ The ${noun.toLowerCase()} to ${name} could not be sent: ${r.channel === 'sms' ? 'Twilio' : 'the mail server'} kept failing`;
      return `⚠️ The ${noun.toLowerCase()} to ${name} failed${r.reason ? ` (${escapeText(r.reason)})` : ''}`;
    case 'skipped':
      return `— No ${noun.toLowerCase()} to ${name}: ${escapeText(WHY_NOT[r.reason ?? ''] ?? (r.reason ?? '').replace(/_/g, ' '))}`;
  }
}
