import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { DispatchConfig } from '../../src/config/dispatch-schema.js';
import { loadDispatchConfig } from '../../src/config/load-dispatch.js';
import { EXAMPLE_CONFIG } from './harness.js';

export const WEBHOOK_SECRET_ENV = 'ZAPIER_WEBHOOK_SECRET';
export const WEBHOOK_SECRET = 'whsec-test-0123456789abcdef';

/** The example dispatch.yml with a `webhooks:` list, written to a file (for the CLI) and read as the app reads it. */
export function webhookConfig(webhooks: unknown[]): { config: DispatchConfig; file: string } {
  const doc = parse(readFileSync(EXAMPLE_CONFIG, 'utf8')) as Record<string, unknown>;
  doc.webhooks = webhooks;
  const file = join(mkdtempSync(join(tmpdir(), 'webhook-config-')), 'dispatch.yml');
  writeFileSync(file, stringify(doc));
  return { config: loadDispatchConfig(file), file };
}
