/**
 * The floor every latency figure is compared with: a bare Bolt app on the same HTTPReceiver, with a
 * custom route POST /leads that answers 202 and relays the lead to chat.postMessage, using the same
 * WebClient settings as lead-dispatch (src/slack/app.ts), and no storage, routing or rendering.
 * A Claim click acks and updates the DM. Whatever the app takes beyond this is our own work.
 *
 * Its client calls Slack over Bolt's default transport (the global fetch), as a bare Bolt app does.
 * `transport: 'lead-dispatch'` gives it ours instead (src/slack/web-api-fetch.ts), to show how much
 * of a gap is the transport and how much our own work.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, type BlockAction, type ButtonAction, LogLevel } from '@slack/bolt';
import { webApiFetch } from '../src/slack/web-api-fetch.js';
import { INTAKE_TOKEN, SIGNING_SECRET } from '../test/support/harness.js';
import type { System } from './systems.js';

const RELAY_USERS = ['U0DANA001', 'U0MARCO01', 'U0PRIYA01'];
const CLAIM = 'claim';

export type RelayTransport = 'bolt' | 'lead-dispatch';

export async function startRelay(apiUrl: string, transport: RelayTransport = 'bolt'): Promise<System> {
  let seq = 0;
  const expectedAuth = `Bearer ${INTAKE_TOKEN}`;
  const relay = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      if (req.headers.authorization !== expectedAuth) {
        res.writeHead(401).end();
        return;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
      const body: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      if (typeof body !== 'object' || body === null) {
        res.writeHead(400).end();
        return;
      }
      seq += 1;
      const id = seq;
      res.writeHead(202, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ id }));
      await app.client.chat.postMessage({
        channel: RELAY_USERS[id % RELAY_USERS.length] ?? 'U0DANA001',
        text: `New lead #${id}`,
        blocks: [
          { type: 'header', text: { type: 'plain_text', text: `Lead · #${id}` } },
          {
            type: 'actions',
            elements: [
              {
                type: 'button',
                action_id: CLAIM,
                value: String(id),
                text: { type: 'plain_text', text: 'Claim' },
              },
            ],
          },
        ],
      });
    } catch (error) {
      console.error('relay failed:', String(error));
      if (!res.headersSent) res.writeHead(500).end();
    }
  };
  const app: App = new App({
    signingSecret: SIGNING_SECRET,
    token: 'xoxb-bench-token',
    deferInitialization: true,
    logLevel: LogLevel.WARN,
    // The same client settings as lead-dispatch's (src/slack/app.ts), so the floor is like for like.
    clientOptions: {
      slackApiUrl: apiUrl,
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
      timeout: 10_000,
      ...(transport === 'lead-dispatch' ? { fetch: webApiFetch } : {}),
    },
    customRoutes: [{ path: '/leads', method: ['POST'], handler: (req, res) => void relay(req, res) }],
  });
  app.action<BlockAction<ButtonAction>>(CLAIM, async ({ ack, body, client }) => {
    await ack();
    const channel = body.channel?.id;
    const ts = body.message?.ts;
    if (!channel || !ts) return;
    await client.chat.update({
      channel,
      ts,
      text: 'Claimed',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '✅ Claimed by you' } }],
    });
  });
  app.error(async (error) => {
    console.error('relay listener failed:', error.message);
  });
  await app.init();
  const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    name: transport === 'bolt' ? 'relay' : 'relay on our transport',
    target: {
      leadUrl: `${baseUrl}/leads`,
      appBaseUrl: baseUrl,
      claimActionId: CLAIM,
      claimedText: 'Claimed by you',
    },
    audit: () => [],
    stop: () => app.stop().then(() => undefined),
  };
}
