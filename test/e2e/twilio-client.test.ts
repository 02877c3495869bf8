import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PermanentFailure, RetryLater } from '../../src/engine/outbox/outbox.js';
import {
  createTwilioClient,
  SmsRefused,
  TwilioAccountRefused,
  type TwilioClient,
} from '../../src/integrations/twilio/client.js';
import { verifyTwilioSignature } from '../../src/integrations/twilio/signature.js';
import {
  TWILIO_ACCOUNT_SID,
  TWILIO_AUTH_TOKEN,
  TWILIO_NUMBER,
  TWILIO_SERVICE_SID,
  TwilioDouble,
} from '../support/twilio-double.js';

const LEAD = '+15551234567';
const BODY = 'Hi Jane, this is Dana with the Reyes Team. I will call you within 5 minutes.';

/** Our side of Twilio's webhooks: records each POST with what our own signature check made of it. */
interface Hook {
  path: string;
  params: Record<string, string>;
  signature: string | undefined;
  signatureValid: boolean;
}

let twilio: TwilioDouble;
let client: TwilioClient;
let app: Server;
let appUrl: string;
const hooks: Hook[] = [];

beforeAll(async () => {
  twilio = await TwilioDouble.start({
    numbers: [TWILIO_NUMBER, '+15005550007'],
    voiceOnlyNumbers: ['+15005550009'],
  });
  client = createTwilioClient({
    accountSid: TWILIO_ACCOUNT_SID,
    authToken: TWILIO_AUTH_TOKEN,
    baseUrl: twilio.url,
  });
  app = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
      const header = req.headers['x-twilio-signature'];
      hooks.push({
        path: req.url ?? '',
        params,
        signature: typeof header === 'string' ? header : undefined,
        signatureValid: verifyTwilioSignature(
          TWILIO_AUTH_TOKEN,
          `${appUrl}${req.url ?? ''}`,
          params,
          typeof header === 'string' ? header : undefined,
        ),
      });
      res.writeHead(200, { 'content-type': 'text/xml' }).end('<Response></Response>');
    });
  });
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await twilio.close();
  app.closeAllConnections();
  await new Promise<void>((resolve) => app.close(() => resolve()));
});

afterEach(() => {
  hooks.length = 0;
  twilio.delayMs = 0;
});

async function refusal(send: Promise<unknown>): Promise<Error> {
  const error = await send.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof Error)) throw new Error('expected the send to fail');
  return error;
}

describe('sending a text through Twilio', () => {
  it('sends from our number and Twilio has it queued, with its status callback', async () => {
    const sent = await client.sendSms({
      to: LEAD,
      from: TWILIO_NUMBER,
      body: BODY,
      statusCallback: `${appUrl}/twilio/status?reply=1`,
    });
    expect(sent.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(sent.status).toBe('queued');
    expect(twilio.message(sent.sid)).toMatchObject({
      to: LEAD,
      from: TWILIO_NUMBER,
      body: BODY,
      status: 'queued',
      statusCallback: `${appUrl}/twilio/status?reply=1`,
    });
  });

  it('goes to TWILIO_API_URL when no base URL is given, as SLACK_API_URL does for Slack', async () => {
    const saved = process.env.TWILIO_API_URL;
    process.env.TWILIO_API_URL = `${twilio.url}/`;
    try {
      const fromEnv = createTwilioClient({ accountSid: TWILIO_ACCOUNT_SID, authToken: TWILIO_AUTH_TOKEN });
      const sent = await fromEnv.sendSms({ to: LEAD, from: TWILIO_NUMBER, body: BODY });
      expect(twilio.message(sent.sid).to).toBe(LEAD);
    } finally {
      if (saved === undefined) delete process.env.TWILIO_API_URL;
      else process.env.TWILIO_API_URL = saved;
    }
  });

  it('sends through a messaging service: accepted, and the sender is picked later', async () => {
    const sent = await client.sendSms({ to: LEAD, messagingServiceSid: TWILIO_SERVICE_SID, body: BODY });
    expect(sent.status).toBe('accepted');
    expect(twilio.message(sent.sid).from).toBeNull();
    await twilio.advance(sent.sid, 'sent');
    expect(twilio.message(sent.sid).from).toBe(TWILIO_NUMBER);
  });

  it.each([
    ['an invalid number', { to: '555-1234' }, 21211, 'undeliverable-number'],
    ['a From that is not ours', { from: '+15557654321' }, 21659, 'bad-sender'],
    ['a From that cannot text', { from: '+15005550009' }, 21606, 'bad-sender'],
    [
      'an unknown messaging service',
      { from: undefined, messagingServiceSid: `MG${'0'.repeat(32)}` },
      21705,
      'other',
    ],
    ['a body over 1600 characters', { body: 'x'.repeat(1601) }, 21617, 'too-long'],
  ])(
    'refuses %s for good, saying why without the body or the number',
    async (_what, change, code, problem) => {
      const before = twilio.messages.length;
      const error = await refusal(client.sendSms({ to: LEAD, from: TWILIO_NUMBER, body: BODY, ...change }));
      expect(error).toBeInstanceOf(SmsRefused);
      expect(error).toBeInstanceOf(PermanentFailure);
      expect(error).toMatchObject({ code, problem, status: 400 });
      expect(error.message).toContain(String(code));
      expect(error.message).not.toContain('Jane');
      expect(error.message).not.toMatch(/555-?1234|5551234567|7654321/);
      expect(twilio.messages.length).toBe(before);
    },
  );

  it('accepts a body of exactly 1600 characters', async () => {
    await expect(
      client.sendSms({ to: LEAD, from: TWILIO_NUMBER, body: 'é'.repeat(1600) }),
    ).resolves.toMatchObject({
      status: 'queued',
    });
  });

  it('treats a number Twilio says cannot take texts as undeliverable', async () => {
    twilio.failNext(1, 400, 21612);
    const error = await refusal(client.sendSms({ to: LEAD, from: TWILIO_NUMBER, body: BODY }));
    expect(error).toMatchObject({ code: 21612, problem: 'undeliverable-number' });
    expect(error.message).toContain('…67');
  });

  it('keeps the text waiting when our credentials are wrong: the operator must fix the env, not the lead', async () => {
    const wrong = createTwilioClient({
      accountSid: TWILIO_ACCOUNT_SID,
      authToken: 'stale',
      baseUrl: twilio.url,
    });
    const error = await refusal(wrong.sendSms({ to: LEAD, from: TWILIO_NUMBER, body: BODY }));
    expect(error).toBeInstanceOf(TwilioAccountRefused);
    expect(error).not.toBeInstanceOf(PermanentFailure);
    expect(error).toMatchObject({ status: 401, code: 20003 });
    expect(error.message).toContain('TWILIO_AUTH_TOKEN');
    expect(error.message).not.toContain('stale');
  });

  it('comes back when Twilio says so on 429 and 503 with Retry-After', async () => {
    twilio.failNext(1, 429, 20429, '30');
    const throttled = await refusal(client.sendSms({ to: LEAD, from: TWILIO_NUMBER, body: BODY }));
    expect(throttled).toBeInstanceOf(RetryLater);
    expect(throttled).toMatchObject({ retryAfterSeconds: 30 });
    twilio.failNext(1, 503, 20503, '5');
    expect(await refusal(client.sendSms({ to: LEAD, from: TWILIO_NUMBER, body: BODY }))).toMatchObject({
      retryAfterSeconds: 5,
    });
    twilio.failNext(1, 429);
    const bare = await refusal(client.sendSms({ to: LEAD, from: TWILIO_NUMBER, body: BODY }));
    expect(bare).toBeInstanceOf(RetryLater);
    expect((bare as RetryLater).retryAfterSeconds).toBeNaN();
  });

  it('retries a 500, a timeout and an unreachable Twilio with backoff, never parking the text', async () => {
    twilio.failNext(1, 500);
    const broken = await refusal(client.sendSms({ to: LEAD, from: TWILIO_NUMBER, body: BODY }));
    expect(broken).not.toBeInstanceOf(PermanentFailure);
    expect(broken).not.toBeInstanceOf(RetryLater);
    expect(broken.message).toContain('500');

    twilio.delayMs = 300;
    const impatient = createTwilioClient({
      accountSid: TWILIO_ACCOUNT_SID,
      authToken: TWILIO_AUTH_TOKEN,
      baseUrl: twilio.url,
      timeoutMs: 50,
    });
    const slow = await refusal(impatient.sendSms({ to: LEAD, from: TWILIO_NUMBER, body: BODY }));
    expect(slow.message).toMatch(/did not answer .* within 0.05 s/);
    expect(slow).not.toBeInstanceOf(PermanentFailure);

    const down = createTwilioClient({
      accountSid: TWILIO_ACCOUNT_SID,
      authToken: TWILIO_AUTH_TOKEN,
      baseUrl: 'http://127.0.0.1:9',
    });
    const unreachable = await refusal(down.sendSms({ to: LEAD, from: TWILIO_NUMBER, body: BODY }));
    expect(unreachable.message).toMatch(/could not be reached/);
    expect(unreachable).not.toBeInstanceOf(PermanentFailure);
  });
});

describe('checking the account for /healthz', () => {
  it('passes with good credentials and fails, retryably, with bad ones or no Twilio', async () => {
    await expect(client.checkAccount()).resolves.toBeUndefined();
    const wrong = createTwilioClient({
      accountSid: TWILIO_ACCOUNT_SID,
      authToken: 'stale',
      baseUrl: twilio.url,
    });
    await expect(wrong.checkAccount()).rejects.toBeInstanceOf(TwilioAccountRefused);
    const otherSid = createTwilioClient({
      accountSid: `AC${'1'.repeat(32)}`,
      authToken: 'x',
      baseUrl: twilio.url,
    });
    await expect(otherSid.checkAccount()).rejects.toMatchObject({ status: 401 });
    const down = createTwilioClient({
      accountSid: TWILIO_ACCOUNT_SID,
      authToken: 'x',
      baseUrl: 'http://127.0.0.1:9',
    });
    await expect(down.checkAccount()).rejects.toThrow(/could not be reached/);
  });
});

describe('delivery status from Twilio', () => {
  it('posts each status to the callback URL, signed so that our check accepts it', async () => {
    const sent = await client.sendSms({
      to: LEAD,
      from: TWILIO_NUMBER,
      body: BODY,
      statusCallback: `${appUrl}/twilio/status?reply=42`,
    });
    expect(await twilio.advance(sent.sid, 'sent')).toMatchObject({ status: 200 });
    await twilio.advance(sent.sid, 'undelivered', 30003);
    expect(hooks.map((h) => [h.path, h.signatureValid, h.params.MessageStatus, h.params.ErrorCode])).toEqual([
      ['/twilio/status?reply=42', true, 'sent', undefined],
      ['/twilio/status?reply=42', true, 'undelivered', '30003'],
    ]);
    expect(hooks[1]?.params).toMatchObject({
      MessageSid: sent.sid,
      SmsSid: sent.sid,
      SmsStatus: 'undelivered',
      AccountSid: TWILIO_ACCOUNT_SID,
      From: TWILIO_NUMBER,
      To: LEAD,
      ApiVersion: '2010-04-01',
    });
    expect(hooks[1]?.params).not.toHaveProperty('Body');
    expect(twilio.message(sent.sid)).toMatchObject({ status: 'undelivered', errorCode: 30003 });
  });

  it('signs with the auth token over the exact URL: another token or URL does not verify', async () => {
    const sent = await client.sendSms({
      to: LEAD,
      from: TWILIO_NUMBER,
      body: BODY,
      statusCallback: `${appUrl}/s`,
    });
    await twilio.advance(sent.sid, 'delivered');
    const hook = hooks[0];
    if (!hook) throw new Error('no status callback arrived');
    expect(hook.signatureValid).toBe(true);
    const { signature, params } = hook;
    expect(verifyTwilioSignature('another-token', `${appUrl}/s`, params, signature)).toBe(false);
    expect(verifyTwilioSignature(TWILIO_AUTH_TOKEN, `${appUrl}/s?x=1`, params, signature)).toBe(false);
    expect(
      verifyTwilioSignature(
        TWILIO_AUTH_TOKEN,
        `${appUrl}/s`,
        { ...params, MessageStatus: 'failed' },
        signature,
      ),
    ).toBe(false);
  });
});

describe("a contact who texts STOP, as Twilio's default opt-out handles it", () => {
  it('posts the inbound text signed with OptOutType, then refuses texts to that contact (21610) until START', async () => {
    const lead = '+15559870011';
    const answer = await twilio.inbound(
      { from: lead, to: TWILIO_NUMBER, body: ' stop ' },
      `${appUrl}/twilio/inbound`,
    );
    expect(answer).toMatchObject({ status: 200, contentType: 'text/xml' });
    expect(hooks[0]).toMatchObject({
      path: '/twilio/inbound',
      signatureValid: true,
      params: { From: lead, To: TWILIO_NUMBER, Body: ' stop ', OptOutType: 'STOP', NumMedia: '0' },
    });
    expect(hooks[0]?.params.MessageSid).toMatch(/^SM/);

    const optedOut = await refusal(client.sendSms({ to: lead, from: TWILIO_NUMBER, body: BODY }));
    expect(optedOut).toBeInstanceOf(SmsRefused);
    expect(optedOut).toMatchObject({ code: 21610, problem: 'opted-out' });
    expect(optedOut.message).not.toContain('5559870011');

    // The opt-out covers the messaging service the number belongs to.
    await expect(
      client.sendSms({ to: lead, messagingServiceSid: TWILIO_SERVICE_SID, body: BODY }),
    ).rejects.toMatchObject({ code: 21610 });

    await twilio.inbound({ from: lead, to: TWILIO_NUMBER, body: 'START' }, `${appUrl}/twilio/inbound`);
    expect(hooks[1]?.params.OptOutType).toBe('START');
    await expect(client.sendSms({ to: lead, from: TWILIO_NUMBER, body: BODY })).resolves.toMatchObject({
      status: 'queued',
    });
  });

  it('treats only a whole-body keyword as one: a sentence with "stop" in it is a plain text', async () => {
    const lead = '+15559870022';
    await twilio.inbound({ from: lead, to: TWILIO_NUMBER, body: 'Please stop by at 5' }, `${appUrl}/in`);
    await twilio.inbound({ from: lead, to: TWILIO_NUMBER, body: 'HELP' }, `${appUrl}/in`);
    expect(hooks.map((h) => h.params.OptOutType)).toEqual([undefined, 'HELP']);
    expect(twilio.isOptedOut(lead, TWILIO_NUMBER)).toBe(false);
  });
});
