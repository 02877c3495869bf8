import { BUILT_IN_TYPES, type DispatchConfig } from '../config/dispatch-schema.js';
import { resolveSource } from './sources.js';

export interface ClassifyInput {
  type?: string | undefined;
  source: string;
  referringAgent?: string | undefined;
}

export type Classification = { type: string; why: string } | { type: null; why: string };

export function knownTypes(config: DispatchConfig): string[] {
  return [...BUILT_IN_TYPES, ...config.types];
}

export function normalizeSource(source: string): string {
  return source.trim().toLowerCase();
}

/** An explicit type wins; then the config's source map; then a referring agent makes it a referral. */
export function classify(input: ClassifyInput, config: DispatchConfig): Classification {
  if (input.type) return { type: input.type, why: 'type given by the sender' };
  // By name or alias, without case or punctuation: `Zillow Premier Agent` is zillow when it says so.
  const type = resolveSource(config, input.source).settings?.type;
  if (type) return { type, why: `source "${input.source}" is mapped to ${type}` };
  if (input.referringAgent) return { type: 'referral', why: 'it names a referring agent' };
  return { type: null, why: `source "${input.source}" is not in the sources map and no type was given` };
}

/**
 * The sender's `type`, read generously: `Buyer Lead` and `buyer-lead` are buyer_lead, and a CRM's
 * deal type (`Buyer`, `Seller`, `Referral`) names the same types. Anything else is not refused:
 * it is undefined (classified by its source instead) and the caller flags what was sent.
 */
export function readType(sent: string, known: readonly string[]): string | undefined {
  const key = sent.toLowerCase().replace(/[^a-z0-9]/g, '');
  const exact = known.find((t) => t.replace(/_/g, '') === key);
  if (exact) return exact;
  const buys = /buy|purchas/.test(key);
  const sells = /sell|listing/.test(key);
  if (buys && !sells) return 'buyer_lead';
  if (sells && !buys) return 'seller_lead';
  if (/refer/.test(key)) return 'referral';
  return undefined;
}
