import { z } from 'zod';
import { parsePath } from '../core/field-path.js';
import { fieldKey } from '../core/lead-fields.js';
import { sourceKey } from '../core/sources.js';
import { isCommonFieldName } from '../intake/recognise.js';

/** Our names for a lead's fields: what a source's `fields:` mapping may fill. */
export const LEAD_FIELDS = [
  'source',
  'externalId',
  'type',
  'name',
  'firstName',
  'lastName',
  'email',
  'phone',
  'zip',
  'address',
  'street',
  'city',
  'state',
  'price',
  'message',
  'tags',
  'language',
  'referringAgent',
  'receivedAt',
] as const;
export type LeadField = (typeof LEAD_FIELDS)[number];

const fieldPath = z
  .string()
  .refine(
    (p) => parsePath(p) !== undefined,
    'expected a path into the sender\'s body, such as contact.first_name, "phones[0].value" or cell_phone_1',
  );

/** The secret lives in the environment; the file only names the variable, so it can be committed. */
const envName = z
  .string()
  .regex(
    /^[A-Za-z_][A-Za-z0-9_]*$/,
    'expected the name of an environment variable such as ZILLOW_INTAKE_SECRET (put the secret itself in the environment)',
  );

const settings = z
  .strictObject(
    {
      /** The type its leads get when they name none; omit to classify them by their own `type`. */
      type: z.string().min(1).optional(),
      /** Other names senders use for it ("Zillow Premier Agent"), matched without case or punctuation. */
      aliases: z.array(z.string().trim().min(1)).default([]),
      /** The environment variable holding this source's own secret for POST /leads/<source>. */
      secret_env: envName.optional(),
      /** Also take the secret in the URL path, for senders that cannot set a header. */
      secret_in_path: z.boolean().default(false),
      /**
       * A hidden form field people never see and bots fill: a body with it filled is answered 202,
       * as a lead would be (so the bot does not adapt), and nothing is stored.
       */
      honeypot: z.string().trim().min(1).max(100).optional(),
      /** Our field name → where it is in this sender's body. */
      fields: z.partialRecord(z.enum(LEAD_FIELDS), fieldPath).default({}),
    },
    {
      error:
        'expected a type (zillow: buyer_lead) or { type, aliases, secret_env, secret_in_path, honeypot, fields }',
    },
  )
  .refine((s) => s.honeypot === undefined || !readsLeadField(s.honeypot, Object.values(s.fields)), {
    message:
      'honeypot names a field intake reads as part of a lead, so real leads would be dropped as bots; pick a name people never fill, such as company_url',
    path: ['honeypot'],
  })
  .refine((s) => !s.secret_in_path || s.secret_env !== undefined, {
    message: "secret_in_path needs secret_env: the environment variable that holds this source's secret",
    path: ['secret_in_path'],
  });

/** Whether intake reads a body field of this name: a common name, or the top of a `fields:` path. */
function readsLeadField(name: string, mappedPaths: string[]): boolean {
  const key = fieldKey(name);
  return isCommonFieldName(name) || mappedPaths.some((path) => fieldKey(path.split(/[.[]/)[0] ?? '') === key);
}

/** `zillow: buyer_lead` is the short form of `zillow: { type: buyer_lead }`. */
export const sourceEntry = z.preprocess((v) => (typeof v === 'string' ? { type: v } : v), settings);

export type SourceSettings = z.output<typeof settings>;

/**
 * Between sources: a type the config knows, and no name or alias claimed by two sources (a lead
 * from `Zillow Premier Agent` must mean exactly one of them).
 */
export function sourceIssues(
  sources: Record<string, { type?: string | undefined; aliases?: string[] | undefined }>,
  types: ReadonlySet<string>,
): Array<{ path: (string | number)[]; message: string }> {
  const issues: Array<{ path: (string | number)[]; message: string }> = [];
  const owners = new Map<string, string>();
  const claim = (name: string, owner: string, path: (string | number)[]) => {
    const key = sourceKey(name);
    const earlier = owners.get(key);
    if (earlier !== undefined && earlier !== owner)
      issues.push({ path, message: `"${name}" already names source ${earlier}; a name may mean one source` });
    else owners.set(key, owner);
  };
  for (const [name, s] of Object.entries(sources)) {
    if (s.type !== undefined && !types.has(s.type))
      issues.push({ path: ['sources', name], message: `unknown type "${s.type}"` });
    claim(name, name, ['sources', name]);
    s.aliases?.forEach((alias, i) => {
      claim(alias, name, ['sources', name, 'aliases', i]);
    });
  }
  return issues;
}
