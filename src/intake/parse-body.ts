/**
 * Reads a request body as JSON or as a form (`application/x-www-form-urlencoded`, what a plain
 * HTML form and Zapier's "form" payload send), in the charset its Content-Type declares (UTF-8
 * when none). Pure: the raw bytes in, an object or a reason out.
 */

import { TextDecoder, TextEncoder } from 'node:util';

export type ParsedBody =
  | { ok: true; body: unknown }
  | { ok: false; status: 400 | 415; error: string; detail?: string };

export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** The `charset=` of a Content-Type, lower-cased and unquoted; undefined when none is declared. */
export function charsetOf(header: string | undefined): string | undefined {
  for (const param of (header ?? '').split(';').slice(1)) {
    const [name, value] = param.split('=');
    if (name?.trim().toLowerCase() === 'charset' && value !== undefined)
      return value.trim().replace(/^"|"$/g, '').toLowerCase() || undefined;
  }
  return undefined;
}

export function parseBody(contentType: string | undefined, raw: Uint8Array): ParsedBody {
  const type = mediaType(contentType);
  const json = type === 'application/json' || type.endsWith('+json');
  const form = type === 'application/x-www-form-urlencoded';
  if (!json && !form)
    return {
      ok: false,
      status: 415,
      error:
        'send the lead as JSON (Content-Type: application/json) or as a form (Content-Type: application/x-www-form-urlencoded)',
    };
  const decoder = decoderFor(charsetOf(contentType), form);
  if (typeof decoder === 'string') return { ok: false, status: 415, error: decoder };
  if (form) return { ok: true, body: formFields(raw, decoder) };
  try {
    return { ok: true, body: JSON.parse(decoder.decode(raw)) };
  } catch (error) {
    return { ok: false, status: 400, error: 'malformed JSON', detail: (error as Error).message };
  }
}

/** A decoder for the declared charset (latin1, windows-1252, …), or why there is none. */
function decoderFor(charset: string | undefined, form: boolean): TextDecoder | string {
  let decoder: TextDecoder | undefined;
  try {
    decoder = new TextDecoder(charset ?? 'utf-8');
  } catch {
    decoder = undefined;
  }
  // A form is split on its bytes (& = %): a charset that writes ASCII in two bytes cannot be.
  if (!decoder || decoder.encoding === 'replacement' || (form && decoder.encoding.startsWith('utf-16')))
    return `charset ${charset} is not one we can read: send UTF-8 (charset=utf-8) or latin1`;
  return decoder;
}

/**
 * Form fields by name; a name sent more than once (checkboxes, `tags`) becomes a list. Each name
 * and value is %-decoded to bytes first, then read in the form's charset ("Jos%E9" is José in latin1).
 */
export function formFields(
  raw: string | Uint8Array,
  decoder = new TextDecoder(),
): Record<string, string | string[]> {
  const bytes = typeof raw === 'string' ? new TextEncoder().encode(raw) : raw;
  // A Map, then fromEntries: a field named __proto__ becomes a field, not the object's prototype.
  const fields = new Map<string, string | string[]>();
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i < bytes.length && bytes[i] !== AMPERSAND) continue;
    const pair = bytes.subarray(start, i);
    start = i + 1;
    if (pair.length === 0) continue;
    const eq = pair.indexOf(EQUALS);
    const key = decodePart(eq === -1 ? pair : pair.subarray(0, eq), decoder);
    const value = eq === -1 ? '' : decodePart(pair.subarray(eq + 1), decoder);
    const seen = fields.get(key);
    fields.set(key, seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value]);
  }
  return Object.fromEntries(fields);
}

const AMPERSAND = 0x26;
const EQUALS = 0x3d;
const PLUS = 0x2b;
const PERCENT = 0x25;

function decodePart(part: Uint8Array, decoder: TextDecoder): string {
  const out = new Uint8Array(part.length);
  let n = 0;
  for (let i = 0; i < part.length; i++) {
    const byte = part[i] ?? 0;
    const hex = byte === PERCENT ? hexByte(part[i + 1], part[i + 2]) : undefined;
    if (hex !== undefined) {
      out[n++] = hex;
      i += 2;
    } else out[n++] = byte === PLUS ? 0x20 : byte;
  }
  return decoder.decode(out.subarray(0, n));
}

function hexByte(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined || b === undefined) return undefined;
  const text = String.fromCharCode(a, b);
  return /^[0-9a-fA-F]{2}$/.test(text) ? Number.parseInt(text, 16) : undefined;
}
