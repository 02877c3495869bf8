import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, LogLevel, type types, verifySlackRequest } from '@slack/bolt';
import {
  ErrorCode,
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebClient,
} from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { webApiFetch } from '../../src/slack/web-api-fetch.js';
import { SlackDouble } from '../support/slack-double.js';
import { SlackSender } from '../support/slack-requests.js';

const TOKEN = 'xoxb-test-token';
const SECRET = 'test-signing-secret';

const claimBlocks = (leadId: string): types.KnownBlock[] => [
  { type: 'section', text: { type: 'mrkdwn', text: `New lead *${leadId}*` } },
  {
    type: 'actions',
    block_id: 'offer',
    elements: [
      {
        type: 'button',
        action_id: 'claim',
        value: leadId,
        style: 'primary',
        text: { type: 'plain_text', text: 'Claim' },
      },
      { type: 'button', action_id: 'pass', value: leadId, text: { type: 'plain_text', text: 'Pass' } },
    ],
  },
];

function errorOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (err: unknown) => err,
  );
}

/**
 * Both transports a client may call Slack with: Bolt's default (the global fetch) and the one the
 * app's clients use (src/slack/web-api-fetch.ts), which must read every answer the same way.
 */
const TRANSPORTS: Array<[string, typeof fetch]> = [
  ['the global fetch', fetch],
  ["lead-dispatch's transport", webApiFetch],
];

describe.each(TRANSPORTS)('SlackDouble with the real WebClient over %s', (_name, transport) => {
  let double: SlackDouble;
  let client: WebClient;

  beforeEach(async () => {
    double = await SlackDouble.start({
      channels: ['C0LEADS'],
      users: { U0ALICE: { name: 'alice', tz: 'America/Chicago' }, U0GONE: { deleted: true } },
    });
    client = new WebClient(TOKEN, {
      slackApiUrl: double.apiUrl,
      retryConfig: { retries: 0 },
      fetch: transport,
    });
  });
  afterEach(async () => {
    await double.stop();
  });

  it('answers auth.test with the bot identity', async () => {
    const res = await client.auth.test();
    expect(res).toMatchObject({
      ok: true,
      user_id: double.botUserId,
      bot_id: double.botId,
      team_id: double.teamId,
    });
  });

  it('opens a stable DM when posting to a user id and records the message', async () => {
    const res = await client.chat.postMessage({
      channel: 'U0ALICE',
      text: 'New lead',
      blocks: claimBlocks('L1'),
    });
    const dm = double.dmChannelFor('U0ALICE');
    expect(dm).toMatch(/^D/);
    expect(res.channel).toBe(dm);
    expect(res.ts).toMatch(/^\d{10}\.\d{6}$/);

    const opened = await client.conversations.open({ users: 'U0ALICE' });
    expect(opened.channel?.id).toBe(dm);

    const post = double.takePost({ to: 'U0ALICE', textIncludes: 'L1' });
    expect(post).toMatchObject({ channel: dm, user: 'U0ALICE', ts: res.ts, text: 'New lead' });
    expect(double.buttons(post).map((b) => b.action_id)).toEqual(['claim', 'pass']);
    expect(double.findButton(post, 'claim')).toMatchObject({ value: 'L1', block_id: 'offer', text: 'Claim' });
    expect(() => double.findButton(post, 'nope')).toThrow(/claim/);
    expect(double.allText(post)).toContain('New lead *L1*');
    // Calls keep what the app sent; messages carry the block_ids Slack fills in.
    expect(double.callsTo('chat.postMessage')[0]?.args.blocks).toEqual(claimBlocks('L1'));
    expect(post.blocks[0]?.block_id).toEqual(expect.any(String));
  });

  it('gives increasing ts and records thread replies', async () => {
    const parent = await client.chat.postMessage({ channel: 'C0LEADS', text: 'parent' });
    const reply = await client.chat.postMessage({ channel: 'C0LEADS', text: 'reply', thread_ts: parent.ts });
    expect(Number(reply.ts)).toBeGreaterThan(Number(parent.ts));
    expect(double.takePost({ to: 'C0LEADS', thread: true }).text).toBe('reply');
    expect(double.takePost({ to: 'C0LEADS', thread: false }).text).toBe('parent');
  });

  it('records chat.update and keeps text/blocks current', async () => {
    const res = await client.chat.postMessage({
      channel: 'U0ALICE',
      text: 'Offer',
      blocks: claimBlocks('L2'),
    });
    const post = double.takePost({ to: 'U0ALICE' });
    await client.chat.update({
      channel: String(res.channel),
      ts: String(res.ts),
      text: 'Claimed by Alice',
      blocks: [],
    });
    const update = double.takeUpdate(post, 'Claimed');
    expect(update.blocks).toEqual([]);
    expect(post.text).toBe('Claimed by Alice');
    expect(double.buttons(post)).toEqual([]);
    expect(() => double.takeUpdate(post)).toThrow(/No unseen update/);

    const missing = await errorOf(
      client.chat.update({ channel: String(res.channel), ts: '1.000000', text: 'x' }),
    );
    expect(missing).toBeInstanceOf(WebAPIPlatformError);
    expect((missing as WebAPIPlatformError).data.error).toBe('message_not_found');
  });

  it('returns channel_not_found for an unknown channel and posts nothing', async () => {
    const err = await errorOf(client.chat.postMessage({ channel: 'C0NOPE', text: 'hi' }));
    expect(err).toBeInstanceOf(WebAPIPlatformError);
    expect((err as WebAPIPlatformError).data.error).toBe('channel_not_found');
    expect(double.messages).toHaveLength(0);
    expect(double.calls.map((c) => c.method)).toEqual(['chat.postMessage']);
  });

  it('injects platform errors, limited by times and when', async () => {
    double.fail('chat.postMessage', {
      error: 'account_inactive',
      when: (args) => args.channel === 'U0ALICE',
    });
    const err = await errorOf(client.chat.postMessage({ channel: 'U0ALICE', text: 'hi' }));
    expect(err).toBeInstanceOf(WebAPIPlatformError);
    expect((err as WebAPIPlatformError).data.error).toBe('account_inactive');
    expect(double.messages).toHaveLength(0);
    await client.chat.postMessage({ channel: 'U0ALICE', text: 'second try works' });
    expect(double.takePost({ textIncludes: 'second try' })).toBeDefined();
  });

  it('rate-limits with HTTP 429 and Retry-After', async () => {
    double.fail('chat.postMessage', { status: 429, retryAfter: 7 });
    const strict = new WebClient(TOKEN, {
      slackApiUrl: double.apiUrl,
      rejectRateLimitedCalls: true,
      fetch: transport,
    });
    const err = await errorOf(strict.chat.postMessage({ channel: 'C0LEADS', text: 'hi' }));
    expect(err).toBeInstanceOf(WebAPIRateLimitedError);
    expect(err).toMatchObject({ code: ErrorCode.RateLimitedError, retryAfter: 7 });
    expect(double.messages).toHaveLength(0);
  });

  it('sends 5xx as an HTTP error', async () => {
    double.fail('chat.postMessage', { status: 503 });
    const err = await errorOf(client.chat.postMessage({ channel: 'C0LEADS', text: 'hi' }));
    expect(err).toBeInstanceOf(WebAPIHTTPError);
    expect((err as WebAPIHTTPError).statusCode).toBe(503);
  });

  it('rejects calls without a token and unknown methods', async () => {
    const anonymous = new WebClient(undefined, {
      slackApiUrl: double.apiUrl,
      retryConfig: { retries: 0 },
      fetch: transport,
    });
    const err = await errorOf(anonymous.auth.test());
    expect((err as WebAPIPlatformError).data.error).toBe('not_authed');
    const unknown = await errorOf(client.apiCall('dnd.teleport'));
    expect((unknown as WebAPIPlatformError).data.error).toBe('unknown_method');
  });

  it('serves users.info and refuses DMs to deactivated users', async () => {
    const info = await client.users.info({ user: 'U0ALICE' });
    expect(info.user).toMatchObject({ id: 'U0ALICE', name: 'alice', tz: 'America/Chicago' });
    const missing = await errorOf(client.users.info({ user: 'U0NOBODY' }));
    expect((missing as WebAPIPlatformError).data.error).toBe('user_not_found');
    const gone = await errorOf(client.chat.postMessage({ channel: 'U0GONE', text: 'hi' }));
    expect((gone as WebAPIPlatformError).data.error).toBe('user_disabled');
  });

  it('accepts a minted trigger_id once and records views', async () => {
    const trigger = double.triggerId();
    const view = {
      type: 'modal' as const,
      callback_id: 'away',
      title: { type: 'plain_text' as const, text: 'Away' },
      blocks: [],
    };
    const opened = await client.views.open({ trigger_id: trigger, view });
    expect(opened.view?.id).toMatch(/^V/);
    const reused = await errorOf(client.views.open({ trigger_id: trigger, view }));
    expect((reused as WebAPIPlatformError).data.error).toBe('expired_trigger_id');
    await client.views.update({ view_id: String(opened.view?.id), hash: String(opened.view?.hash), view });
    const stale = await errorOf(client.views.update({ view_id: String(opened.view?.id), hash: 'old', view }));
    expect((stale as WebAPIPlatformError).data.error).toBe('hash_conflict');
    await client.views.publish({ user_id: 'U0ALICE', view: { type: 'home', blocks: [] } });
    expect(double.views.map((v) => v.method)).toEqual(['views.open', 'views.update', 'views.publish']);
  });

  it('fails assertNothingUnexpected until every post and update is taken', async () => {
    const res = await client.chat.postMessage({ channel: 'C0LEADS', text: 'Lead L3 escalated' });
    expect(() => double.assertNothingUnexpected()).toThrow(/UNSEEN post C0LEADS .*Lead L3 escalated/);
    expect(() => double.takePost({ to: 'U0ALICE' })).toThrow(/No unseen Slack post/);
    const post = double.takePost({ textIncludes: 'L3' });
    expect(() => double.takePost({ textIncludes: 'L3' })).toThrow();
    double.assertNothingUnexpected();

    await client.chat.update({ channel: 'C0LEADS', ts: String(res.ts), text: 'Lead L3 claimed' });
    expect(() => double.assertNothingUnexpected()).toThrow(/UNSEEN update of C0LEADS/);
    await expect(double.waitForUpdate(post, 'claimed')).resolves.toMatchObject({ text: 'Lead L3 claimed' });
    double.assertNothingUnexpected();
  });

  it('waitForPost waits for async delivery and times out helpfully', async () => {
    setTimeout(() => void client.chat.postMessage({ channel: 'C0LEADS', text: 'later' }), 30);
    await expect(double.waitForPost({ textIncludes: 'later' })).resolves.toMatchObject({ text: 'later' });
    await expect(double.waitForPost({ textIncludes: 'never' }, 30)).rejects.toThrow(
      /Timed out after 30 ms.*never/s,
    );
  });

  it('records response_url posts as ephemerals and applies replace_original', async () => {
    await client.chat.postMessage({ channel: 'U0ALICE', text: 'Offer', blocks: claimBlocks('L4') });
    const post = double.takePost({ to: 'U0ALICE' });
    const url = double.responseUrl({ user: 'U0ALICE', channel: post.channel, message: post });
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ replace_original: true, text: 'You claimed L4' }),
    });
    expect(res.status).toBe(200);
    const ephemeral = double.takeEphemeral({ user: 'U0ALICE', textIncludes: 'claimed L4' });
    expect(ephemeral).toMatchObject({ via: 'response_url', channel: post.channel, replaceOriginal: true });
    expect(post.text).toBe('You claimed L4');
    expect(double.buttons(post)).toEqual([]);

    await client.chat.postEphemeral({ channel: 'C0LEADS', user: 'U0ALICE', text: 'only you' });
    expect(double.takeEphemeral({ user: 'U0ALICE' })).toMatchObject({
      via: 'chat.postEphemeral',
      channel: 'C0LEADS',
    });
    double.assertNothingUnexpected();
  });

  it('refuses blocks Slack would refuse on chat.postMessage, chat.update and chat.postEphemeral, naming where', async () => {
    const twoClaims = claimBlocks('L5').map((b) =>
      b.type === 'actions' ? { ...b, elements: [b.elements[0], b.elements[0]] } : b,
    );
    const expected = {
      error: 'invalid_blocks',
      response_metadata: {
        messages: [
          '[ERROR] `action_id` "claim" already exists [json-pointer:/blocks/1/elements/1/action_id]',
        ],
      },
    };
    const posted = await errorOf(
      client.chat.postMessage({ channel: 'U0ALICE', text: 'x', blocks: twoClaims }),
    );
    expect(posted).toBeInstanceOf(WebAPIPlatformError);
    expect((posted as WebAPIPlatformError).data).toMatchObject(expected);
    expect(double.messages).toHaveLength(0);

    const res = await client.chat.postMessage({
      channel: 'U0ALICE',
      text: 'Offer',
      blocks: claimBlocks('L5'),
    });
    const post = double.takePost({ to: 'U0ALICE' });
    const updated = await errorOf(
      client.chat.update({ channel: String(res.channel), ts: String(res.ts), blocks: twoClaims }),
    );
    expect((updated as WebAPIPlatformError).data).toMatchObject(expected);
    expect(post.updates).toHaveLength(0);
    const whispered = await errorOf(
      client.chat.postEphemeral({ channel: 'C0LEADS', user: 'U0ALICE', text: 'x', blocks: twoClaims }),
    );
    expect((whispered as WebAPIPlatformError).data).toMatchObject(expected);
    expect(double.ephemerals).toHaveLength(0);
    expect(double.refusals.map((r) => r.method)).toEqual([
      'chat.postMessage',
      'chat.update',
      'chat.postEphemeral',
    ]);
    expect(double.describe()).toContain('chat.update refused: invalid_blocks [ERROR] `action_id` "claim"');
  });

  it('refuses an invalid view with invalid_arguments and a /view pointer, and a home opened as a modal', async () => {
    const view = {
      type: 'modal' as const,
      title: { type: 'plain_text' as const, text: 'Away for the whole afternoon' },
      blocks: [],
    };
    const opened = await errorOf(client.views.open({ trigger_id: double.triggerId(), view }));
    expect((opened as WebAPIPlatformError).data).toMatchObject({
      error: 'invalid_arguments',
      response_metadata: {
        messages: ['[ERROR] must be less than 25 characters [json-pointer:/view/title/text]'],
      },
    });
    const home = await errorOf(
      client.views.publish({
        user_id: 'U0ALICE',
        view: { ...view, title: { type: 'plain_text', text: 'Away' } },
      }),
    );
    expect((home as WebAPIPlatformError).data.response_metadata?.messages).toEqual([
      '[ERROR] must be home for views.publish [json-pointer:/view/type]',
    ]);
    expect(double.views).toHaveLength(0);
  });

  it('answers a response_url carrying bad blocks with a bare HTTP 400, as a webhook does', async () => {
    const url = double.responseUrl({ user: 'U0ALICE' });
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        text: 'x',
        blocks: [{ type: 'header', text: { type: 'mrkdwn', text: '*x*' } }],
      }),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toBe('invalid_blocks');
    expect(double.ephemerals).toHaveLength(0);
    expect(double.refusals).toMatchObject([
      { method: 'response_url', messages: ['[ERROR] must be plain_text [json-pointer:/blocks/0/text/type]'] },
    ]);
  });

  it('reset clears recordings but keeps DM channels', async () => {
    await client.chat.postMessage({ channel: 'U0ALICE', text: 'x' });
    const dm = double.dmChannelFor('U0ALICE');
    double.reset();
    expect(double.messages).toHaveLength(0);
    expect(double.calls).toHaveLength(0);
    double.assertNothingUnexpected();
    expect(double.dmChannelFor('U0ALICE')).toBe(dm);
  });
});

describe('SlackSender', () => {
  let double: SlackDouble;

  beforeEach(async () => {
    double = await SlackDouble.start({ users: { U0ALICE: { name: 'alice' } } });
  });
  afterEach(async () => {
    await double.stop();
  });

  it('signs requests so that Bolt verifySlackRequest accepts them', async () => {
    const received: Array<{ body: string; headers: IncomingMessage['headers'] }> = [];
    const capture = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString('utf8');
      });
      req.on('end', () => {
        received.push({ body, headers: req.headers });
        res.end();
      });
    });
    await new Promise<void>((resolve) => capture.listen(0, '127.0.0.1', resolve));
    try {
      const port = (capture.address() as AddressInfo).port;
      const client = new WebClient(TOKEN, { slackApiUrl: double.apiUrl });
      await client.chat.postMessage({ channel: 'U0ALICE', text: 'Offer', blocks: claimBlocks('L5') });
      const sender = new SlackSender(`http://127.0.0.1:${port}`, SECRET, double);
      await sender.clickButton({ user: 'U0ALICE', message: double.takePost(), actionId: 'claim' });

      const [request] = received;
      if (!request) throw new Error('nothing received');
      const headers = {
        'x-slack-signature': String(request.headers['x-slack-signature']),
        'x-slack-request-timestamp': Number(request.headers['x-slack-request-timestamp']),
      };
      expect(() => verifySlackRequest({ signingSecret: SECRET, body: request.body, headers })).not.toThrow();
      expect(() => verifySlackRequest({ signingSecret: 'other', body: request.body, headers })).toThrow(
        /mismatch/,
      );

      const payload: unknown = JSON.parse(new URLSearchParams(request.body).get('payload') ?? '');
      expect(payload).toMatchObject({
        type: 'block_actions',
        user: { id: 'U0ALICE', username: 'alice' },
        container: { type: 'message', channel_id: double.dmChannelFor('U0ALICE'), is_ephemeral: false },
        actions: [{ action_id: 'claim', block_id: 'offer', value: 'L5', type: 'button' }],
      });
    } finally {
      capture.closeAllConnections();
      await new Promise<void>((resolve) => capture.close(() => resolve()));
    }
  });
});

describe('SlackSender against a real Bolt app', () => {
  let double: SlackDouble;
  let app: App;
  let sender: SlackSender;

  beforeEach(async () => {
    double = await SlackDouble.start({ users: { U0ALICE: { name: 'alice' } } });
    const receiver = new HTTPReceiver({ signingSecret: SECRET, logLevel: LogLevel.ERROR });
    app = new App({
      receiver,
      token: TOKEN,
      botId: double.botId,
      botUserId: double.botUserId,
      logLevel: LogLevel.ERROR,
      clientOptions: { slackApiUrl: double.apiUrl },
    });
    app.command('/lead', async ({ ack, respond, client, command }) => {
      await ack();
      await respond({ text: `Posting ${command.text}` });
      await client.chat.postMessage({
        channel: command.user_id,
        text: 'Offer',
        blocks: claimBlocks(command.text),
      });
    });
    app.action('claim', async ({ ack, body, client, respond }) => {
      await ack();
      if (body.type !== 'block_actions' || !body.channel || !body.message) return;
      await client.chat.update({
        channel: body.channel.id,
        ts: body.message.ts,
        text: 'Claimed',
        blocks: [],
      });
      await respond({ response_type: 'ephemeral', replace_original: false, text: 'Nice, it is yours' });
    });
    app.command('/away', async ({ ack, client, body }) => {
      await ack();
      await client.views.open({
        trigger_id: body.trigger_id,
        view: {
          type: 'modal',
          callback_id: 'away',
          private_metadata: 'from-command',
          title: { type: 'plain_text', text: 'Away' },
          blocks: [],
        },
      });
    });
    app.view('away', async ({ ack, view }) => {
      const until = view.state.values.until?.until_input?.value;
      if (!until)
        await ack({ response_action: 'errors', errors: { until: `missing (${view.private_metadata})` } });
      else await ack();
    });
    app.action('reassign', async ({ ack, action, respond }) => {
      await ack();
      if (action.type === 'users_select') await respond(`Reassigned to ${action.selected_user}`);
    });
    app.event('app_home_opened', async ({ event, client }) => {
      await client.views.publish({ user_id: event.user, view: { type: 'home', blocks: [] } });
    });
    const server = await receiver.start(0);
    sender = new SlackSender(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, SECRET, double);
  });
  afterEach(async () => {
    await app.stop();
    await double.stop();
  });

  it('runs a slash command, a click and the follow-up update', async () => {
    expect((await sender.slashCommand({ user: 'U0ALICE', command: '/lead', text: 'L6' })).status).toBe(200);
    expect((await double.waitForEphemeral({ user: 'U0ALICE' })).text).toBe('Posting L6');
    const offer = await double.waitForPost({ to: 'U0ALICE', textIncludes: 'L6' });

    expect((await sender.clickButton({ user: 'U0ALICE', message: offer, actionId: 'claim' })).status).toBe(
      200,
    );
    await double.waitForUpdate(offer, 'Claimed');
    await double.waitForEphemeral({ user: 'U0ALICE', textIncludes: 'yours' });
    await expect(sender.clickButton({ user: 'U0ALICE', message: offer, actionId: 'claim' })).rejects.toThrow(
      /No button with action_id "claim"/,
    );
    double.assertNothingUnexpected();
  });

  it('rejects bad signatures and stale timestamps', async () => {
    const body = 'command=%2Flead&text=x';
    const form = 'application/x-www-form-urlencoded';
    expect((await sender.post(body, form, { signingSecret: 'wrong' })).status).toBe(401);
    const stale = Math.floor(Date.now() / 1000) - 6 * 60;
    expect((await sender.post(body, form, { timestamp: stale })).status).toBe(401);
    expect(double.calls).toHaveLength(0);
  });

  it('opens a modal from a trigger_id and reads response_action errors on submit', async () => {
    await sender.slashCommand({ user: 'U0ALICE', command: '/away', text: '' });
    await double.waitFor(() => double.views.find((v) => v.method === 'views.open'));
    const res = await sender.submitView({ user: 'U0ALICE', callbackId: 'away', values: {} });
    expect(await res.json()).toEqual({
      response_action: 'errors',
      errors: { until: 'missing (from-command)' },
    });
    const ok = await sender.submitView({
      user: 'U0ALICE',
      callbackId: 'away',
      values: { until: { until_input: { type: 'plain_text_input', value: 'friday' } } },
    });
    expect(ok.status).toBe(200);
  });

  it('selects a user in a users_select and delivers events', async () => {
    const client = new WebClient(TOKEN, { slackApiUrl: double.apiUrl });
    await client.chat.postMessage({
      channel: 'U0ALICE',
      text: 'Reassign?',
      blocks: [{ type: 'actions', elements: [{ type: 'users_select', action_id: 'reassign' }] }],
    });
    const message = double.takePost();
    await expect(sender.clickButton({ user: 'U0ALICE', message, actionId: 'reassign' })).rejects.toThrow(
      /No button/,
    );
    await sender.selectUser({ user: 'U0ALICE', message, actionId: 'reassign', selectedUser: 'U0BOB' });
    await double.waitForEphemeral({ textIncludes: 'Reassigned to U0BOB' });

    await sender.sendEvent({ type: 'app_home_opened', user: 'U0ALICE', channel: 'D0', tab: 'home' });
    await double.waitFor(() =>
      double.views.find((v) => v.method === 'views.publish' && v.userId === 'U0ALICE'),
    );
    double.assertNothingUnexpected();
  });
});

describe.each(TRANSPORTS)('files.uploadV2 against the double over %s', (_name, transport) => {
  let double: SlackDouble;
  let client: WebClient;
  beforeEach(async () => {
    double = await SlackDouble.start({ channels: ['C0LEADERS1'] });
    client = new WebClient(TOKEN, {
      slackApiUrl: double.apiUrl,
      retryConfig: { retries: 0 },
      fetch: transport,
    });
  });
  afterEach(async () => {
    await double.stop();
  });

  it('takes the three steps the client makes and shares the bytes in the thread', async () => {
    const { ts = '' } = await client.chat.postMessage({ channel: 'C0LEADERS1', text: 'digest' });
    const bytes = Buffer.from('not really a png, but bytes');
    const answer = await client.filesUploadV2({
      channel_id: 'C0LEADERS1',
      thread_ts: ts,
      file: bytes,
      filename: 'chart.png',
      title: 'Chart',
    });
    const id = answer.files.flatMap((c) => c.files ?? [])[0]?.id;
    expect(id).toMatch(/^F/);
    const [file] = double.sharedFiles('C0LEADERS1', ts);
    expect(file?.id).toBe(id);
    expect(file?.bytes?.equals(bytes)).toBe(true);
    expect(file?.shared?.title).toBe('Chart');
    expect(double.calls.map((c) => c.method)).toEqual([
      'chat.postMessage',
      'files.getUploadURLExternal',
      'upload',
      'files.completeUploadExternal',
    ]);
  });

  it('refuses as Slack does: no scope, no length, nothing uploaded, a thread that is not there, a reused file', async () => {
    const limited = await SlackDouble.start({ channels: ['C0LEADERS1'], scopes: ['chat:write'] });
    const noScope = new WebClient(TOKEN, {
      slackApiUrl: limited.apiUrl,
      retryConfig: { retries: 0 },
      fetch: transport,
    });
    expect(await errorOf(noScope.files.getUploadURLExternal({ filename: 'a.png', length: 3 }))).toMatchObject(
      {
        data: { error: 'missing_scope' },
      },
    );
    await limited.stop();
    expect(await errorOf(client.files.getUploadURLExternal({ filename: 'a.png', length: 0 }))).toMatchObject({
      data: { error: 'invalid_arguments' },
    });
    const { file_id: fileId } = await client.files.getUploadURLExternal({ filename: 'a.png', length: 3 });
    const files = [{ id: fileId ?? '' }];
    expect(
      await errorOf(client.files.completeUploadExternal({ files: files as [{ id: string }] })),
    ).toMatchObject({
      data: { error: 'file_not_found' },
    });
    const wrongSize = await fetch(`${double.baseUrl}/upload/${fileId}`, { method: 'POST', body: 'four' });
    expect(wrongSize.status).toBe(400);
    expect((await fetch(`${double.baseUrl}/upload/F999`, { method: 'POST', body: 'abc' })).status).toBe(404);
    expect((await fetch(`${double.baseUrl}/upload/${fileId}`, { method: 'POST', body: 'abc' })).status).toBe(
      200,
    );
    expect(
      await errorOf(
        client.files.completeUploadExternal({
          files: files as [{ id: string }],
          channel_id: 'C0LEADERS1',
          thread_ts: '1.000001',
        }),
      ),
    ).toMatchObject({ data: { error: 'thread_not_found' } });
    await client.files.completeUploadExternal({ files: files as [{ id: string }], channel_id: 'C0LEADERS1' });
    expect(
      await errorOf(client.files.completeUploadExternal({ files: files as [{ id: string }] })),
    ).toMatchObject({
      data: { error: 'file_not_found' },
    });
  });
});
