import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FollowUpBossConfig } from '../../config/crm-schema.js';
import { crmEvents } from '../../db/schema.js';
import { durably } from '../../db/wal-sync.js';
import { type DispatchContext, writeTransaction } from '../../dispatch/context.js';
import { enqueueOutbox } from '../../engine/outbox/outbox.js';
import { sendJson } from '../../http/json.js';
import { BodyTooLarge, readBody } from '../../intake/read-body.js';
import { verifyFubSignature } from './signature.js';
import { readFubWebhook } from './webhook-body.js';

export const FUB_SYSTEM_NAME = 'followupboss';
/** Each person is fetched under its own topic, so one person FUB will not serve never holds up the rest. */
export const FUB_FETCH_TOPIC = 'fub:fetch:';
const MAX_WEBHOOK_BYTES = 64 * 1024;

export interface FubWebhookOptions {
  systemKey: string;
  /** Read at each request: a reload of dispatch.yml may change the section. */
  config: () => FollowUpBossConfig;
  /** Called after the answer is written: the outbox fetches the people. */
  kick: () => void;
}

/**
 * `POST /crm/followupboss`: verify FUB-Signature, refuse stale events, store the event and one
 * fetch per person in one transaction, answer. Nothing here waits on FUB: the person is fetched
 * by the outbox after the answer, with its retries and backoff.
 */
export function fubWebhookHandler(ctx: DispatchContext, options: FubWebhookOptions) {
  const { systemKey } = options;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      let raw: string;
      try {
        raw = await readBody(req, MAX_WEBHOOK_BYTES);
      } catch (error) {
        if (error instanceof BodyTooLarge) return sendJson(res, 413, { error: 'body too large' });
        throw error;
      }
      const signature = req.headers['fub-signature'];
      if (!verifyFubSignature(raw, Array.isArray(signature) ? signature[0] : signature, systemKey)) {
        ctx.log.warn('Follow Up Boss webhook refused: missing or wrong FUB-Signature');
        return sendJson(res, 401, { error: 'missing or wrong FUB-Signature' });
      }
      const now = ctx.clock.now();
      const config = options.config();
      const read = readFubWebhook(raw, now, config.replay_window);
      if (!read.ok) {
        ctx.log.warn('Follow Up Boss webhook refused', { error: read.error });
        return sendJson(res, 400, { error: read.error });
      }
      const { hook } = read;
      if (!(config.events as string[]).includes(hook.event)) {
        return sendJson(res, 200, { ignored: `${hook.event} is not in crm.followupboss.events` });
      }
      // The 202 promises FUB it need not send this again: on disk before it goes (see durably).
      const stored = await durably(ctx.db, () =>
        writeTransaction(ctx.db, (tx) => {
          const row = tx
            .insert(crmEvents)
            .values({
              system: FUB_SYSTEM_NAME,
              eventId: hook.eventId,
              event: hook.event,
              resourceIds: hook.resourceIds,
              eventCreated: hook.eventCreated,
              receivedAt: now,
            })
            .onConflictDoNothing()
            .returning({ id: crmEvents.id })
            .get();
          if (!row) return undefined;
          for (const personId of hook.resourceIds) {
            enqueueOutbox(tx, {
              taskId: null,
              topic: `${FUB_FETCH_TOPIC}${personId}`,
              payload: { crmEventId: row.id, event: hook.event, personId },
              at: now,
            });
          }
          return row.id;
        }),
      );
      if (stored === undefined) {
        ctx.log.info('Follow Up Boss webhook repeated; nothing new stored', { event: hook.event });
        return sendJson(res, 200, { duplicate: true });
      }
      ctx.log.info('Follow Up Boss webhook stored', {
        crmEventId: stored,
        event: hook.event,
        people: hook.resourceIds.length,
      });
      sendJson(res, 202, { id: stored });
      options.kick();
    } catch (error) {
      ctx.log.error('Follow Up Boss webhook failed', {
        error: error instanceof Error ? error.message : String(error),
      });
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error; nothing was stored, please retry' });
    }
  };
}
