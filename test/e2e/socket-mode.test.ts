import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Env, readEnv } from '../../src/config/env.js';
import { loadDispatchConfig } from '../../src/config/load-dispatch.js';
import { silentLogger } from '../../src/log.js';
import { type RunningServer, startServer } from '../../src/main.js';
import { TestClock } from '../support/clock.js';
import { query } from '../support/db.js';
import { EXAMPLE_CONFIG, INTAKE_TOKEN, LEADERS, MORNING, zillowLead } from '../support/harness.js';
import { SlackDouble } from '../support/slack-double.js';
import { SlackSender } from '../support/slack-requests.js';
import { DANA } from '../support/team.js';

const APP_TOKEN = 'xapp-1-test';

describe('Socket Mode: the real app over a WebSocket to the Slack double', () => {
  let double: SlackDouble;
  let server: RunningServer | undefined;
  let clock: TestClock;
  let dir: string;
  let dbPath: string;
  let baseUrl: string;

  const boot = (env: Env) =>
    startServer({
      env,
      config: loadDispatchConfig(EXAMPLE_CONFIG),
      clock,
      log: silentLogger,
      schedule: false,
      host: '127.0.0.1',
    });

  beforeEach(async () => {
    double = await SlackDouble.start({ channels: [LEADERS] });
    dir = mkdtempSync(join(tmpdir(), 'lead-dispatch-socket-'));
    dbPath = join(dir, 'dispatch.db');
    clock = new TestClock(MORNING);
    const env = readEnv({
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_APP_TOKEN: APP_TOKEN,
      SLACK_API_URL: double.apiUrl,
      PORT: '0',
      DATABASE_PATH: dbPath,
      INTAKE_TOKEN,
    });
    expect(env.SLACK_SIGNING_SECRET).toBeUndefined();
    server = await boot(env);
    baseUrl = `http://127.0.0.1:${server.port}`;
  });

  afterEach(async () => {
    const running = server;
    server = undefined;
    try {
      double.assertNothingUnexpected();
    } finally {
      try {
        await running?.stop();
      } finally {
        await double.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  function postLead(body: unknown): Promise<Response> {
    return fetch(`${baseUrl}/leads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${INTAKE_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  it('opens one connection with the app-level token and is connected when startServer resolves', () => {
    expect(double.callsTo('apps.connections.open')).toHaveLength(1);
    expect(double.socket.connected).toBe(true);
    expect(double.socket.connections).toHaveLength(1);
    // The bot token still serves the Web API: Bolt checked it with auth.test at init.
    expect(double.callsTo('auth.test')).toHaveLength(1);
  });

  it('offers a lead from POST /leads by DM, and a Claim click over the socket is acked and claims it', async () => {
    const res = await postLead(zillowLead({ externalId: 'z-socket-1' }));
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: number };

    const dm = await double.waitForPost({ to: DANA });
    expect(double.buttons(dm).map((b) => b.text)).toEqual(['Claim', 'Pass', 'Timeline']);
    clock.advance('38s');

    const ack = await double.socket.clickButton({ user: DANA, message: dm, actionId: 'offer_claim' });
    const [envelope] = double.socket.sent;
    expect(envelope).toMatchObject({ type: 'interactive', accepts_response_payload: false });
    expect(envelope?.payload).toMatchObject({ type: 'block_actions', user: { id: DANA } });
    expect(ack).toEqual({ envelope_id: envelope?.envelope_id, payload: {} });

    const update = await double.waitForUpdate(dm, 'Claimed by you');
    expect(double.allText({ ...dm, blocks: update.blocks })).toContain(
      'Claimed by you at 10:40 AM CST*, 38 s after it arrived.',
    );
    expect(double.buttons(dm).map((b) => b.text)).toEqual(['Mark contacted', 'Hand off…', 'Timeline']);
    const [task] = query(dbPath, 'select status, owner_id from tasks where id = ?', id);
    expect(task).toEqual({ status: 'claimed', owner_id: DANA });

    await server?.engine.idle();
    double.assertNothingUnexpected();
  });

  it('serves /leads/<source> on its own HTTP server too (a form, with the source in the URL)', async () => {
    const res = await fetch(`${baseUrl}/leads/zillow`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${INTAKE_TOKEN}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'leadId=z-socket-form&name=Jane+Buyer&phone=512-555-0142&zip=78701',
    });
    expect(res.status).toBe(202);
    expect(query(dbPath, 'select source, external_id, first_name from tasks')).toEqual([
      { source: 'zillow', external_id: 'z-socket-form', first_name: 'Jane' },
    ]);
    await double.waitForPost({ to: DANA });
    const wrongPath = await fetch(`${baseUrl}/leads/zillow/a/b`, { method: 'POST' });
    expect(wrongPath.status).toBe(404);
  });

  it('answers 404 to Slack requests over HTTP: without a signing secret nothing there may act', async () => {
    await postLead(zillowLead());
    const dm = await double.waitForPost({ to: DANA });
    const forger = new SlackSender(baseUrl, 'f'.repeat(32), double);

    const res = await forger.clickButton({ user: DANA, message: dm, actionId: 'offer_claim' });
    expect(res.status).toBe(404);
    await server?.engine.idle();
    expect(dm.updates).toEqual([]);
    expect(query(dbPath, 'select status from tasks')).toEqual([{ status: 'offered' }]);
  });

  it('stop() waits for the socket to close with a normal closure', async () => {
    const running = server;
    server = undefined;
    await running?.stop();

    // The client finished its close handshake inside stop(); the double sees the TCP close right after.
    const connection = await double.socket.waitForDisconnect(500);
    expect(connection.closed?.code).toBe(1000);
    expect(double.callsTo('apps.connections.open')).toHaveLength(1);
  });

  it('a busy PORT makes startServer reject with EADDRINUSE instead of crashing the process', async () => {
    const env = readEnv({
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_APP_TOKEN: APP_TOKEN,
      SLACK_API_URL: double.apiUrl,
      PORT: String(server?.port),
      DATABASE_PATH: join(dir, 'second.db'),
      INTAKE_TOKEN,
    });
    const second = boot(env);
    await expect(second).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });
});
