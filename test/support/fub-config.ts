import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { DispatchConfig } from '../../src/config/dispatch-schema.js';
import { loadDispatchConfig } from '../../src/config/load-dispatch.js';
import { FUB_API_KEY, FUB_SYSTEM, FUB_SYSTEM_KEY, type FubDouble } from './fub-double.js';
import { EXAMPLE_CONFIG, type Harness } from './harness.js';

/** The example dispatch.yml with a `crm.followupboss` section (and rules put first), read as the app reads it. */
export function fubConfig(
  followupboss: Record<string, unknown> = {},
  firstRules: unknown[] = [],
): DispatchConfig {
  const doc = parse(readFileSync(EXAMPLE_CONFIG, 'utf8')) as Record<string, unknown>;
  doc.crm = { followupboss };
  doc.rules = [...firstRules, ...(doc.rules as unknown[])];
  const file = join(mkdtempSync(join(tmpdir(), 'fub-config-')), 'dispatch.yml');
  writeFileSync(file, stringify(doc));
  return loadDispatchConfig(file);
}

/** The environment that points the app at the double. */
export const fubEnv = (double: () => FubDouble) => () => ({
  FUB_API_KEY,
  FUB_SYSTEM,
  FUB_SYSTEM_KEY,
  FUB_API_URL: double().apiUrl,
});

/** A signed FUB webhook about `ids`, sent to the app: the body (for replays) and the answer. */
export function sendFubWebhook(
  fub: FubDouble,
  h: Harness,
  event: string,
  ids: number[],
  options: { eventId?: string; at?: Date } = {},
): { body: string; res: Promise<Response> } {
  const body = fub.webhookBody(event, ids, options.at ?? h.clock.now(), options.eventId);
  return { body, res: fub.sendWebhook(`${h.baseUrl}/crm/followupboss`, body) };
}
