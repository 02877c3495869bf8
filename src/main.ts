import { type Clock, systemClock } from './clock.js';
import type { DispatchConfig } from './config/dispatch-schema.js';
import type { Env } from './config/env.js';
import { loadDispatchConfig } from './config/load-dispatch.js';
import { type Db, migrateDatabase, openDatabase } from './db/connection.js';
import type { DispatchContext } from './dispatch/context.js';
import { syncAgents } from './dispatch/roster.js';
import { dispatchTask } from './dispatch/route-task.js';
import { healthHandler } from './health.js';
import { leadIntakeHandler } from './intake/http.js';
import { createLogger, type Logger } from './log.js';
import { Sweeper } from './scheduler/sweeper.js';
import { SignalPoller } from './signals/poller.js';
import { createSlackRuntime, createWebClient, registerListeners } from './slack/app.js';
import { Delivery } from './slack/delivery.js';
import { HomePublisher } from './slack/home.js';

export interface StartOptions {
  env: Env;
  /** Defaults to loading env.DISPATCH_CONFIG. */
  config?: DispatchConfig;
  clock?: Clock;
  log?: Logger;
  /** Run the sweeper on its cron schedule; tests turn this off and call `sweeper.runOnce()`. */
  schedule?: boolean;
  /** Address to listen on; defaults to all interfaces. */
  host?: string;
}

export interface RunningServer {
  port: number;
  ctx: DispatchContext;
  delivery: Delivery;
  homes: HomePublisher;
  sweeper: Sweeper;
  signals: SignalPoller;
  stop(): Promise<void>;
}

/** Composes and starts everything: config → database → Slack app and intake → sweeper. */
export async function startServer(options: StartOptions): Promise<RunningServer> {
  const { env } = options;
  const log = options.log ?? createLogger(env.LOG_LEVEL);
  const config = options.config ?? loadDispatchConfig(env.DISPATCH_CONFIG);
  const clock = options.clock ?? systemClock;
  const db: Db = openDatabase(env.DATABASE_PATH);
  migrateDatabase(db);
  syncAgents(db, config, clock.now());
  const ctx: DispatchContext = { db, config, clock, log };

  const client = createWebClient(env, log);
  const delivery = new Delivery(ctx, client);
  const homes = new HomePublisher(ctx, client);
  const sweeper = new Sweeper(ctx, delivery, homes);
  const signals = new SignalPoller(ctx, client);
  // One kick per turn of the event loop, however many leads arrived in it: each kick reads every
  // pending message, so a kick per lead made a burst cost grow with the square of its backlog.
  let kickQueued = false;
  const kickSoon = () => {
    if (kickQueued) return;
    kickQueued = true;
    setImmediate(() => {
      kickQueued = false;
      delivery.kick();
    });
  };
  const afterReceive = (taskId: number) => {
    try {
      dispatchTask(ctx, taskId);
    } catch (error) {
      log.error('routing failed; the sweeper will retry', { taskId, error: String(error) });
    }
    kickSoon();
  };
  const slack = createSlackRuntime({
    env,
    log,
    host: options.host,
    routes: [
      {
        path: '/leads',
        method: ['POST'],
        handler: leadIntakeHandler(ctx, { token: env.INTAKE_TOKEN, afterReceive }),
      },
      { path: '/healthz', method: ['GET'], handler: healthHandler(ctx, delivery.health) },
    ],
  });
  const { app } = slack;
  registerListeners(app, { ctx, delivery, homes });
  app.error(async (error) => {
    log.error('Slack listener failed', { error: error.message });
  });
  await app.init();
  const port = await slack.start();
  await sweeper.runOnce();
  if (options.schedule !== false) {
    sweeper.start();
    // Time zones and signals arrive shortly after start; until then the config's zones apply.
    void signals.runOnce();
    signals.start();
  }
  log.info('lead-dispatch started', {
    port,
    socketMode: Boolean(env.SLACK_APP_TOKEN),
    agents: config.agents.length,
    rules: config.rules.length,
  });

  return {
    port,
    ctx,
    delivery,
    homes,
    sweeper,
    signals,
    async stop() {
      sweeper.stop();
      signals.stop();
      await signals.idle();
      await slack.stop();
      await delivery.idle();
      await homes.idle();
      db.$client.close();
    },
  };
}
