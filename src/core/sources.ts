import type { DispatchConfig } from '../config/dispatch-schema.js';
import type { SourceSettings } from '../config/source-schema.js';

/**
 * A source name without case or punctuation noise, so `Zillow Premier Agent`, `zillow-premier-agent`
 * and `ZillowPremierAgent` are one name, and `homes.com` is `Homes.com`.
 */
export function sourceKey(name: string): string {
  return name.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}

export interface ResolvedSource {
  /** The name tasks are stored and routed under: the configured name, or the sent one trimmed and lower-cased. */
  name: string;
  /** Its settings, when dispatch.yml names it (by its own name or an alias). */
  settings?: SourceSettings;
}

/** Which configured source a sender's `source` (or the `<source>` of /leads/<source>) means. */
export function resolveSource(config: DispatchConfig, sent: string): ResolvedSource {
  const key = sourceKey(sent);
  if (key === '') return { name: sent.trim().toLowerCase() };
  for (const [name, settings] of Object.entries(config.source_settings)) {
    if (sourceKey(name) === key || settings.aliases.some((a) => sourceKey(a) === key))
      return { name: name.trim().toLowerCase(), settings };
  }
  return { name: sent.trim().toLowerCase() };
}
