import type { Env } from '../../config/env.js';
import { EnvError } from '../../config/env.js';
import type { DispatchContext } from '../../dispatch/context.js';
import type { OutboxTopic } from '../../engine/outbox/outbox.js';
import type { Route } from '../../http/route-server.js';
import { FubClient, type FubCredentials } from './client.js';
import { fubFetchTopic } from './fetch-topic.js';
import { fubWebhookHandler } from './webhook-handler.js';
import { fubWriteBackTopic } from './write-back-topic.js';

export const FUB_WEBHOOK_PATH = '/crm/followupboss';

/** The FUB keys from the environment, or every missing one named at once. */
export function fubCredentials(env: Env): FubCredentials {
  const { FUB_API_KEY: apiKey, FUB_SYSTEM: system, FUB_SYSTEM_KEY: systemKey } = env;
  if (apiKey && system && systemKey) return { apiKey, system, systemKey, baseUrl: env.FUB_API_URL };
  const missing = [
    apiKey ? '' : 'FUB_API_KEY',
    system ? '' : 'FUB_SYSTEM',
    systemKey ? '' : 'FUB_SYSTEM_KEY',
  ].filter(Boolean);
  throw new EnvError(
    missing.map((name) => `${name} is required because dispatch.yml has a crm.followupboss section`),
  );
}

/**
 * Follow Up Boss, when dispatch.yml connects it: the webhook route and the two outbox topics
 * (fetching people in, writing claims back). Undefined when it is not configured.
 */
export function followUpBoss(
  ctx: DispatchContext,
  env: Env,
  engine: { taskReceived(taskId: number): void; kickOutbox(): void },
): { topics: OutboxTopic[]; route: Route } | undefined {
  const started = ctx.config.crm?.followupboss;
  if (!started) return undefined;
  // The route and client exist from start; the section's settings are read at use, so a reload
  // changes them live. Removed by a reload, FUB keeps its last settings until a restart.
  const config = () => ctx.config.crm?.followupboss ?? started;
  const creds = fubCredentials(env);
  const client = new FubClient(creds);
  return {
    topics: [
      fubFetchTopic(ctx, { client, config, taskReceived: (id) => engine.taskReceived(id) }),
      fubWriteBackTopic(ctx, client),
    ],
    route: {
      path: FUB_WEBHOOK_PATH,
      method: ['POST'],
      handler: fubWebhookHandler(ctx, {
        systemKey: creds.systemKey,
        config,
        kick: () => engine.kickOutbox(),
      }),
    },
  };
}
