/**
 * Reads a request body as JSON or as a form (`application/x-www-form-urlencoded`, what a plain
 * HTML form and Zapier's "form" payload send). Pure: the raw text in, an object or a reason out.
 */

export type ParsedBody =
  | { ok: true; body: unknown }
  | { ok: false; status: 400 | 415; error: string; detail?: string };

export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

export function parseBody(contentType: string | undefined, raw: string): ParsedBody {
  const type = mediaType(contentType);
  if (type === 'application/json' || type.endsWith('+json')) {
    try {
      return { ok: true, body: JSON.parse(raw) };
    } catch (error) {
      return { ok: false, status: 400, error: 'malformed JSON', detail: (error as Error).message };
    }
  }
  if (type === 'application/x-www-form-urlencoded') return { ok: true, body: formFields(raw) };
  return {
    ok: false,
    status: 415,
    error:
      'send the lead as JSON (Content-Type: application/json) or as a form (Content-Type: application/x-www-form-urlencoded)',
  };
}

/** Form fields by name; a name sent more than once (checkboxes, `tags`) becomes a list. */
export function formFields(raw: string): Record<string, string | string[]> {
  // A Map, then fromEntries: a field named __proto__ becomes a field, not the object's prototype.
  const fields = new Map<string, string | string[]>();
  for (const [key, value] of new URLSearchParams(raw)) {
    const seen = fields.get(key);
    fields.set(key, seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value]);
  }
  return Object.fromEntries(fields);
}
