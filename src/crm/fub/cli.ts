import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { FUB_EVENTS } from '../../config/crm-schema.js';
import { loadDispatchConfig } from '../../config/load-dispatch.js';
import { FubClient, FubRefused } from './client.js';
import { fubSignature } from './signature.js';
import { webhooksToRegister } from './webhook-plan.js';

export const FUB_USAGE = `  fub register-webhooks --url https://your-host/crm/followupboss
                        register the crm.followupboss events with Follow Up Boss (lists first; only
                        what is missing is added)
  fub sample-webhook [--person 123] [--event peopleCreated] [--send http://localhost:$PORT/crm/followupboss]
                     [--created 2026-11-25T16:40:00Z]
                        print a webhook signed as FUB signs it (and a curl line), or send it;
                        --created backdates it (an old one shows the replay refusal)`;

export interface CliIo {
  env: NodeJS.ProcessEnv;
  out: (text: string) => void;
  err: (text: string) => void;
}

const webhookList = z.looseObject({
  webhooks: z.array(z.looseObject({ id: z.number(), event: z.string(), url: z.string() })),
});

/** `lead-dispatch fub …`: returns the exit code. */
export async function fubCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      args: rest,
      options: {
        url: { type: 'string' },
        person: { type: 'string' },
        event: { type: 'string' },
        send: { type: 'string' },
        created: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    io.err(`${error instanceof Error ? error.message : String(error)}\n\nUsage:\n${FUB_USAGE}\n`);
    return 2;
  }
  if (sub === 'register-webhooks') return registerWebhooks(values.url, io);
  if (sub === 'sample-webhook') return sampleWebhook(values, io);
  io.err(`unknown fub command "${sub ?? ''}"\n\nUsage:\n${FUB_USAGE}\n`);
  return 2;
}

function keysFrom(env: NodeJS.ProcessEnv): { apiKey: string; system: string; systemKey: string } | string {
  const missing = ['FUB_API_KEY', 'FUB_SYSTEM', 'FUB_SYSTEM_KEY'].filter((k) => !env[k]);
  if (missing.length > 0) return `set ${missing.join(', ')} (in .env or the environment)`;
  return { apiKey: env.FUB_API_KEY ?? '', system: env.FUB_SYSTEM ?? '', systemKey: env.FUB_SYSTEM_KEY ?? '' };
}

/** The events dispatch.yml asks for, or the defaults when there is no file yet. */
function wantedEvents(env: NodeJS.ProcessEnv): readonly string[] {
  const file = env.DISPATCH_CONFIG || './dispatch.yml';
  if (!existsSync(file)) return ['peopleCreated', 'peopleTagsCreated'];
  return loadDispatchConfig(file).crm?.followupboss?.events ?? ['peopleCreated', 'peopleTagsCreated'];
}

async function registerWebhooks(url: string | undefined, io: CliIo): Promise<number> {
  if (!url || !/^https:\/\//.test(url)) {
    io.err(
      '--url must be the https address FUB will call, e.g. https://dispatch.example.com/crm/followupboss\n',
    );
    return 2;
  }
  const keys = keysFrom(io.env);
  if (typeof keys === 'string') {
    io.err(`${keys}\n`);
    return 2;
  }
  const baseUrl = io.env.FUB_API_URL || 'https://api.followupboss.com/v1/';
  const client = new FubClient({ ...keys, baseUrl: baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/` });
  try {
    const listed = webhookList.safeParse(await client.get('webhooks?limit=100'));
    if (!listed.success) throw new Error('Follow Up Boss listed webhooks in an unexpected shape');
    const missing = webhooksToRegister(listed.data.webhooks, wantedEvents(io.env), url);
    for (const event of missing) {
      await client.post('webhooks', { event, url });
      io.out(`registered ${event} → ${url}\n`);
    }
    io.out(
      missing.length === 0
        ? `every event is already registered for ${url}; nothing to do\n`
        : `${missing.length} webhook(s) registered\n`,
    );
    return 0;
  } catch (error) {
    // Only a refusal is about permissions; a network error or a 5xx has nothing to do with the owner.
    const refused = error instanceof FubRefused && (error.status === 401 || error.status === 403);
    io.err(
      `${error instanceof Error ? error.message : String(error)}${refused ? ' (only the account owner can manage webhooks)' : ''}\n`,
    );
    return 1;
  }
}

async function sampleWebhook(values: Record<string, string | undefined>, io: CliIo): Promise<number> {
  const systemKey = io.env.FUB_SYSTEM_KEY;
  if (!systemKey) {
    io.err('set FUB_SYSTEM_KEY: samples are signed with it, as FUB signs its webhooks\n');
    return 2;
  }
  const event = values.event ?? 'peopleCreated';
  if (!(FUB_EVENTS as readonly string[]).includes(event)) {
    io.err(`--event must be one of ${FUB_EVENTS.join(', ')}\n`);
    return 2;
  }
  const person = Number(values.person ?? '1');
  if (!Number.isInteger(person) || person <= 0) {
    io.err('--person must be a Follow Up Boss person id such as 123\n');
    return 2;
  }
  const created = values.created ? new Date(values.created) : new Date();
  if (Number.isNaN(created.getTime())) {
    io.err('--created must be an ISO time such as 2026-11-25T16:40:00Z\n');
    return 2;
  }
  const body = JSON.stringify({
    eventId: randomUUID(),
    eventCreated: created.toISOString(),
    event,
    resourceIds: [person],
    uri: `https://api.followupboss.com/v1/people?id=${person}`,
  });
  const signature = fubSignature(body, systemKey);
  if (!values.send) {
    io.out(`${body}\nFUB-Signature: ${signature}\n\n`);
    io.out(
      `curl -X POST http://localhost:${io.env.PORT || 3000}/crm/followupboss -H 'content-type: application/json' -H 'FUB-Signature: ${signature}' --data '${body}'\n`,
    );
    return 0;
  }
  try {
    const res = await fetch(values.send, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'fub-signature': signature },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    io.out(`${res.status} ${await res.text()}\n`);
    return res.ok ? 0 : 1;
  } catch (error) {
    io.err(`could not reach ${values.send}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
