import { type Clock, systemClock } from './clock.js';
import type { DispatchConfig } from './config/dispatch-schema.js';
import type { Env } from './config/env.js';
import { loadDispatchConfig } from './config/load-dispatch.js';
import type { EnvLookup } from './config/source-warnings.js';
import { followUpBoss } from './crm/fub/wire.js';
import { type Db, migrateDatabase, openDatabase } from './db/connection.js';
import { armDiskFullSignal } from './db/disk-full-signal.js';
import type { DispatchContext } from './dispatch/context.js';
import type { ReloadResult, ReloadTrigger } from './dispatch/reload-config.js';
import { syncAgents } from './dispatch/roster.js';
import { configNoticeTopic } from './engine/config-notice.js';
import { Engine } from './engine/engine.js';
import { EngineLease, leasedFetch } from './engine/lease.js';
import type { OutboxTopic } from './engine/outbox/outbox.js';
import { teamEventTopic } from './engine/team-event-topic.js';
import { healthHandler } from './health.js';
import type { BodyGateLimits } from './http/body-gate.js';
import { INTAKE_PATHS, leadIntakeHandler } from './intake/http.js';
import { createLogger, type Logger } from './log.js';
import { leadReplyDelivery, replyChannelsInUse } from './replies/wire.js';
import { digestTopic } from './reports/digest.js';
import { createSlackRuntime, createWebClient, registerListeners } from './slack/app.js';
import { webApiFetch } from './slack/web-api-fetch.js';
import { webhookDeliveryTopic } from './webhooks/topic.js';

export interface StartOptions {
  env: Env;
  /** Defaults to loading env.DISPATCH_CONFIG. */
  config?: DispatchConfig;
  clock?: Clock;
  log?: Logger;
  /** Run the sweeper on its cron schedule; tests turn this off and call `sweeper.runOnce()`. */
  schedule?: boolean;
  /** Address to listen on; defaults to env.HOST, else all interfaces. */
  host?: string;
  /** Bounds on request bodies read at once (tests make them small); see src/http/body-gate.ts. */
  bodyLimits?: BodyGateLimits;
  slackBodyLimits?: BodyGateLimits;
  /** How long a Slack call may take before its outcome counts as unknown (default 10 s). */
  slackTimeoutMs?: number;
  /** How long Twilio may take to answer a text before its outcome counts as unknown (default 10 s). */
  twilioTimeoutMs?: number;
  /** Outside systems the engine's outbox delivers to. */
  outboxTopics?: OutboxTopic[];
  /** Where a source's `secret_env` is read; defaults to the process environment. */
  secrets?: EnvLookup;
  /**
   * The dispatch.yml to reload on SIGHUP, `lead-dispatch reload` and when it changes. Defaults to
   * env.DISPATCH_CONFIG when `config` is not given; a caller that passes a config (the demo,
   * most tests) gets no reloading unless it names the file too.
   */
  configFile?: string;
}

export interface RunningServer {
  port: number;
  ctx: DispatchContext;
  engine: Engine;
  /** The engine's sweeper and signal poller, which tests drive by hand. */
  sweeper: Engine['sweeper'];
  signals: Engine['signals'];
  /** Reloads dispatch.yml now (SIGHUP); undefined when there is no file to reload. */
  reload(trigger: ReloadTrigger, requestedBy?: string): ReloadResult | undefined;
  stop(): Promise<void>;
}

/** Composes and starts everything: config → database → engine → Slack app and intake. */
export async function startServer(options: StartOptions): Promise<RunningServer> {
  const { env } = options;
  const log = options.log ?? createLogger(env.LOG_LEVEL);
  const configFile = options.configFile ?? (options.config ? undefined : env.DISPATCH_CONFIG);
  // The config as started: what was wired from it (routes, providers) stays until a restart.
  // Everything else reads ctx.config at the moment of use, which a reload swaps.
  const config = options.config ?? loadDispatchConfig(env.DISPATCH_CONFIG);
  const clock = options.clock ?? systemClock;
  const db: Db = openDatabase(env.DATABASE_PATH);
  migrateDatabase(db);
  armDiskFullSignal(db.$client);
  syncAgents(db, config, clock.now());
  const ctx: DispatchContext = { db, config, clock, log };

  // Every process takes intake and Slack requests; only the lease holder runs the engine. Its Slack
  // client checks the lease right before each request leaves (the loops check it too, before each step).
  const lease = new EngineLease(db.$client, clock, log);
  const client = createWebClient(env, log, options.slackTimeoutMs, leasedFetch(lease, webApiFetch));
  // The engine is made next; FUB's topics call it only once deliveries start.
  const fub = followUpBoss(ctx, env, {
    taskReceived: (taskId) => engine.taskReceived(taskId),
    // A stored webhook only has fetches for the outbox to do: Slack sync has nothing new yet.
    kickOutbox: () => engine.outbox.kick(),
  });
  const secrets = options.secrets ?? ((name: string) => process.env[name]);
  // Always there: a reload may add a webhook, and the topic reads them from ctx.config.
  const webhooks = webhookDeliveryTopic(
    () => ctx.config.webhooks,
    secrets,
    () => clock.now(),
  );
  const replies = leadReplyDelivery(ctx, env, () => engine.kick(), options.twilioTimeoutMs);
  const engine = new Engine(ctx, client, {
    lease,
    outboxTopics: [
      ...(options.outboxTopics ?? []),
      ...(fub?.topics ?? []),
      webhooks,
      ...(replies?.topics ?? []),
      digestTopic(ctx, client),
      configNoticeTopic(ctx, client),
      teamEventTopic(ctx, client),
    ],
    config: configFile
      ? {
          file: configFile,
          env: secrets,
          startedWith: { followUpBoss: fub !== undefined, replyChannels: replyChannelsInUse(config) },
        }
      : undefined,
  });
  const intake = leadIntakeHandler(ctx, {
    token: env.INTAKE_TOKEN,
    env: secrets,
    taskReceived: (taskId, answered) => engine.taskReceived(taskId, answered),
  });
  const slack = createSlackRuntime({
    env,
    log,
    host: options.host ?? env.HOST,
    bodyLimits: options.bodyLimits,
    slackBodyLimits: options.slackBodyLimits,
    routes: [
      ...INTAKE_PATHS.map((path) => ({ path, method: ['POST'], handler: intake })),
      {
        path: '/healthz',
        method: ['GET'],
        handler: healthHandler(ctx, engine, {
          channels: [...replyChannelsInUse(config)],
          problems: replies?.providerProblems ?? new Map(),
        }),
      },
      ...(fub ? [fub.route] : []),
      ...(replies?.routes ?? []),
    ],
  });
  const { app } = slack;
  const reload = (trigger: ReloadTrigger, requestedBy?: string) =>
    engine.reloader?.reload(trigger, requestedBy);
  registerListeners(app, { ctx, kick: () => engine.kick(), homes: engine.homes, reload });
  app.error(async (error) => {
    log.error('Slack listener failed', { error: error.message });
  });
  await app.init();
  const port = await slack.start();
  // Whatever was due when the process stopped (a DM whose answer was lost, a lapsed offer) goes now,
  // when this process takes the lease; otherwise the holder's engine has it in hand.
  await engine.sweeper.runOnce();
  if (options.schedule !== false) engine.start();
  void replies?.checkProviders();
  log.info('lead-dispatch started', {
    port,
    socketMode: Boolean(env.SLACK_APP_TOKEN),
    agents: config.agents.length,
    rules: config.rules.length,
    engine: lease.term() === null ? 'standby (another process holds the lease)' : 'running',
  });

  return {
    port,
    ctx,
    engine,
    sweeper: engine.sweeper,
    signals: engine.signals,
    reload,
    async stop() {
      engine.stop();
      await slack.stop();
      await engine.idle();
      engine.release();
      replies?.mailer?.close();
      db.$client.close();
    },
  };
}
