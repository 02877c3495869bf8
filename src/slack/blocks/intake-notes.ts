import type { KnownBlock } from '@slack/types';
import type { IntakeNote } from '../../core/lead-fields.js';
import { clip, escapeText } from './format.js';

const LABELS: Record<string, string> = {
  firstName: 'First name',
  lastName: 'Last name',
  name: 'Name',
  email: 'Email',
  phone: 'Phone',
  zip: 'Zip',
  address: 'Address',
  'address.street': 'Street',
  'address.city': 'City',
  'address.state': 'State',
  'address.zip': 'Zip',
  street: 'Street',
  city: 'City',
  state: 'State',
  price: 'Price',
  message: 'Message',
  tags: 'Tags',
  language: 'Language',
  referringAgent: 'Referred by',
  receivedAt: 'Time sent',
  type: 'Type',
  contact: 'Contact',
  person: 'Person',
  payload: 'Other fields',
};

/** The agent's word for one of our field names. */
export function noteLabel(field: string): string {
  return LABELS[field] ?? field;
}

/** "⚠️ Phone as sent: 555-0107, not a full number" — one line per note. */
export function noteLine(n: IntakeNote): string {
  if (n.field === 'contact')
    return `⚠️ *${escapeText(n.problem.charAt(0).toUpperCase() + n.problem.slice(1))}*`;
  const label = `*${escapeText(noteLabel(n.field))}*`;
  if (n.sent === undefined) return `⚠️ ${label} ${escapeText(n.problem)}`;
  // Backticks would end the code span early; the sender's text is shown, not interpreted.
  const sent = escapeText(n.sent.replace(/`/g, "'"));
  return `⚠️ ${label} as sent: \`${sent}\`, ${escapeText(n.problem)}`;
}

const SECTION_MAX = 2900;

/**
 * What intake could not read, kept as sent, and a lead nobody can reach: shown where the lead's
 * details are, so the agent sees it before calling. No block when there is nothing to say.
 */
export function intakeNoteBlocks(notes: readonly IntakeNote[]): KnownBlock[] {
  if (notes.length === 0) return [];
  const text = clip(notes.slice(0, 20).map(noteLine).join('\n'), SECTION_MAX);
  return [{ type: 'section', text: { type: 'mrkdwn', text } }];
}
