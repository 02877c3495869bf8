import type { DispatchConfig } from './dispatch-schema.js';
import { type Env, envValueProblem } from './env.js';

export type EnvLookup = (name: string) => string | undefined;

/** The shortest per-source secret intake takes, as for INTAKE_TOKEN. */
export const MIN_SECRET_LENGTH = 16;

/** Why a source's secret cannot be used, or undefined when it can. */
export function secretProblem(variable: string, value: string | undefined): string | undefined {
  if (value === undefined || value === '') return `${variable} is not set`;
  if (value.length < MIN_SECRET_LENGTH)
    return `${variable} is shorter than ${MIN_SECRET_LENGTH} characters (use \`openssl rand -hex 24\`)`;
  return undefined;
}

/**
 * A source whose secret variable is unset (or too short) refuses its own secret (only
 * INTAKE_TOKEN gets in): worth saying before the first lead is lost to a 401 in someone's Zapier history.
 */
export function sourceSecretWarnings(
  config: DispatchConfig,
  env: EnvLookup,
): Array<{ path: (string | number)[]; message: string }> {
  return Object.entries(config.source_settings).flatMap(([name, s]) => {
    if (s.secret_env === undefined) return [];
    const problem = secretProblem(s.secret_env, env(s.secret_env));
    if (!problem) return [];
    return [
      {
        path: ['sources', name, 'secret_env'],
        message: `${problem}, so POST /leads/${encodeURIComponent(name)} takes only INTAKE_TOKEN${s.secret_in_path ? ' and a secret in its path is refused' : ''} until it is`,
      },
    ];
  });
}

/**
 * A webhook whose secret variable is unset cannot sign, so its deliveries fail and are retried
 * (and parked after a day) until it is set: said at check-config, not found in the dead letter.
 */
export function webhookSecretWarnings(
  config: DispatchConfig,
  env: EnvLookup,
): Array<{ path: (string | number)[]; message: string }> {
  return config.webhooks.flatMap((hook, i) => {
    const problem = secretProblem(hook.secret_env, env(hook.secret_env));
    if (!problem) return [];
    return [
      {
        path: ['webhooks', i, 'secret_env'],
        message: `${problem}, so webhook ${hook.name} cannot sign its deliveries; they wait and are retried until it is`,
      },
    ];
  });
}

/**
 * Replies to leads need their provider's keys (the app refuses to start without them, so say it
 * here first) and, for texts, a public address: without PUBLIC_URL Twilio cannot tell us a text
 * was delivered, nor that a lead texted STOP.
 */
export function replySecretWarnings(
  config: DispatchConfig,
  env: EnvLookup,
): Array<{ path: (string | number)[]; message: string }> {
  const warnings: Array<{ path: (string | number)[]; message: string }> = [];
  const first = (channel: 'sms' | 'email') => config.rules.findIndex((r) => r.reply?.by.includes(channel));
  const check = (path: (string | number)[], name: keyof Env, channel: string, required: boolean) => {
    const value = env(name);
    if (!value) {
      if (required)
        warnings.push({
          path,
          message: `${name} is not set, so the app will not start: this rule replies by ${channel}`,
        });
      return;
    }
    const problem = envValueProblem(name, value);
    if (problem) warnings.push({ path, message: `${problem}, so the app will not start` });
  };
  const sms = first('sms');
  if (sms >= 0) {
    const path = ['rules', sms, 'reply', 'by'];
    check(path, 'TWILIO_ACCOUNT_SID', 'sms', true);
    check(path, 'TWILIO_AUTH_TOKEN', 'sms', true);
    check(path, 'PUBLIC_URL', 'sms', false);
    if (!env('PUBLIC_URL'))
      warnings.push({
        path,
        message:
          'PUBLIC_URL is not set, so Twilio cannot report texts delivered nor pass on a lead who texts STOP (Twilio itself still blocks texts to them)',
      });
  }
  const email = first('email');
  if (email >= 0) check(['rules', email, 'reply', 'by'], 'SMTP_URL', 'email', true);
  return warnings;
}

/**
 * A valid `reply:` that does not do what it seems to: a phone placeholder that nothing fills, an
 * email-only night for a rule that sends no email, a subject for a text.
 */
export function replyWarnings(config: DispatchConfig): Array<{ path: (string | number)[]; message: string }> {
  const phones = config.agents.some((a) => a.phone !== undefined) || config.replies?.team_phone !== undefined;
  return config.rules.flatMap((rule, i) => {
    const reply = rule.reply;
    if (!reply) return [];
    const at = (...path: string[]) => ['rules', i, 'reply', ...path];
    const warnings: Array<{ path: (string | number)[]; message: string }> = [];
    if (/\{\{\s*(agent_phone|team_phone)\s*\}\}/.test(reply.text) && !phones)
      warnings.push({
        path: at('text'),
        message:
          'it names a phone, but no agent has phone: and replies.team_phone is not set, so it would read as empty',
      });
    if (reply.at_night === 'email_only' && !reply.by.includes('email'))
      warnings.push({
        path: at('at_night'),
        message: 'email_only, but this rule sends no email: at night the lead hears nothing at all',
      });
    if (reply.subject !== undefined && !reply.by.includes('email'))
      warnings.push({
        path: at('subject'),
        message: 'a subject is only for email, and this rule sends none',
      });
    return warnings;
  });
}
