import { z } from 'zod';
import type { FollowUpBossConfig } from '../../config/crm-schema.js';

const contact = z.looseObject({
  value: z.string(),
  isPrimary: z.union([z.boolean(), z.number()]).optional(),
});
const address = z.looseObject({
  street: z.string().nullish(),
  city: z.string().nullish(),
  state: z.string().nullish(),
  code: z.string().nullish(),
});

/** The fields of `GET /v1/people/{id}` a task needs; FUB sends many more, which are ignored. */
export const fubPersonSchema = z.looseObject({
  id: z.number().int().positive(),
  firstName: z.string().nullish(),
  lastName: z.string().nullish(),
  source: z.string().nullish(),
  stage: z.string().nullish(),
  tags: z.array(z.string()).nullish(),
  price: z.number().nullish(),
  assignedUserId: z.number().int().nullish(),
  assignedPondId: z.number().int().nullish(),
  emails: z.array(contact).nullish(),
  phones: z.array(contact).nullish(),
  addresses: z.array(address).nullish(),
  /** When the person was added to FUB (ISO); an old contact tagged today is not a new lead. */
  created: z.string().nullish(),
});

export type FubPerson = z.output<typeof fubPersonSchema>;

/** The CRM key of a person: one task per key, whatever FUB later says its source is. */
export const fubPersonKey = (personId: number) => `fub:${personId}`;

/** FUB marks one entry primary; without a mark, the first one is the one it shows first. */
function primary(list: FubPerson['emails']): string | undefined {
  if (!list || list.length === 0) return undefined;
  const marked = list.find((c) => c.isPrimary === true || c.isPrimary === 1);
  const value = (marked ?? list[0])?.value.trim();
  return value || undefined;
}

const MAX_TAGS = 50;
const MAX_TAG = 64;

/**
 * Tags a rule can match: the person's own FUB tags, `stage:<stage>`, and for a person in a pond
 * `pond:<id>` plus `pond:<name>` when dispatch.yml names the pond.
 */
export function fubTags(person: FubPerson, config: Pick<FollowUpBossConfig, 'ponds'>): string[] {
  const tags = (person.tags ?? []).map((t) => t.trim()).filter(Boolean);
  if (person.stage) tags.push(`stage:${person.stage.trim()}`);
  if (person.assignedPondId) {
    tags.push(`pond:${person.assignedPondId}`);
    const name = config.ponds[String(person.assignedPondId)];
    if (name) tags.push(`pond:${name}`);
  }
  return [...new Set(tags.map((t) => t.slice(0, MAX_TAG)))].slice(0, MAX_TAGS);
}

/**
 * The body `POST /leads` would take for this person, so a FUB lead goes through the same checks
 * and normalising (phone to E.164, email lower case) as any other. Pure.
 */
export function personToLeadBody(
  person: FubPerson,
  config: Pick<FollowUpBossConfig, 'ponds'>,
): Record<string, unknown> {
  const home = person.addresses?.[0];
  const body: Record<string, unknown> = {
    // A person FUB got with no source is still a lead: it is routed as "Follow Up Boss".
    source: person.source?.trim() || 'Follow Up Boss',
    externalId: fubPersonKey(person.id),
    firstName: person.firstName?.trim() || undefined,
    lastName: person.lastName?.trim() || undefined,
    email: primary(person.emails),
    phone: primary(person.phones),
    price: person.price && person.price > 0 ? person.price : undefined,
    tags: fubTags(person, config),
  };
  if (home && (home.street || home.city || home.state || home.code)) {
    body.address = {
      street: home.street?.trim() || undefined,
      city: home.city?.trim() || undefined,
      state: home.state?.trim() || undefined,
      zip: home.code?.trim() || undefined,
    };
  }
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
}
