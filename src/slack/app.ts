import { App, type CustomRoute, LogLevel } from '@slack/bolt';
import type { Env } from '../config/env.js';
import type { Logger } from '../log.js';
import * as actions from './actions/index.js';
import type { SlackDeps } from './deps.js';

export interface SlackAppOptions {
  env: Env;
  log: Logger;
  customRoutes: CustomRoute[];
}

/**
 * The Bolt app in HTTP mode (signed requests on POST /slack/events) or, when SLACK_APP_TOKEN is
 * set, in Socket Mode; intake and health share its HTTP server as custom routes either way.
 */
export function createSlackApp(options: SlackAppOptions, deps: Omit<SlackDeps, 'delivery'>): App {
  const { env, log } = options;
  const common = {
    token: env.SLACK_BOT_TOKEN,
    customRoutes: options.customRoutes,
    deferInitialization: true,
    logLevel: env.LOG_LEVEL === 'debug' ? LogLevel.DEBUG : LogLevel.WARN,
    // Retries live in the database (retry_at), so one rate-limited DM never stalls the client's shared queue.
    clientOptions: {
      slackApiUrl: env.SLACK_API_URL,
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
    },
  };
  log.debug('creating the Slack app', {
    socketMode: Boolean(env.SLACK_APP_TOKEN),
    team: deps.ctx.config.team.name,
  });
  if (env.SLACK_APP_TOKEN) {
    return new App({
      ...common,
      socketMode: true,
      appToken: env.SLACK_APP_TOKEN,
      // The Socket Mode client makes its own Web API calls (apps.connections.open) with these options.
      installerOptions: { port: env.PORT, clientOptions: { slackApiUrl: env.SLACK_API_URL } },
    });
  }
  return new App({ ...common, signingSecret: env.SLACK_SIGNING_SECRET ?? '' });
}

export function registerListeners(app: App, deps: SlackDeps): void {
  actions.register(app, deps);
}
