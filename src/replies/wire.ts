import type { DispatchConfig } from '../config/dispatch-schema.js';
import { type Env, EnvError } from '../config/env.js';
import type { DispatchContext } from '../dispatch/context.js';
import type { OutboxTopic } from '../engine/outbox/outbox.js';
import type { Route } from '../http/route-server.js';
import { createMailer, type Mailer } from '../integrations/email/mailer.js';
import { createTwilioClient, type TwilioClient } from '../integrations/twilio/client.js';
import { emailReplyTopic } from './email-topic.js';
import { smsReplyTopic } from './sms-topic.js';
import {
  TWILIO_INBOUND_PATH,
  TWILIO_STATUS_PATH,
  twilioInboundHandler,
  twilioStatusHandler,
} from './twilio-webhooks.js';

/** Which channels some rule replies by: only those need their provider's keys. */
export function replyChannelsInUse(config: DispatchConfig): Set<'sms' | 'email'> {
  return new Set(config.rules.flatMap((r) => r.reply?.by ?? []));
}

/** Every variable the configured replies need and the environment lacks, one line each. */
export function missingReplyEnv(config: DispatchConfig, env: Partial<Env>): string[] {
  const channels = replyChannelsInUse(config);
  const missing: string[] = [];
  if (channels.has('sms')) {
    for (const name of ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN'] as const)
      if (!env[name]) missing.push(`${name} is required because a rule in dispatch.yml replies by sms`);
  }
  if (channels.has('email') && !env.SMTP_URL)
    missing.push('SMTP_URL is required because a rule in dispatch.yml replies by email');
  return missing;
}

export interface LeadReplies {
  topics: OutboxTopic[];
  routes: Route[];
  mailer: Mailer | undefined;
  /**
   * Asks Twilio (the account) and the SMTP server (a login) whether they would take a reply, so a
   * wrong key shows on /healthz at start rather than at the first lead. Never throws.
   */
  checkProviders(): Promise<void>;
  /** The last check's failure per channel (`sms`, `email`), for /healthz; absent when it passed. */
  providerProblems: Map<string, string>;
}

/**
 * Replies to leads, when some rule asks for them: the two outbox topics (text, email) and, with
 * Twilio, its status and inbound webhooks (STOP/START). Undefined when no rule replies.
 */
export function leadReplyDelivery(
  ctx: DispatchContext,
  env: Env,
  kick: () => void,
  /** How long Twilio may take to answer before the outcome counts as unknown (default 10 s). */
  twilioTimeoutMs?: number,
): LeadReplies | undefined {
  const channels = replyChannelsInUse(ctx.config);
  if (channels.size === 0) return undefined;
  const missing = missingReplyEnv(ctx.config, env);
  if (missing.length > 0) throw new EnvError(missing);
  const topics: OutboxTopic[] = [];
  const routes: Route[] = [];
  const { TWILIO_ACCOUNT_SID: accountSid, TWILIO_AUTH_TOKEN: authToken, SMTP_URL: smtpUrl } = env;
  let twilio: TwilioClient | undefined;
  if (channels.has('sms') && accountSid && authToken) {
    const client = createTwilioClient({
      accountSid,
      authToken,
      ...(env.TWILIO_API_URL ? { baseUrl: env.TWILIO_API_URL } : {}),
      ...(twilioTimeoutMs ? { timeoutMs: twilioTimeoutMs } : {}),
    });
    twilio = client;
    topics.push(
      smsReplyTopic(ctx, {
        client,
        // Read at each text: a reload of dispatch.yml may change the sender.
        get from() {
          return ctx.config.replies?.sms?.from;
        },
        get messagingServiceSid() {
          return ctx.config.replies?.sms?.messaging_service;
        },
        statusCallback: env.PUBLIC_URL ? `${env.PUBLIC_URL}${TWILIO_STATUS_PATH}` : undefined,
        changed: kick,
      }),
    );
    // Without a public address Twilio cannot call us, and a signature cannot be checked.
    if (env.PUBLIC_URL) {
      const options = { authToken, publicUrl: env.PUBLIC_URL, kick };
      routes.push(
        { path: TWILIO_STATUS_PATH, method: ['POST'], handler: twilioStatusHandler(ctx, options) },
        { path: TWILIO_INBOUND_PATH, method: ['POST'], handler: twilioInboundHandler(ctx, options) },
      );
    }
  }
  const mailer = channels.has('email') && smtpUrl ? createMailer(smtpUrl) : undefined;
  if (mailer) topics.push(emailReplyTopic(ctx, mailer, kick));
  const providerProblems = new Map<string, string>();
  const check = async (channel: string, probe: (() => Promise<void>) | undefined) => {
    if (!probe) return;
    try {
      await probe();
      providerProblems.delete(channel);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      providerProblems.set(channel, message);
      ctx.log.error('a provider for replies to leads refused our check', { channel, error: message });
    }
  };
  return {
    topics,
    routes,
    mailer,
    providerProblems,
    async checkProviders() {
      await Promise.all([check('sms', twilio?.checkAccount), check('email', mailer?.verify)]);
    },
  };
}
