import { BUILT_IN_TYPES, type DispatchConfig } from '../config/dispatch-schema.js';

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
  const source = normalizeSource(input.source);
  for (const [key, type] of Object.entries(config.sources)) {
    if (normalizeSource(key) === source)
      return { type, why: `source "${input.source}" is mapped to ${type}` };
  }
  if (input.referringAgent) return { type: 'referral', why: 'it names a referring agent' };
  return { type: null, why: `source "${input.source}" is not in the sources map and no type was given` };
}
