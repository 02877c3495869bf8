import type { EnvLookup } from '../config/source-warnings.js';
import type { WebhookConfig } from '../config/webhooks-schema.js';
import { type OutboxTopic, PermanentFailure, RetryLater } from '../engine/outbox/outbox.js';
import { WEBHOOK_TOPIC_PREFIX } from './feeder.js';
import { signedHeaders } from './payload.js';

/**
 * Tries before a webhook item is parked as dead. The outbox backs off 1, 2, 4 … 2048 s (12 tries,
 * about 68 min), then once an hour (BACKOFF_CAP_S): 36 tries span about 24 hours, the "dead letter
 * after a day" receivers are told about.
 */
export const WEBHOOK_MAX_ATTEMPTS = 36;

/** How long a receiver may take to answer before the try counts as failed and is retried. */
const TIMEOUT_MS = 10_000;

export interface SentWebhook {
  status: number;
  body: string;
  retryAfter: string | null;
}

/** POSTs one signed body to a webhook's URL; the answer, or a thrown network error. */
export async function sendWebhook(
  hook: WebhookConfig,
  secret: string,
  id: string,
  body: string,
  now: Date,
): Promise<SentWebhook> {
  const res = await fetch(hook.url, {
    method: 'POST',
    headers: signedHeaders(secret, id, Math.floor(now.getTime() / 1000), body),
    body,
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  return { status: res.status, body: await res.text(), retryAfter: res.headers.get('retry-after') };
}

/**
 * What an answer means for the outbox: 2xx delivered; 408, 429 and 5xx retried (429 and 503 at
 * the Retry-After the receiver asked for); any other status parked, since sending the same body
 * again will get the same answer. Errors name the status only: never the body, which a receiver
 * may fill with what we sent it. Pure.
 */
export function outcomeOf(
  name: string,
  answer: Pick<SentWebhook, 'status' | 'retryAfter'>,
): Error | undefined {
  const { status } = answer;
  if (status >= 200 && status < 300) return undefined;
  const message = `webhook ${name} answered ${status}`;
  const after = answer.retryAfter === null ? Number.NaN : Number(answer.retryAfter);
  if ((status === 429 || status === 503) && Number.isFinite(after) && after > 0)
    return new RetryLater(message, after);
  if (status === 408 || status === 429 || status >= 500) return new Error(message);
  return new PermanentFailure(message);
}

/** The outbox topic delivering every `webhook:<name>` item to the webhook of that name. */
export function webhookDeliveryTopic(
  /** Read at each delivery: a reload of dispatch.yml may add, change or remove webhooks. */
  hooks: () => readonly WebhookConfig[],
  secrets: EnvLookup,
  now: () => Date,
): OutboxTopic {
  return {
    topic: WEBHOOK_TOPIC_PREFIX,
    maxAttempts: WEBHOOK_MAX_ATTEMPTS,
    async deliver(item) {
      const name = item.topic.slice(WEBHOOK_TOPIC_PREFIX.length);
      const hook = hooks().find((h) => h.name === name);
      // Removed from dispatch.yml with items still queued: nobody wants them any more.
      if (!hook) throw new PermanentFailure(`no webhook named ${name} in dispatch.yml`);
      const secret = secrets(hook.secret_env);
      // Retried, not parked: setting the variable and restarting is the fix, and nothing is lost.
      if (!secret) throw new Error(`${hook.secret_env} is not set, so webhook ${name} cannot sign`);
      const id = typeof item.payload.id === 'string' ? item.payload.id : `out_${item.id}`;
      let answer: SentWebhook;
      try {
        answer = await sendWebhook(hook, secret, id, JSON.stringify(item.payload), now());
      } catch (error) {
        const why =
          error instanceof Error && error.name === 'TimeoutError' ? 'timed out' : 'could not be reached';
        throw new Error(`webhook ${name} ${why}`);
      }
      const failure = outcomeOf(name, answer);
      if (failure) throw failure;
    },
  };
}
