/**
 * Turns any sender's body into a lead, refusing only what is not a lead at all: no source, no
 * id, not an object. Every other field that cannot be read is kept as sent in a note, which the
 * task stores and the agent's DM shows. Pure: the HTTP shell parses the body and stores the lead.
 */
import { createHash } from 'node:crypto';
import type { DispatchConfig } from '../config/dispatch-schema.js';
import type { LeadField } from '../config/source-schema.js';
import { knownTypes, readType } from '../core/classify.js';
import { isMergeable } from '../core/contact.js';
import { isRecord } from '../core/field-path.js';
import {
  type Address,
  type IntakeNote,
  isBlank,
  readAddress,
  readEmail,
  readLanguage,
  readPhone,
  readReceivedAt,
  readReferringAgent,
  readTags,
  readText,
  readZip,
  sentText,
  splitName,
} from '../core/lead-fields.js';
import { readPriceText } from '../core/price-text.js';
import { type ResolvedSource, resolveSource } from '../core/sources.js';
import { cutToDepth, depthOf, type LeadIssue, MAX_DEPTH } from './body-shape.js';
import { recogniseFields } from './recognise.js';

export interface Lead {
  source: string;
  externalId: string;
  type?: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  /** E.164. */
  phone?: string;
  zip?: string;
  address?: Address;
  /** Whole dollars; the upper end of a band. */
  price?: number;
  /** The lower end, when a band was sent ("$400-450k"). */
  priceLow?: number;
  message?: string;
  tags?: string[];
  language?: string;
  referringAgent?: string;
  /** ISO 8601, as sent. */
  receivedAt?: string;
  /** The body as sent (kept to MAX_DEPTH levels; a note says when it was cut). */
  payload: Record<string, unknown>;
  notes: IntakeNote[];
}

export interface ReadOptions {
  /** The source's `fields:` mapping. */
  fields?: Partial<Record<LeadField, string>>;
  knownTypes: readonly string[];
  now: Date;
  /** The source named by the URL (/leads/<source>), which wins over the body's. */
  source?: string;
  /** The type the config gives this source: a deal task without a phone is no cause for a warning. */
  sourceType?: string;
  /** Make an id from the body when none is sent (per-source endpoints: a web form has none). */
  deriveId?: boolean;
}

/** What a person fills in; a body without any of them (and without an id) is not a lead. */
const PERSON_FIELDS: readonly LeadField[] = [
  'name',
  'firstName',
  'lastName',
  'email',
  'phone',
  'message',
  'address',
  'street',
  'city',
  'state',
  'zip',
  'price',
];

export type ReadResult = { ok: true; lead: Lead } | { ok: false; issues: LeadIssue[] };

export function readLead(sent: unknown, options: ReadOptions): ReadResult {
  if (!isRecord(sent)) return refuse('(body)', 'must be a JSON object or a form');
  // One field nested absurdly deep is no reason to lose the lead: keep it to MAX_DEPTH and say so.
  const tooDeep = depthOf(sent) > MAX_DEPTH;
  const body = tooDeep ? cutToDepth(sent) : sent;
  const raw = recogniseFields(body, options.fields ?? {});
  // A form that sends no id and nothing a person would write is a bot or a stray click, not a lead.
  if (options.deriveId && isBlank(raw.externalId) && !PERSON_FIELDS.some((f) => !isBlank(raw[f])))
    return refuse('(body)', 'an empty form is not a lead: send at least a name, phone, email or message');
  const issues: LeadIssue[] = [];
  const source = identity(options.source ?? raw.source, 64);
  if (source === undefined)
    issues.push({ path: 'source', message: 'is required, e.g. "zillow" (or post to /leads/<source>)' });
  else if (source.length > 64) issues.push({ path: 'source', message: 'must be at most 64 characters' });
  const externalId =
    identity(raw.externalId, 128) ?? (options.deriveId ? derivedId(body, options.now) : undefined);
  if (externalId === undefined)
    issues.push({
      path: 'externalId',
      message: 'is required: the id of this lead in the sending system (externalId, leadId, lead_id or id)',
    });
  else if (externalId.length > 128)
    issues.push({ path: 'externalId', message: 'must be at most 128 characters' });
  if (source === undefined || externalId === undefined || issues.length > 0) return { ok: false, issues };

  const notes: IntakeNote[] = [];
  if (tooDeep)
    notes.push({ field: 'payload', problem: `nested deeper than ${MAX_DEPTH} levels; kept to ${MAX_DEPTH}` });
  const take = <T>(read: { value?: T; note?: IntakeNote }): T | undefined => {
    if (read.note) notes.push(read.note);
    return read.value;
  };
  const lead: Lead = { source, externalId, payload: body, notes };
  const set = <K extends keyof Lead>(key: K, value: Lead[K] | undefined) => {
    if (value !== undefined) lead[key] = value;
  };

  set('type', readLeadType(raw.type, options.knownTypes, notes));
  const name = take(readText('name', raw.name, 200));
  const split = name && isBlank(raw.firstName) && isBlank(raw.lastName) ? splitName(name) : {};
  set('firstName', take(readText('firstName', raw.firstName, 100)) ?? split.firstName?.slice(0, 100));
  set('lastName', take(readText('lastName', raw.lastName, 100)) ?? split.lastName?.slice(0, 100));
  set('email', take(readEmail(firstOf('email', raw.email, notes))));
  set('phone', take(readPhone(firstOf('phone', raw.phone, notes))));
  set('address', readLeadAddress(raw, notes));
  set('zip', take(readZip(raw.zip)));
  if (!isBlank(raw.price)) {
    const price = readPriceText(raw.price);
    if (price.ok) {
      lead.price = price.price;
      set('priceLow', price.low);
    } else notes.push({ field: 'price', sent: sentText(raw.price), problem: price.problem });
  }
  set('message', take(readText('message', raw.message, 5000)));
  set('tags', take(readTags(raw.tags)));
  set('language', take(readLanguage(raw.language)));
  set('referringAgent', take(readReferringAgent(raw.referringAgent)));
  set('receivedAt', take(readReceivedAt(raw.receivedAt, options.now)));
  const type = lead.type ?? options.sourceType;
  if (!lead.phone && !lead.email && (type === undefined || isMergeable(type)))
    notes.push({ field: 'contact', problem: 'no phone or email: no way to reach them yet' });
  return { ok: true, lead };
}

/** A body whose source's honeypot field (hidden from people) was filled in: a bot's, not a lead. */
export function filledHoneypot(body: unknown, honeypot: string | undefined): boolean {
  return (
    honeypot !== undefined && isRecord(body) && Object.hasOwn(body, honeypot) && !isBlank(body[honeypot])
  );
}

/** On `POST /leads` the body names its source; that source's `fields:` mapping then applies. */
export function sourceNamedIn(config: DispatchConfig, body: unknown): ResolvedSource | undefined {
  if (!isRecord(body)) return undefined;
  const sent = recogniseFields(body, {}).source;
  return typeof sent === 'string' && sent.trim() !== '' ? resolveSource(config, sent) : undefined;
}

/**
 * A body read exactly as `POST /leads` reads it (the simulator's way in, so a replay keeps and
 * flags what intake keeps and flags): the source it names picks its mapping, an alias its name.
 */
export function readPostedLead(config: DispatchConfig, body: unknown, now: Date): ReadResult {
  const source = sourceNamedIn(config, body);
  const read = readLead(body, {
    fields: source?.settings?.fields,
    knownTypes: knownTypes(config),
    now,
    sourceType: source?.settings?.type,
  });
  if (!read.ok) return read;
  return { ok: true, lead: { ...read.lead, source: resolveSource(config, read.lead.source).name } };
}

function refuse(path: string, message: string): ReadResult {
  return { ok: false, issues: [{ path, message }] };
}

/** A source or id: text or a number, trimmed; undefined when absent or blank. */
function identity(value: unknown, max: number): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const text = String(value).trim();
  return text === '' ? undefined : text.slice(0, max + 1);
}

/** A web form sends no id: the same form sent twice the same day is one lead (a double click). */
function derivedId(body: Record<string, unknown>, now: Date): string {
  const day = now.toISOString().slice(0, 10);
  const canonical = JSON.stringify(Object.entries(body).sort(([a], [b]) => a.localeCompare(b)));
  return `form-${day}-${createHash('sha256').update(canonical).digest('hex').slice(0, 12)}`;
}

/** The first of several emails or phones (a form field sent twice); the others are flagged, as sent. */
function firstOf(field: 'email' | 'phone', value: unknown, notes: IntakeNote[]): unknown {
  if (!Array.isArray(value)) return value;
  const [first, ...rest] = value;
  const others = rest.filter((v) => sentText(v) !== sentText(first));
  if (others.length > 0)
    notes.push({
      field,
      sent: sentText(others.map((v) => sentText(v)).join(', ')),
      problem: `more than one ${field} sent; the first is used`,
    });
  return first;
}

function readLeadType(value: unknown, known: readonly string[], notes: IntakeNote[]): string | undefined {
  if (isBlank(value)) return undefined;
  const type = typeof value === 'string' ? readType(value, known) : undefined;
  if (type === undefined)
    notes.push({
      field: 'type',
      sent: sentText(value),
      problem: 'not a type we know; classified by its source',
    });
  return type;
}

/** The address object or line, with a flat `street`, `city`, `state` filling what it lacks. */
function readLeadAddress(raw: ReturnType<typeof recogniseFields>, notes: IntakeNote[]): Address | undefined {
  const read = readAddress(raw.address);
  notes.push(...read.notes);
  const address: Address = { ...read.value };
  for (const [part, max] of [
    ['street', 200],
    ['city', 100],
    ['state', 40],
  ] as const) {
    if (address[part] !== undefined) continue;
    const flat = readText(part, raw[part], max);
    if (flat.note) notes.push(flat.note);
    if (flat.value) address[part] = flat.value;
  }
  return Object.keys(address).length > 0 ? address : undefined;
}
