import { z } from 'zod';
import { issueText } from '../../config/issue-text.js';

/** What a Follow Up Boss webhook carries: ids only; the person is fetched afterwards. */
const webhookSchema = z.looseObject({
  eventId: z.string().trim().min(1).max(128),
  eventCreated: z.iso.datetime({ offset: true }),
  event: z.string().min(1).max(64),
  resourceIds: z.array(z.number().int().positive()).min(1).max(1000),
  uri: z.string().optional(),
});

export interface FubWebhook {
  eventId: string;
  eventCreated: Date;
  event: string;
  resourceIds: number[];
}

export type ReadWebhook = { ok: true; hook: FubWebhook } | { ok: false; error: string };

/** A clock a few minutes apart is not an attack; a time further ahead than this is. */
const MAX_FUTURE_MS = 5 * 60_000;

/**
 * Reads a signed body and refuses what is stale: an `eventCreated` older than the window is a
 * replay (FUB's own retries stop after about 8 hours), and one from the future is forged or
 * skewed. Pure: `now` is an argument.
 */
export function readFubWebhook(raw: string, now: Date, windowSeconds: number): ReadWebhook {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return { ok: false, error: 'the body is not JSON' };
  }
  const parsed = webhookSchema.safeParse(body);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const field = first?.path.map(String).join('.') || '(body)';
    return {
      ok: false,
      error: `not a Follow Up Boss webhook: ${field} ${first ? issueText(first) : 'is not readable'}`,
    };
  }
  const created = new Date(parsed.data.eventCreated);
  const age = now.getTime() - created.getTime();
  if (age > windowSeconds * 1000)
    return {
      ok: false,
      error: `stale event: created ${Math.round(age / 1000)} s ago, over the replay window`,
    };
  if (-age > MAX_FUTURE_MS) return { ok: false, error: 'eventCreated is in the future' };
  const { eventId, event, resourceIds } = parsed.data;
  return {
    ok: true,
    hook: { eventId, eventCreated: created, event, resourceIds: [...new Set(resourceIds)] },
  };
}
