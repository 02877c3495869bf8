import type { KnownBlock } from '@slack/types';
import type { TaskRow } from '../../db/schema.js';
import {
  clip,
  emailLink,
  escapeText,
  humanType,
  money,
  phoneLink,
  priceBand,
  sourceLabel,
} from './format.js';
import { intakeNoteBlocks } from './intake-notes.js';

export function contactName(task: TaskRow): string {
  if (task.detailsRemovedAt) return 'Contact details removed';
  const name = [task.firstName, task.lastName].filter(Boolean).join(' ').trim();
  return name || 'Unnamed contact';
}

/** "Buyer lead from Zillow" — the one-line headline used in headers and notifications. */
export function headline(task: TaskRow): string {
  return `${humanType(task.type || 'task')} from ${sourceLabel(task.source)}`;
}

/**
 * "12 Elm St, Austin, TX 78701". An address sent as one line is stored as the street with its zip
 * also pulled out into the zip column: the zip is then written once. (City and state are not
 * compared: "5 Austin St" in Austin would lose its city.)
 */
export function area(task: TaskRow): string | undefined {
  const zip = task.zip && !hasNumber(task.street ?? '', task.zip) ? task.zip : undefined;
  const cityLine = [task.city, [task.state, zip].filter(Boolean).join(' ')].filter(Boolean).join(', ');
  const parts = [task.street, cityLine].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : undefined;
}

/** `number` written in `line` as a whole number ("TX 78701" has 78701; "1787012" does not). */
function hasNumber(line: string, number: string): boolean {
  for (let at = line.indexOf(number); at !== -1; at = line.indexOf(number, at + 1)) {
    const before = line[at - 1] ?? '';
    const after = line[at + number.length] ?? '';
    if (!/\d/.test(before) && !/\d/.test(after)) return true;
  }
  return false;
}

const FIELD_MAX = 1900;
const SECTION_MAX = 2900;

/** The lead's details: who, how to reach them, where, how much, and what they said. */
export function taskSummaryBlocks(task: TaskRow, lead?: KnownBlock): KnownBlock[] {
  const fields: string[] = [`*Contact*\n${clip(escapeText(contactName(task)), FIELD_MAX)}`];
  if (task.phone) fields.push(`*Phone*\n${phoneLink(task.phone)}`);
  if (task.email) fields.push(`*Email*\n${emailLink(task.email)}`);
  const where = area(task);
  if (where) fields.push(`*Area*\n${clip(escapeText(where), FIELD_MAX)}`);
  if (task.price !== null) fields.push(`*Price*\n${priceText(task.price, task.priceLow)}`);
  if (task.referringAgent) fields.push(`*Referred by*\n${clip(escapeText(task.referringAgent), FIELD_MAX)}`);
  if (task.language)
    fields.push(`*Language*\n${escapeText(task.language.replace(/^\p{L}/u, (c) => c.toUpperCase()))}`);
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: `${headline(task)} · #${task.id}`.slice(0, 150) } },
    ...(lead ? [lead] : []),
    { type: 'section', fields: fields.slice(0, 10).map((text) => ({ type: 'mrkdwn', text })) },
    ...intakeNoteBlocks(task.intakeNotes),
  ];
  if (task.message) {
    // Escaping and quoting lengthen the text, so cut after both, under Slack's 3,000 per section.
    const quoted = `>${escapeText(task.message).replace(/\n/g, '\n>')}`;
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(quoted, SECTION_MAX) } });
  }
  return blocks;
}

/** One price, or a band as sent ("$400K–$450K"); routing used its upper end. */
function priceText(price: number, low: number | null): string {
  return low === null ? money(price) : priceBand(low, price);
}
