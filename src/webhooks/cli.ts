import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { ConfigError, loadDispatchConfig } from '../config/load-dispatch.js';
import type { CliIo } from '../crm/fub/cli.js';
import type { WebhookBody } from './payload.js';
import { sendWebhook } from './topic.js';

export const WEBHOOKS_USAGE = `  webhooks test <name> [--config dispatch.yml]
                        send a signed test event (type "test") to that webhook's URL and print the answer`;

/** `lead-dispatch webhooks …`: returns the exit code (0 when the receiver answered 2xx). */
export async function webhooksCommand(
  args: string[],
  io: CliIo,
  now: () => Date = () => new Date(),
): Promise<number> {
  let parsed: { values: { config?: string }; positionals: string[] };
  try {
    parsed = parseArgs({
      args,
      options: { config: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    io.err(`${error instanceof Error ? error.message : String(error)}\n\nUsage:\n${WEBHOOKS_USAGE}\n`);
    return 2;
  }
  const [sub, name] = parsed.positionals;
  if (sub !== 'test' || !name) {
    io.err(`Usage:\n${WEBHOOKS_USAGE}\n`);
    return 2;
  }
  const file = parsed.values.config ?? (io.env.DISPATCH_CONFIG || './dispatch.yml');
  let hooks: ReturnType<typeof loadDispatchConfig>['webhooks'];
  try {
    hooks = loadDispatchConfig(file).webhooks;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.err(`${error.message}\n`);
    return 1;
  }
  const hook = hooks.find((h) => h.name === name);
  if (!hook) {
    const known = hooks.map((h) => h.name).join(', ') || 'none';
    io.err(`no webhook named "${name}" in ${file} (configured: ${known})\n`);
    return 1;
  }
  const secret = io.env[hook.secret_env];
  if (!secret) {
    io.err(
      `${hook.secret_env} is not set (in .env or the environment), so the test event cannot be signed\n`,
    );
    return 1;
  }
  const at = now();
  const body: WebhookBody = {
    id: `evt_test_${randomUUID()}`,
    type: 'test',
    occurred_at: at.toISOString(),
    task: null,
    agent: null,
    detail: { message: `test event from lead-dispatch for webhook ${hook.name}` },
  };
  try {
    const answer = await sendWebhook(hook, secret, body.id, JSON.stringify(body), at);
    io.out(`POST ${hook.url} → ${answer.status}\n${answer.body}\n`);
    return answer.status >= 200 && answer.status < 300 ? 0 : 1;
  } catch (error) {
    io.err(`POST ${hook.url} failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
