import type { ServerResponse } from 'node:http';
import { and, count, eq, isNull, min } from 'drizzle-orm';
import type { ReplyChannel } from './config/replies-schema.js';
import { isDatabaseHealthy } from './db/connection.js';
import { heartbeats, offers } from './db/schema.js';
import { writeProblem } from './db/write-health.js';
import type { DispatchContext } from './dispatch/context.js';
import type { Engine } from './engine/engine.js';
import { topicHealth } from './engine/outbox/outbox.js';
import { SWEEPER } from './engine/sweeper.js';
import { sendJson } from './http/json.js';
import { replyTopic } from './replies/plan.js';

export const SWEEPER_STALE_MS = 10_000;

/**
 * `GET /healthz`: 503 when the database does not answer, cannot be written (disk full, read-only,
 * locked: the reason is in `database`), or the sweeper has not run for 10 s; Slack trouble is
 * reported but stays 200, since a restart cannot fix it.
 */
export function healthHandler(
  ctx: DispatchContext,
  engine: Pick<Engine, 'health' | 'outbox' | 'webhooks' | 'lease'>,
  /** The providers replies to leads go through, by channel: their outbox topic and start-up check. */
  replies: { channels: readonly ReplyChannel[]; problems: ReadonlyMap<string, string> } = {
    channels: [],
    problems: new Map(),
  },
) {
  const slack = engine.health;
  return (_req: unknown, res: ServerResponse): void => {
    const now = ctx.clock.now();
    const readable = isDatabaseHealthy(ctx.db);
    // Readable is not enough: a full disk, a read-only file or a held lock still answer reads.
    const unwritable = readable ? writeProblem(ctx.db, now.getTime()) : undefined;
    const database = readable && !unwritable;
    const beat = readable
      ? ctx.db.select().from(heartbeats).where(eq(heartbeats.name, SWEEPER)).get()
      : undefined;
    const ageMs = beat ? now.getTime() - beat.at.getTime() : null;
    const sweeperOk = ageMs !== null && ageMs <= SWEEPER_STALE_MS;
    const backlog = readable
      ? ctx.db
          .select({ waiting: count(), oldest: min(offers.offeredAt) })
          .from(offers)
          .where(and(eq(offers.status, 'live'), isNull(offers.dmTs)))
          .get()
      : undefined;
    const healthy = database && sweeperOk;
    // Read once: the outbox's own line and each reply channel's given-up count come from it.
    const outbox = readable ? engine.outbox.stats(now) : undefined;
    sendJson(res, healthy ? 200 : 503, {
      status: healthy ? 'ok' : 'unhealthy',
      database: !readable ? 'unreachable' : unwritable ? `not writable: ${unwritable.reason}` : 'ok',
      // Which process runs the engine (sweeps, posts, delivers): `running` here, or `standby` with
      // the holder's id. A standby process is healthy: it takes intake and Slack requests.
      engine: readable ? engine.lease.status() : null,
      sweeper: {
        status: sweeperOk ? 'ok' : 'stale',
        lastRunAt: beat?.at.toISOString() ?? null,
        ageSeconds: ageMs === null ? null : ageMs / 1000,
      },
      slack: {
        token: slack.tokenError ? `failing: ${slack.tokenError}` : 'ok',
        leadersChannel: slack.leadersChannelError ? `failing: ${slack.leadersChannelError}` : 'ok',
        undeliveredOffers: backlog?.waiting ?? null,
        oldestUndeliveredSeconds: backlog?.oldest ? (now.getTime() - backlog.oldest.getTime()) / 1000 : null,
      },
      // Deliveries to outside systems: `dead` items failed for good and wait for a person.
      outbox: outbox ?? null,
      // Each outbound webhook: `ok`, or `failing: <last error> (<n> waiting)` while its receiver refuses.
      webhooks: readable ? engine.webhooks.status() : null,
      // Twilio and the SMTP server, for replies to leads: `ok`, or failing while they refuse.
      ...(replies.channels.length > 0
        ? {
            replies: readable
              ? Object.fromEntries(
                  replies.channels.map((channel) => {
                    const deliveries = topicHealth(ctx.db.$client, replyTopic(channel));
                    const check = replies.problems.get(channel);
                    const dead = outbox?.deadByTopic[replyTopic(channel)] ?? 0;
                    if (deliveries !== 'ok') return [channel, deliveries];
                    if (check) return [channel, `failing: ${check}`];
                    // Given up on: the leads were not answered until someone sends them again.
                    if (dead > 0)
                      return [channel, `failing: ${dead} given up (lead-dispatch outbox list, then retry)`];
                    return [channel, 'ok'];
                  }),
                )
              : null,
          }
        : {}),
    });
  };
}
