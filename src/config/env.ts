import { z } from 'zod';
import { issueText } from './issue-text.js';

const envSchema = z.object({
  SLACK_BOT_TOKEN: z
    .string({ error: 'is required: the bot token (xoxb-…) from OAuth & Permissions' })
    .regex(/^xoxb-/, 'must be a bot token starting with xoxb-'),
  SLACK_SIGNING_SECRET: z
    .string()
    .regex(/^[0-9a-f]{16,}$/i, 'must be the hex signing secret from Basic Information')
    .optional(),
  SLACK_APP_TOKEN: z
    .string()
    .regex(/^xapp-/, 'must be an app-level token starting with xapp- (Socket Mode)')
    .optional(),
  SLACK_API_URL: z
    .url({ error: 'must be a URL such as https://slack.com/api/' })
    .default('https://slack.com/api/')
    .transform((url) => (url.endsWith('/') ? url : `${url}/`)),
  PORT: z.coerce
    .number({ error: 'must be a port number' })
    .int('must be a whole number')
    .min(0)
    .max(65535, 'must be a port number between 0 and 65535')
    .default(3000),
  /**
   * The address to listen on. Unset: every interface (IPv6 and IPv4), as before, which a container
   * or a host that Slack reaches directly needs; 127.0.0.1 behind a reverse proxy on the same host.
   */
  HOST: z
    .union([z.ipv4(), z.ipv6(), z.hostname()], {
      error: 'must be an address to listen on, such as 127.0.0.1, 0.0.0.0, :: or localhost',
    })
    .optional(),
  DATABASE_PATH: z.string().min(1, 'must be a file path').default('./data/dispatch.db'),
  DISPATCH_CONFIG: z.string().min(1, 'must be a file path').default('./dispatch.yml'),
  INTAKE_TOKEN: z
    .string({ error: 'is required: the shared secret senders put in Authorization: Bearer …' })
    .min(16, 'must be at least 16 characters (use `openssl rand -hex 24`)')
    .refine(
      (v) => !/^change-?me/i.test(v),
      'is still the placeholder from .env.example; use `openssl rand -hex 24`',
    ),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  // Follow Up Boss (crm.followupboss in dispatch.yml): required only when that section is there.
  FUB_API_KEY: z.string().min(8, 'must be the API key from Admin → API in Follow Up Boss').optional(),
  FUB_SYSTEM: z.string().min(1, 'must be your registered system name (X-System)').optional(),
  FUB_SYSTEM_KEY: z
    .string()
    .min(8, 'must be the system key from your system registration (X-System-Key)')
    .optional(),
  FUB_API_URL: z
    .url({ error: 'must be a URL such as https://api.followupboss.com/v1/' })
    .default('https://api.followupboss.com/v1/')
    .transform((url) => (url.endsWith('/') ? url : `${url}/`)),
  // Replies to leads (replies: and a rule's reply: in dispatch.yml): required only when a rule texts or emails.
  TWILIO_ACCOUNT_SID: z
    .string()
    .regex(/^AC[0-9a-f]{32}$/i, 'must be the Account SID (AC…) from the Twilio console')
    .optional(),
  TWILIO_AUTH_TOKEN: z.string().min(16, 'must be the Auth Token from the Twilio console').optional(),
  TWILIO_API_URL: z.url({ error: 'must be a URL such as https://api.twilio.com' }).optional(),
  SMTP_URL: z
    .url({
      protocol: /^smtps?$/,
      error: 'must be an SMTP URL such as smtp://user:password@smtp.example.com:587',
    })
    .optional(),
  /** The address Twilio reaches this app at: status callbacks and the signature check need it. */
  PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: 'must be the public https:// address of this app' })
    .transform((url) => url.replace(/\/+$/, ''))
    .optional(),
});

export type Env = z.output<typeof envSchema>;

/** Why one variable's value would stop the app at start, in the words start-up uses; undefined when fine. */
export function envValueProblem(name: keyof Env, value: string): string | undefined {
  const result = envSchema.shape[name].safeParse(value);
  return result.success
    ? undefined
    : result.error.issues.map((issue) => `${name} ${issueText(issue)}`).join('; ');
}

/** A user mistake in the environment: printed as one line per variable, never as a stack trace. */
export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'EnvError';
  }
}

export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  // An empty variable is as good as unset: `PORT=` in a .env file should mean the default.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const result = envSchema.safeParse(cleaned);
  const problems = result.success
    ? []
    : result.error.issues.map((issue) => `${String(issue.path[0] ?? 'environment')} ${issueText(issue)}`);
  if (!cleaned.SLACK_APP_TOKEN && !cleaned.SLACK_SIGNING_SECRET) {
    problems.push(
      'SLACK_SIGNING_SECRET is required in HTTP mode (or set SLACK_APP_TOKEN to use Socket Mode)',
    );
  }
  if (result.success && problems.length === 0) return result.data;
  throw new EnvError(problems);
}
