import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { z } from 'zod';
import { issueText } from '../config/issue-text.js';
import { normalizeLanguage } from '../core/language.js';

const MAX_PRICE = 1_000_000_000;
export const MAX_DEPTH = 10;

const text = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`);
const zip = z
  .union([z.string(), z.number()])
  .transform((v) => String(v).trim())
  .pipe(z.string().regex(/^\d{5}(-\d{4})?$/, 'must be a US zip code such as 78701 or 78701-1234'))
  .transform((v) => v.slice(0, 5));

const phone = z
  .string()
  .trim()
  .transform((raw, ctx) => {
    const parsed = parsePhoneNumberFromString(raw, 'US');
    if (!parsed?.isValid()) {
      ctx.addIssue({
        code: 'custom',
        message: 'must be a valid phone number, such as (512) 555-0100 or +15125550100',
      });
      return z.NEVER;
    }
    return parsed.number;
  });

const price = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const n = typeof v === 'number' ? v : Number(v.replace(/[$,\s]/g, ''));
  if (!Number.isFinite(n) || n <= 0 || n > MAX_PRICE) {
    ctx.addIssue({
      code: 'custom',
      message: 'must be a positive amount in dollars up to $1 billion, such as 450000',
    });
    return z.NEVER;
  }
  return Math.round(n);
});

/** How deeply a parsed JSON value nests, counted without recursion so hostile input cannot blow the stack. */
export function depthOf(value: unknown): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const item = stack.pop();
    if (!item) break;
    const [node, depth] = item;
    if (typeof node !== 'object' || node === null) continue;
    deepest = Math.max(deepest, depth);
    if (deepest > MAX_DEPTH) return deepest;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/**
 * The strict reading of a lead in our own field names, which `simulate` uses to report the rows of
 * an export that it cannot replay as they are. Intake itself no longer refuses over an optional
 * field: read-lead.ts keeps such a field as sent and flags it.
 */
export const leadSchema = z.looseObject({
  source: text(64).min(1, 'is required, e.g. "zillow"'),
  externalId: z
    .union([z.string(), z.number()], { error: 'is required: the id of this lead in the sending system' })
    .transform((v) => String(v).trim())
    .pipe(z.string().min(1, 'must not be empty').max(128, 'must be at most 128 characters')),
  type: text(64).min(1).optional(),
  firstName: text(100).optional(),
  lastName: text(100).optional(),
  email: z.string().trim().toLowerCase().pipe(z.email('must be an email address')).optional(),
  phone: phone.optional(),
  zip: zip.optional(),
  address: z
    .strictObject({
      street: text(200).optional(),
      city: text(100).optional(),
      state: text(40).optional(),
      zip: zip.optional(),
    })
    .optional(),
  price: price.optional(),
  message: text(5000).optional(),
  tags: z.array(text(64)).max(50).optional(),
  /** The language the contact prefers, by name or ISO code ("Spanish", "es"). */
  language: text(40).min(1).transform(normalizeLanguage).optional(),
  referringAgent: z
    .string()
    .trim()
    .refine(
      (v) => /^[UW][A-Z0-9]{2,}$/.test(v) || z.email().safeParse(v).success,
      'must be an email or a Slack user id',
    )
    .optional(),
  receivedAt: z.iso
    .datetime({
      offset: true,
      error:
        'must be an ISO 8601 time with its zone, such as 2026-11-25T14:03:00Z or 2026-11-25T08:03:00-06:00',
    })
    .optional(),
});

export type LeadInput = z.output<typeof leadSchema>;

export interface LeadIssue {
  path: string;
  message: string;
}

/** Validates the body and checks what zod cannot: a type the config knows, and a time not in the future. */
export function validateLead(
  body: unknown,
  knownTypes: readonly string[],
  now: Date,
): { ok: true; lead: LeadInput } | { ok: false; issues: LeadIssue[] } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, issues: [{ path: '(body)', message: 'must be a JSON object' }] };
  }
  if (depthOf(body) > MAX_DEPTH) {
    return {
      ok: false,
      issues: [{ path: '(body)', message: `must not be nested more than ${MAX_DEPTH} levels deep` }],
    };
  }
  const result = leadSchema.safeParse(body);
  const issues: LeadIssue[] = result.success
    ? []
    : result.error.issues.map((i) => ({
        path: i.path.map(String).join('.'),
        message: issueText(i),
      }));
  const raw = body as Record<string, unknown>;
  if (typeof raw.type === 'string' && raw.type.trim() && !knownTypes.includes(raw.type.trim())) {
    issues.push({ path: 'type', message: `must be one of ${knownTypes.join(', ')}` });
  }
  const isoTime = z.iso.datetime({ offset: true }).safeParse(raw.receivedAt);
  const receivedAt = isoTime.success ? Date.parse(isoTime.data) : Number.NaN;
  if (receivedAt > now.getTime() + 5 * 60_000)
    issues.push({ path: 'receivedAt', message: 'must not be in the future' });
  if (receivedAt < now.getTime() - 365 * 86_400_000)
    issues.push({ path: 'receivedAt', message: 'must be within the last year' });
  if (!result.success || issues.length > 0) return { ok: false, issues };
  return { ok: true, lead: result.data };
}
