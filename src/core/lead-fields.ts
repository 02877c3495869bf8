/**
 * Readers for each optional field of a lead, as senders really write them. Each returns the
 * value it could read, or a note that keeps what was sent and says, for the agent, why it could
 * not be read. Nothing here refuses a lead: intake stores it whatever these say. Pure.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { z } from 'zod';
import { isRecord } from './field-path.js';
import { normalizeLanguage } from './language.js';

/** A field kept as sent because it could not be read, or a warning about the lead as a whole. */
export interface IntakeNote {
  /** Our name for the field (`phone`, `address`), or `contact` for "no way to reach them". */
  field: string;
  /** What the sender sent, as text, clipped; absent when nothing was sent. */
  sent?: string;
  /** Why, in the agent's words: "not a full number". */
  problem: string;
}

export interface Read<T> {
  value?: T;
  note?: IntakeNote;
}

const SENT_MAX = 200;

/** What was sent, as one short line of text for a note. */
export function sentText(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > SENT_MAX ? `${line.slice(0, SENT_MAX - 1)}…` : line;
}

const note = (field: string, value: unknown, problem: string): { note: IntakeNote } => ({
  note: { field, sent: sentText(value), problem },
});

/** Nothing worth reading: absent, null, or blank text. */
export function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

export function readText(field: string, value: unknown, max: number): Read<string> {
  if (isBlank(value)) return {};
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
    return note(field, value, 'not text');
  const text = String(value).trim();
  if (text.length <= max) return { value: text };
  return {
    value: text.slice(0, max),
    note: { field, problem: `cut at ${max.toLocaleString('en-US')} characters` },
  };
}

export function readPhone(value: unknown): Read<string> {
  if (isBlank(value)) return {};
  if (typeof value !== 'string' && typeof value !== 'number')
    return note('phone', value, 'not a phone number');
  const parsed = parsePhoneNumberFromString(String(value).trim(), 'US');
  if (parsed?.isValid()) return { value: parsed.number };
  const digits = String(value).replace(/\D/g, '').length;
  return note('phone', value, digits < 10 ? 'not a full number' : 'not a number we can dial');
}

const emailShape = z.email();

export function readEmail(value: unknown): Read<string> {
  if (isBlank(value)) return {};
  const text = typeof value === 'string' ? value.trim().toLowerCase() : '';
  return emailShape.safeParse(text).success ? { value: text } : note('email', value, 'not an email address');
}

export function readZip(value: unknown, field = 'zip'): Read<string> {
  if (isBlank(value)) return {};
  // A spreadsheet or JSON number loses a zip's leading zero (02134 → 2134).
  const text =
    typeof value === 'number' && Number.isInteger(value) && value > 0 && value < 100_000
      ? String(value).padStart(5, '0')
      : typeof value === 'string'
        ? value.trim()
        : '';
  return /^\d{5}(-\d{4})?$/.test(text)
    ? { value: text.slice(0, 5) }
    : note(field, value, 'not a US zip code');
}

export interface Address {
  street?: string;
  city?: string;
  state?: string;
  zip?: string;
}

const ADDRESS_KEYS: Record<keyof Address, string[]> = {
  street: ['street', 'streetaddress', 'address1', 'addressline1', 'line1', 'address'],
  city: ['city', 'town'],
  state: ['state', 'region', 'province', 'stateprovince'],
  zip: ['zip', 'zipcode', 'postalcode', 'postcode', 'code'],
};

/** An address as an object, or as one line of text (kept as one line, with its zip pulled out). */
export function readAddress(value: unknown): { value?: Address; notes: IntakeNote[] } {
  if (isBlank(value)) return { notes: [] };
  if (typeof value === 'string') {
    const line = readText('address', value, 200);
    const zip =
      /\b(\d{5})(?:-\d{4})?\s*$/.exec(value.trim())?.[1] ?? /\b(\d{5})(?:-\d{4})?\b/.exec(value)?.[1];
    return { value: { street: line.value, ...(zip ? { zip } : {}) }, notes: line.note ? [line.note] : [] };
  }
  if (!isRecord(value))
    return {
      notes: [
        note('address', value, 'send an object with street, city, state, zip, or one line of text').note,
      ],
    };
  const byKey = new Map(Object.entries(value).map(([k, v]) => [fieldKey(k), v]));
  const pick = (part: keyof Address) => ADDRESS_KEYS[part].map((k) => byKey.get(k)).find((v) => !isBlank(v));
  const notes: IntakeNote[] = [];
  const address: Address = {};
  for (const [part, max] of [
    ['street', 200],
    ['city', 100],
    ['state', 40],
  ] as const) {
    const read = readText(`address.${part}`, pick(part), max);
    if (read.value) address[part] = read.value;
    if (read.note) notes.push(read.note);
  }
  const zip = readZip(pick('zip'), 'address.zip');
  if (zip.value) address.zip = zip.value;
  if (zip.note) notes.push(zip.note);
  return { value: Object.keys(address).length > 0 ? address : undefined, notes };
}

/** Field names compared without case or punctuation: `Cell_Phone_1`, `cellPhone1`, `cell phone 1`. */
export function fieldKey(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** "Jane Q. Buyer" → Jane / Q. Buyer; "Buyer, Jane" → Jane / Buyer. */
export function splitName(full: string): { firstName?: string; lastName?: string } {
  const comma = full.split(',').map((p) => p.trim());
  if (comma.length === 2 && comma[0] && comma[1]) return { firstName: comma[1], lastName: comma[0] };
  const [first, ...rest] = full.trim().split(/\s+/);
  return { ...(first ? { firstName: first } : {}), ...(rest.length > 0 ? { lastName: rest.join(' ') } : {}) };
}

export function readTags(value: unknown): Read<string[]> {
  if (isBlank(value)) return {};
  const items = typeof value === 'string' ? value.split(/[,;]/) : Array.isArray(value) ? value : [value];
  const tags = items
    .filter((t): t is string | number => typeof t === 'string' || typeof t === 'number')
    .map((t) => String(t).trim().slice(0, 64))
    .filter((t) => t !== '');
  const kept = [...new Set(tags)].slice(0, 50);
  const lost = kept.length < items.filter((t) => !isBlank(t)).length;
  return { value: kept, ...(lost ? note('tags', value, 'some tags could not be read') : {}) };
}

export function readLanguage(value: unknown): Read<string> {
  const read = readText('language', value, 40);
  return read.value ? { value: normalizeLanguage(read.value) } : read;
}

export function readReferringAgent(value: unknown): Read<string> {
  if (isBlank(value)) return {};
  const text = typeof value === 'string' ? value.trim() : '';
  if (/^[UW][A-Z0-9]{2,}$/.test(text)) return { value: text };
  if (emailShape.safeParse(text).success) return { value: text };
  return note('referringAgent', value, "not an agent's email or Slack id");
}

const isoTime = z.iso.datetime({ offset: true });

/** An ISO 8601 time with its zone, within the last year and not ahead of `now` (5 minutes' skew). */
export function readReceivedAt(value: unknown, now: Date): Read<string> {
  if (isBlank(value)) return {};
  const checked = isoTime.safeParse(typeof value === 'string' ? value.trim() : value);
  if (!checked.success)
    return note('receivedAt', value, 'not a time with its zone; the time it arrived is used');
  const at = Date.parse(checked.data);
  if (at > now.getTime() + 5 * 60_000)
    return note('receivedAt', value, 'in the future; the time it arrived is used');
  if (at < now.getTime() - 365 * 86_400_000)
    return note('receivedAt', value, 'over a year ago; the time it arrived is used');
  return { value: checked.data };
}
