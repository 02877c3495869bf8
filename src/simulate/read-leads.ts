import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { LeadRow } from './result.js';

/** The leads file cannot be used at all (a bad row is reported by the replay instead). */
export class LeadsFileError extends Error {
  override name = 'LeadsFileError';
}

export interface LeadsFile {
  rows: LeadRow[];
  /** For the reader of the output: how rows are numbered, columns that were not used. */
  notes: string[];
}

/** CSV column (lower case, without spaces, _ or -) → where it goes in an intake lead. */
const COLUMNS: Record<string, string[]> = {
  source: ['source'],
  externalid: ['externalId'],
  type: ['type'],
  firstname: ['firstName'],
  lastname: ['lastName'],
  email: ['email'],
  phone: ['phone'],
  zip: ['zip'],
  price: ['price'],
  message: ['message'],
  tags: ['tags'],
  language: ['language'],
  referringagent: ['referringAgent'],
  receivedat: ['receivedAt'],
  street: ['address', 'street'],
  city: ['address', 'city'],
  state: ['address', 'state'],
  'address.street': ['address', 'street'],
  'address.city': ['address', 'city'],
  'address.state': ['address', 'state'],
  'address.zip': ['address', 'zip'],
};

export function readLeadsFile(file: string): LeadsFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a folder' : `cannot be read (${code})`;
    throw new LeadsFileError(`${file}: ${why}`);
  }
  return parseLeads(text, file);
}

/** A JSON array of lead objects, or a CSV with a header line; by extension, else by the first character. */
export function parseLeads(text: string, file: string): LeadsFile {
  const body = text.replace(/^\uFEFF/, '');
  const ext = extname(file).toLowerCase();
  const json = ext === '.json' || (ext !== '.csv' && /^\s*\[/.test(body));
  const result = json ? parseJson(body, file) : parseCsv(body, file);
  if (result.rows.length === 0) throw new LeadsFileError(`${file}: has no leads`);
  return result;
}

function parseJson(text: string, file: string): LeadsFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new LeadsFileError(`${file}: is not valid JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(data))
    throw new LeadsFileError(`${file}: expected a JSON array with one object per lead`);
  const rows = data.map((item: unknown, i) => ({ row: i + 1, body: tidy(item, i + 1) }));
  return { rows, notes: ['Row N is the Nth object in the JSON array.'] };
}

function parseCsv(text: string, file: string): LeadsFile {
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true });
  } catch (error) {
    throw new LeadsFileError(`${file}: is not valid CSV (${(error as Error).message})`);
  }
  const [header = [], ...data] = records;
  const paths = header.map((h) => COLUMNS[h.toLowerCase().replace(/[\s_-]/g, '')]);
  const missing = ['receivedAt', 'source'].filter((f) => !paths.some((p) => p?.[0] === f));
  if (missing.length > 0) {
    throw new LeadsFileError(
      `${file}: line 1 must name the columns, with at least ${missing.join(' and ')} ` +
        '(the intake fields: receivedAt, source, externalId, type, firstName, lastName, email, phone, ' +
        'street, city, state, zip, price, language, tags, referringAgent, message)',
    );
  }
  const unused = header.filter((_, i) => paths[i] === undefined);
  const rows = data.map((cells, i) => {
    // Numbered as a spreadsheet shows them: the header is row 1.
    const row = i + 2;
    const lead: Record<string, unknown> = {};
    cells.forEach((cell, c) => {
      const path = paths[c];
      if (path && cell !== '') put(lead, path, path[0] === 'tags' ? cell.split(';') : cell);
    });
    const problems =
      cells.length === header.length ? [] : [`has ${cells.length} cells, the header has ${header.length}`];
    return { row, body: tidy(lead, row), problems };
  });
  const notes = ['Rows are numbered as in a spreadsheet: the header is row 1, the first lead row 2.'];
  if (unused.length > 0) notes.push(`Columns not used: ${unused.join(', ')}.`);
  return { rows, notes };
}

function put(target: Record<string, unknown>, path: string[], value: unknown): void {
  const [key, sub] = path;
  if (key === undefined) return;
  if (sub === undefined) {
    target[key] = value;
    return;
  }
  const inner = target[key];
  target[key] = { ...(typeof inner === 'object' && inner !== null ? inner : {}), [sub]: value };
}

/**
 * The same shape intake takes: flat street/city/state move into `address`, a `tags` text splits on
 * ";". A replay needs no external id, so a lead without one gets its row number.
 */
function tidy(item: unknown, row: number): unknown {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return item;
  const lead: Record<string, unknown> = { ...item };
  for (const key of ['street', 'city', 'state']) {
    if (typeof lead[key] !== 'string') continue;
    put(lead, ['address', key], lead[key]);
    delete lead[key];
  }
  if (typeof lead.tags === 'string') lead.tags = lead.tags.split(';');
  if (Array.isArray(lead.tags))
    lead.tags = lead.tags.map((t) => (typeof t === 'string' ? t.trim() : t)).filter((t) => t !== '');
  if (lead.externalId === undefined || lead.externalId === '') lead.externalId = `row ${row}`;
  return lead;
}
