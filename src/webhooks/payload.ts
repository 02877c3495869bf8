import { createHmac } from 'node:crypto';
import type { TaskRow } from '../db/schema.js';
import type { PublicEventName } from './event-names.js';

/** The task as a webhook carries it: the receiver is the team's own tool, so contact fields are in. */
export interface WebhookTask {
  id: number;
  type: string;
  source: string;
  status: string;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  phone: string | null;
  address: { street: string | null; city: string | null; state: string | null; zip: string | null };
  price: number | null;
  tags: string[];
  owner_id: string | null;
  received_at: string;
}

/** One delivery's JSON body. `id` is stable across retries: receivers deduplicate on it. */
export interface WebhookBody {
  id: string;
  type: PublicEventName | 'test';
  occurred_at: string;
  task: WebhookTask | null;
  agent: { id: string; name: string } | null;
  detail: Record<string, unknown>;
}

/** The stable delivery id of event row `eventId`. */
export const webhookEventId = (eventId: number): string => `evt_${eventId}`;

/** The task row fields a body is made from: the schema's own row type, not a copy of it. */
export type WebhookTaskRow = Pick<
  TaskRow,
  | 'id'
  | 'type'
  | 'source'
  | 'status'
  | 'firstName'
  | 'lastName'
  | 'email'
  | 'phone'
  | 'street'
  | 'city'
  | 'state'
  | 'zip'
  | 'price'
  | 'tags'
  | 'ownerId'
  | 'receivedAt'
>;

export function webhookTask(t: WebhookTaskRow): WebhookTask {
  return {
    id: t.id,
    type: t.type,
    source: t.source,
    status: t.status,
    first_name: t.firstName,
    last_name: t.lastName,
    email: t.email,
    phone: t.phone,
    address: { street: t.street, city: t.city, state: t.state, zip: t.zip },
    price: t.price,
    tags: t.tags,
    owner_id: t.ownerId,
    received_at: t.receivedAt.toISOString(),
  };
}

/**
 * The agent an event is about: the offeree or the assignee its detail names, else the actor when
 * the actor is an agent (a claim, a pass), else nobody (a pool offer, a system step). Pure.
 */
export function agentIdOf(actor: string, detail: Record<string, unknown>): string | null {
  if (typeof detail.agentId === 'string') return detail.agentId;
  if (typeof detail.assignee === 'string') return detail.assignee;
  return actor === 'system' || actor === 'cli' ? null : actor;
}

/**
 * Signature header value: `v1=` and the hex HMAC-SHA256, keyed with the webhook's secret, of
 * `<Webhook-Id>.<Webhook-Timestamp>.<raw body>` (Stripe's scheme, with the id bound in so a body
 * cannot be replayed under another id). Pure.
 */
export function webhookSignature(secret: string, id: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${id}.${timestamp}.${body}`).digest('hex')}`;
}

/** The headers of one signed delivery; `timestamp` in Unix seconds, fresh on every try. */
export function signedHeaders(
  secret: string,
  id: string,
  timestamp: number,
  body: string,
): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': 'lead-dispatch-webhooks/1',
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': webhookSignature(secret, id, timestamp, body),
  };
}
