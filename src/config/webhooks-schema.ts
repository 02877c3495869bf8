import { z } from 'zod';
import { PUBLIC_EVENTS } from '../webhooks/event-names.js';

/** One entry of `webhooks:` in dispatch.yml: where to POST which events, signed with which secret. */
export const webhookSchema = z.strictObject({
  /** Names the outbox topic (`webhook:<name>`) and the cursor, so it must stay the same once in use. */
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'use lowercase letters, digits, "-" and "_" ("zapier")'),
  url: z.url({ protocol: /^https?$/, error: 'expected an http(s) address' }),
  events: z
    .array(
      z.enum(['all', ...PUBLIC_EVENTS], {
        error: `expected one of: all, ${PUBLIC_EVENTS.join(', ')}`,
      }),
    )
    .min(1, 'list at least one event, or all'),
  /** The environment variable holding the signing secret: the secret itself never goes in a file. */
  secret_env: z
    .string()
    .regex(/^[A-Z_][A-Z0-9_]*$/, 'expected an environment variable name such as ZAPIER_SECRET'),
});

export const webhooksSchema = z
  .array(webhookSchema)
  .default([])
  .superRefine((hooks, ctx) => {
    const seen = new Set<string>();
    hooks.forEach((hook, i) => {
      if (seen.has(hook.name))
        ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `a second webhook named "${hook.name}"` });
      seen.add(hook.name);
    });
  });

export type WebhookConfig = z.output<typeof webhookSchema>;
