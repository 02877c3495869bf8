import type { ServerResponse } from 'node:http';
import { eq } from 'drizzle-orm';
import { isDatabaseHealthy } from './db/connection.js';
import { heartbeats } from './db/schema.js';
import type { DispatchContext } from './dispatch/context.js';
import { send } from './intake/http.js';
import { SWEEPER } from './scheduler/sweeper.js';
import type { DeliveryHealth } from './slack/delivery.js';

export const SWEEPER_STALE_MS = 10_000;

/** `GET /healthz`: 200 when the database answers and the sweeper ran in the last 10 s, else 503. */
export function healthHandler(ctx: DispatchContext, delivery: DeliveryHealth) {
  return (_req: unknown, res: ServerResponse): void => {
    const now = ctx.clock.now();
    const database = isDatabaseHealthy(ctx.db);
    const beat = database
      ? ctx.db.select().from(heartbeats).where(eq(heartbeats.name, SWEEPER)).get()
      : undefined;
    const ageMs = beat ? now.getTime() - beat.at.getTime() : null;
    const sweeperOk = ageMs !== null && ageMs <= SWEEPER_STALE_MS;
    const healthy = database && sweeperOk;
    send(res, healthy ? 200 : 503, {
      status: healthy ? 'ok' : 'unhealthy',
      database: database ? 'ok' : 'unreachable',
      sweeper: {
        status: sweeperOk ? 'ok' : 'stale',
        lastRunAt: beat?.at.toISOString() ?? null,
        ageSeconds: ageMs === null ? null : ageMs / 1000,
      },
      slack: {
        leadersChannel: delivery.leadersChannelError ? `failing: ${delivery.leadersChannelError}` : 'ok',
      },
    });
  };
}
