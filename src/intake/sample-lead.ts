/**
 * `lead-dispatch sample-lead`: a ready-to-run request for one source, in that sender's own shape
 * (its `fields:` mapping applied), authenticated the way that source is. Pure: the CLI prints or
 * sends what this builds.
 */
import type { DispatchConfig } from '../config/dispatch-schema.js';
import type { LeadField } from '../config/source-schema.js';
import { secretProblem } from '../config/source-warnings.js';
import { writePath } from '../core/field-path.js';
import { resolveSource } from '../core/sources.js';

export interface SampleOptions {
  source: string;
  baseUrl: string;
  form: boolean;
  now: Date;
  /**
   * Reads the environment: a source whose own secret is not usable there is sent with
   * INTAKE_TOKEN instead, which its endpoint takes until the secret is set. Without it, the
   * source's own secret is assumed.
   */
  env?: (name: string) => string | undefined;
}

export interface SampleRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** The same request as one curl command; secrets appear as `$VARIABLE`, never as their value. */
  curl: string;
  /** Environment variables the request needs, and the placeholder standing for each. */
  secrets: Array<{ variable: string; placeholder: string }>;
  /** Why the request does not use the source's own secret, for stderr. */
  notice?: string;
}

export function sampleRequest(config: DispatchConfig, options: SampleOptions): SampleRequest {
  const { name, settings } = resolveSource(config, options.source);
  // A new contact each time (555-0100–0199 are fictional numbers): the same phone twice would be
  // one person writing again, a note on the first sample rather than a new DM.
  const n = String(options.now.getTime() % 100).padStart(2, '0');
  const values: Partial<Record<LeadField, unknown>> = {
    externalId: `sample-${options.now.getTime()}`,
    firstName: 'Sample',
    lastName: 'Lead',
    phone: `(512) 555-01${n}`,
    email: `sample.lead.${n}@example.com`,
    zip: '78701',
    price: 450000,
    message: 'A test lead from lead-dispatch sample-lead: pass it or claim it, nobody is waiting.',
    ...(settings?.type ? {} : { type: 'buyer_lead' }),
  };
  const body: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(values) as Array<[LeadField, unknown]>) {
    const path = settings?.fields[field] ?? field;
    // A form is flat: a mapped path is the field's name (intake finds `contact.first_name` as one key).
    if (options.form) body[path] = value;
    else writePath(body, path, value);
  }
  const own = settings?.secret_env;
  const problem = own && options.env ? secretProblem(own, options.env(own)) : undefined;
  const variable = own && !problem ? own : 'INTAKE_TOKEN';
  const placeholder = `\${${variable}}`;
  // INTAKE_TOKEN is never taken in a URL: without the source's secret, a form sample sends a header.
  const inPath = options.form && settings?.secret_in_path === true && variable === own;
  const notice = problem
    ? `${problem}, so /leads/${name} takes INTAKE_TOKEN until it is: this sample uses INTAKE_TOKEN${settings?.secret_in_path && options.form ? ' in a header (never in a URL)' : ''}`
    : undefined;
  const base = options.baseUrl.replace(/\/+$/, '');
  const url = `${base}/leads/${encodeURIComponent(name)}${inPath ? `/${placeholder}` : ''}`;
  const headers: Record<string, string> = {
    'content-type': options.form ? 'application/x-www-form-urlencoded' : 'application/json',
    ...(inPath ? {} : { authorization: `Bearer ${placeholder}` }),
  };
  const text = options.form
    ? new URLSearchParams(Object.entries(body).map(([k, v]): [string, string] => [k, String(v)])).toString()
    : JSON.stringify(body);
  const curl = [
    `curl -sS -X POST "${url}"`,
    ...Object.entries(headers).map(([k, v]) => `-H "${k}: ${v}"`),
    `-d ${shellQuote(text)}`,
  ].join(' \\\n  ');
  return {
    url,
    headers,
    body: text,
    curl,
    secrets: [{ variable, placeholder }],
    ...(notice ? { notice } : {}),
  };
}

/** Single quotes keep the shell from reading anything inside; a quote inside is closed and escaped. */
function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The request with each `${VARIABLE}` replaced by its value, for --send. */
export function withSecrets(
  request: SampleRequest,
  env: (name: string) => string | undefined,
): { url: string; headers: Record<string, string> } | { missing: string } {
  let { url } = request;
  const headers = { ...request.headers };
  for (const { variable, placeholder } of request.secrets) {
    const value = env(variable);
    if (!value) return { missing: variable };
    url = url.replace(placeholder, encodeURIComponent(value));
    for (const [k, v] of Object.entries(headers)) headers[k] = v.replace(placeholder, value);
  }
  return { url, headers };
}
