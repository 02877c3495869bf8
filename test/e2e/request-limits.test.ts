import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { useHarness, zillowLead } from '../support/harness.js';
import { signSlackBody } from '../support/signing.js';

interface Answer {
  status: number | undefined;
  retryAfter: string | undefined;
}

/**
 * A raw request: the headers and `body` are sent, then the connection stays open (the rest of a
 * declared body never comes) until the server answers or `holdMs` passes. `open` resolves once the
 * request is sent, for a test that must wait until it is being read.
 */
function rawRequest(
  port: number,
  path: string,
  headers: Record<string, string>,
  body = '',
  host = '127.0.0.1',
): { answer: Promise<Answer>; close(): void } {
  const socket = connect(port, host);
  const answer = new Promise<Answer>((resolve) => {
    let text = '';
    const done = () => {
      socket.destroy();
      resolve({
        status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]) || undefined,
        retryAfter: /\r\nretry-after: *(\S+)/i.exec(text)?.[1],
      });
    };
    socket.on('error', () => undefined);
    socket.on('data', (data: Buffer) => {
      text += data.toString('latin1');
      if (text.includes('\r\n\r\n')) done();
    });
    socket.on('close', done);
    socket.on('connect', () => {
      const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`);
      socket.write(`POST ${path} HTTP/1.1\r\nhost: ${host}\r\n${lines.join('')}\r\n${body}`);
    });
  });
  return { answer, close: () => socket.destroy() };
}

const MB = 1024 * 1024;

describe('the Slack endpoint refuses early and holds little', () => {
  const h = useHarness({
    slackBodyLimits: { concurrent: 2, timeoutMs: 60_000, retryAfterSeconds: 1 },
    bodyLimits: { concurrent: 1, timeoutMs: 60_000, retryAfterSeconds: 5 },
  });

  it('no signature headers, or a timestamp outside 5 minutes: 401 before the body arrives', async () => {
    const declared = { 'content-type': 'application/json', 'content-length': String(MB / 2) };
    const unsigned = rawRequest(h.server.port, '/slack/events', declared);
    // The 500 kB body is never sent: the answer can only come from the headers.
    expect(await unsigned.answer).toEqual({ status: 401, retryAfter: undefined });

    const body = 'payload=%7B%7D';
    const now = Math.floor(Date.now() / 1000);
    for (const ts of [now - 6 * 60, now + 6 * 60]) {
      const signed = signSlackBody('8f742231b10e8888abcd99aaaaaa85a5', body, ts);
      const stale = rawRequest(h.server.port, '/slack/events', { ...declared, ...signed });
      expect(await stale.answer).toEqual({ status: 401, retryAfter: undefined });
    }
  });

  it('a body over 1 MB is refused 413, declared or sent chunked', async () => {
    const signed = signSlackBody('8f742231b10e8888abcd99aaaaaa85a5', 'x');
    const declared = rawRequest(h.server.port, '/slack/events', {
      ...signed,
      'content-type': 'application/json',
      'content-length': String(2 * MB),
    });
    expect((await declared.answer).status).toBe(413);
    const chunk = 'a'.repeat(256 * 1024);
    const chunks = Array.from({ length: 5 }, () => `${chunk.length.toString(16)}\r\n${chunk}\r\n`).join('');
    const chunked = rawRequest(
      h.server.port,
      '/slack/events',
      { ...signed, 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      chunks,
    );
    expect((await chunked.answer).status).toBe(413);
  });

  it('beyond 2 bodies being read (the test cap), 503 with Retry-After; a click goes through once one ends', async () => {
    const forged = signSlackBody('0'.repeat(32), 'x');
    const slow = { ...forged, 'content-type': 'application/json', 'content-length': '1000' };
    const first = rawRequest(h.server.port, '/slack/events', slow, 'a');
    const second = rawRequest(h.server.port, '/slack/events', slow, 'a');
    // Both are being read once a third is turned away.
    let third: Answer | undefined;
    for (let i = 0; i < 50 && third?.status !== 503; i++) {
      third = await rawRequest(h.server.port, '/slack/events', slow, 'a').answer;
    }
    expect(third).toEqual({ status: 503, retryAfter: '1' });
    first.close();
    second.close();
    await Promise.all([first.answer, second.answer]);

    await h.postLead(zillowLead());
    const dm = await h.double.waitForPost({});
    const user = dm.user ?? '';
    let click: Response | undefined;
    // The server sees the two closes a moment after this test does.
    for (let i = 0; i < 50 && click?.status !== 200; i++)
      click = await h.slack.clickButton({ user, message: dm, actionId: 'offer_claim' });
    expect(click?.status).toBe(200);
    await h.double.waitForUpdate(dm, 'Claimed by you');
  });

  it('intake reads one body at a time here: a second lead meanwhile is 503 with Retry-After', async () => {
    const headers = {
      authorization: 'Bearer intake-test-token-0123456789',
      'content-type': 'application/json',
      'content-length': '100',
    };
    const slow = rawRequest(h.server.port, '/leads', headers, '{');
    let second: Response | undefined;
    for (let i = 0; i < 50 && second?.status !== 503; i++) second = await h.postLead(zillowLead());
    expect(second?.status).toBe(503);
    expect(second?.headers.get('retry-after')).toBe('5');
    slow.close();
    await h.settle();
    h.double.markAllSeen();
  });
});

describe('a slow upload is cut off', () => {
  const h = useHarness({
    slackBodyLimits: { concurrent: 16, timeoutMs: 300, retryAfterSeconds: 1 },
    bodyLimits: { concurrent: 16, timeoutMs: 300, retryAfterSeconds: 5 },
  });

  it('a body that does not arrive within the read timeout: 408, on Slack and on intake', async () => {
    const signed = signSlackBody('8f742231b10e8888abcd99aaaaaa85a5', 'x');
    const slack = rawRequest(h.server.port, '/slack/events', {
      ...signed,
      'content-type': 'application/json',
      'content-length': '100',
    });
    expect((await slack.answer).status).toBe(408);
    const lead = rawRequest(h.server.port, '/leads', {
      authorization: 'Bearer intake-test-token-0123456789',
      'content-type': 'application/json',
      'content-length': '100',
    });
    expect((await lead.answer).status).toBe(408);
  });
});

describe('HOST', () => {
  const h = useHarness({ hostFromEnv: true, env: () => ({ HOST: '127.0.0.2' }) });

  it('binds the address it names, and only that one', async () => {
    const there = await fetch(`http://127.0.0.2:${h.server.port}/healthz`);
    expect(there.status).toBe(200);
    await expect(fetch(`http://127.0.0.1:${h.server.port}/healthz`)).rejects.toThrow();
  });
});
