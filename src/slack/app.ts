import { App, HTTPReceiver, LogLevel, SocketModeReceiver } from '@slack/bolt';
import { WebClient, type WebClientOptions } from '@slack/web-api';
import type { Env } from '../config/env.js';
import { BodyGate, type BodyGateLimits } from '../http/body-gate.js';
import { type Route, RouteServer } from '../http/route-server.js';
import type { Logger } from '../log.js';
import * as actions from './actions/index.js';
import { boltLogger } from './bolt-logger.js';
import * as commands from './commands/index.js';
import type { SlackDeps } from './deps.js';
import * as events from './events/index.js';
import { SLACK_EVENTS_PATH, SLACK_MAX_BODY_BYTES, slackEventsRoute } from './http-events.js';
import * as views from './views/index.js';
import { webApiFetch } from './web-api-fetch.js';

export interface SlackRuntimeOptions {
  env: Env;
  log: Logger;
  /** Intake and health, served on PORT in both modes. */
  routes: Route[];
  host?: string;
  /** Bounds on the bodies being read at once (defaults: route-server.ts and SLACK_BODY_LIMITS). */
  bodyLimits?: BodyGateLimits;
  slackBodyLimits?: BodyGateLimits;
}

/**
 * Slack's requests are small and sent at once (Slack wants an answer within 3 s), so 5 s is
 * plenty to receive one. One is read in a few milliseconds, so 16 at once serves hundreds of
 * clicks a second, and holds at most 16 MB of bodies (1 MB each) while a flood of forged requests
 * takes every place.
 */
export const SLACK_BODY_LIMITS: BodyGateLimits = { concurrent: 16, timeoutMs: 5_000, retryAfterSeconds: 1 };

/** The Bolt app plus the HTTP server it shares with intake, started and stopped as one. */
export interface SlackRuntime {
  app: App;
  /** Resolves with the HTTP port once intake is listening and Slack is connected. */
  start(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * HTTP mode: our server serves intake and health and POST /slack/events, whose requests it checks
 * and reads before Bolt's HTTPReceiver verifies and handles them. Socket Mode (SLACK_APP_TOKEN set): Slack talks
 * over a WebSocket and a plain HTTP server of ours serves intake and health.
 */
export function createSlackRuntime(options: SlackRuntimeOptions): SlackRuntime {
  const { env, log, routes, host } = options;
  const logLevel = env.LOG_LEVEL === 'debug' ? LogLevel.DEBUG : LogLevel.WARN;
  const logger = boltLogger(log, logLevel);
  const common = {
    token: env.SLACK_BOT_TOKEN,
    deferInitialization: true,
    logLevel,
    // Retries live in the database (retry_at), so one rate-limited DM never stalls the client's shared queue.
    clientOptions: {
      slackApiUrl: env.SLACK_API_URL,
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
      fetch: webApiFetch,
    },
  };

  if (!env.SLACK_APP_TOKEN) {
    // Bolt's receiver never listens itself: our server checks a request's headers and reads its
    // body within bounds (http-events.ts), then hands it to the receiver's listener.
    const receiver = new HTTPReceiver({
      signingSecret: env.SLACK_SIGNING_SECRET ?? '',
      endpoints: [SLACK_EVENTS_PATH],
      bodyLimit: SLACK_MAX_BODY_BYTES,
      logger,
      logLevel,
    });
    const app = new App({ ...common, receiver });
    const gate = new BodyGate(options.slackBodyLimits ?? SLACK_BODY_LIMITS);
    const http = new RouteServer(
      [...routes, slackEventsRoute(receiver.requestListener, gate, log)],
      log,
      options.bodyLimits ? new BodyGate(options.bodyLimits) : undefined,
    );
    return {
      app,
      start: () => http.listen(env.PORT, host),
      stop: () => http.close(),
    };
  }

  const receiver = new SocketModeReceiver({
    appToken: env.SLACK_APP_TOKEN,
    logger,
    logLevel,
    // The socket client makes its own Web API call (apps.connections.open).
    installerOptions: { clientOptions: { slackApiUrl: env.SLACK_API_URL, fetch: webApiFetch } },
  });
  const app = new App({ ...common, receiver });
  const http = new RouteServer(
    routes,
    log,
    options.bodyLimits ? new BodyGate(options.bodyLimits) : undefined,
  );
  return {
    app,
    async start() {
      const port = await http.listen(env.PORT, host);
      try {
        await app.start();
      } catch (error) {
        await http.close();
        throw error;
      }
      return port;
    },
    async stop() {
      // Bolt's stop() only begins the close handshake; wait for it so nothing arrives after we close the DB.
      const client = receiver.client;
      const disconnected = new Promise<void>((resolve) => {
        if (client.websocket) client.once('disconnected', () => resolve());
        else resolve();
      });
      await app.stop();
      await Promise.race([disconnected, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
      await http.close();
    },
  };
}

/**
 * Retries live in the database (retry_at), so the client never waits out a 429 itself (which
 * would pause its whole queue) and gives up on a silent Slack after 10 s instead of 5 minutes.
 */
function webClientOptions(env: Env, timeoutMs: number): WebClientOptions {
  return {
    slackApiUrl: env.SLACK_API_URL,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    timeout: timeoutMs,
  };
}

/**
 * The client the engine posts with: the same settings and transport (web-api-fetch.ts) as the Bolt
 * app's own; main.ts passes the engine's `fetch` (src/engine/lease.ts) over that transport, which
 * refuses a request from a process that lost the engine lease.
 */
export function createWebClient(
  env: Env,
  log: Logger,
  timeoutMs = 10_000,
  fetchFn: typeof fetch = webApiFetch,
): WebClient {
  return new WebClient(env.SLACK_BOT_TOKEN, {
    ...webClientOptions(env, timeoutMs),
    logger: boltLogger(log, LogLevel.WARN),
    fetch: fetchFn,
  });
}

export function registerListeners(app: App, deps: SlackDeps): void {
  actions.register(app, deps);
  commands.register(app, deps);
  views.register(app, deps);
  events.register(app, deps);
}
