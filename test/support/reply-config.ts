import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { DispatchConfig } from '../../src/config/dispatch-schema.js';
import { loadDispatchConfig } from '../../src/config/load-dispatch.js';
import { EXAMPLE_CONFIG } from './harness.js';
import { TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN } from './twilio-double.js';

/** The sender in the example's commented `replies:` block, which the Twilio double must own. */
export const TEAM_NUMBER = '+15125550100';

/**
 * dispatch.example.yml with its commented `replies:` and `reply:` blocks switched on, exactly as
 * a team would by deleting the `# `: the tests run the example a README reader copies.
 */
export function exampleWithReplies(): string {
  const lines = readFileSync(EXAMPLE_CONFIG, 'utf8').split('\n');
  const out: string[] = [];
  let block: string | undefined;
  for (const line of lines) {
    const start = /^(\s*)# (replies:|reply:)/.exec(line);
    if (start) block = `${start[1]}# `;
    if (block !== undefined && line.startsWith(block)) {
      out.push(line.slice(0, block.length - 2) + line.slice(block.length));
      continue;
    }
    block = undefined;
    out.push(line);
  }
  return out.join('\n');
}

/** The example with replies on, changed by `edit` (a rule's reply, quiet hours), read as the app reads it. */
export function replyConfig(edit: (doc: Record<string, unknown>) => void = () => {}): {
  config: DispatchConfig;
  file: string;
} {
  const doc = parse(exampleWithReplies()) as Record<string, unknown>;
  edit(doc);
  const file = join(mkdtempSync(join(tmpdir(), 'reply-config-')), 'dispatch.yml');
  writeFileSync(file, stringify(doc));
  return { config: loadDispatchConfig(file), file };
}

/** A rule of the parsed YAML document by name, to change its `reply:`. */
export function ruleIn(doc: Record<string, unknown>, name: string): Record<string, unknown> {
  const rules = doc.rules as Array<Record<string, unknown>>;
  const rule = rules.find((r) => r.name === name);
  if (!rule) throw new Error(`no rule ${name} in the example`);
  return rule;
}

/** The environment that points the app at the Twilio double and the SMTP server. */
export const replyEnv = (twilioUrl: () => string, smtpUrl: () => string, port: number) => () => ({
  TWILIO_ACCOUNT_SID,
  TWILIO_AUTH_TOKEN,
  TWILIO_API_URL: twilioUrl(),
  SMTP_URL: smtpUrl(),
  PORT: String(port),
  PUBLIC_URL: `http://127.0.0.1:${port}`,
});
