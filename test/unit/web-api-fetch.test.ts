/**
 * The transport the app's Slack clients use (src/slack/web-api-fetch.ts), against a real local
 * HTTP server: what @slack/web-api needs of a fetch, and what a slow or vanished Slack looks like
 * through it. test/support-selftest/slack-double.test.ts runs the double's refusals (429, 5xx,
 * platform errors) and file uploads through a client on it and one on the global fetch alike (the
 * upload's FormData step itself goes to the global fetch).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { WebClient } from '@slack/web-api';
import { afterEach, describe, expect, it } from 'vitest';
import { describeSlackError } from '../../src/slack/errors.js';
import { webApiFetch } from '../../src/slack/web-api-fetch.js';
import { SlackDouble } from '../support/slack-double.js';

interface Seen {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server | undefined;
let double: SlackDouble | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
  await double?.stop();
  double = undefined;
});

/** A server that records each request and answers with `answer`; resolves with its base URL. */
async function serve(
  answer: (req: IncomingMessage, res: ServerResponse) => void,
  seen: Seen[] = [],
  connections: { count: number } = { count: 0 },
): Promise<string> {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      seen.push({
        method: req.method,
        url: req.url,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      answer(req, res);
    });
  });
  server.on('connection', () => {
    connections.count += 1;
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

/** A chat.postMessage as web-api makes it, with `signal`. */
function postWith(base: string, signal: AbortSignal): Promise<Response> {
  return webApiFetch(`${base}/api/chat.postMessage`, {
    method: 'POST',
    body: 'channel=C1',
    redirect: 'error',
    signal,
  });
}

/** What the promise was rejected with; undefined when it was not. */
function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('webApiFetch', () => {
  it('sends the method, headers and body it is given and answers with status, headers and body', async () => {
    const seen: Seen[] = [];
    const base = await serve((_req, res) => {
      res.setHeader('content-type', 'application/json; charset=utf-8');
      res.setHeader('set-cookie', ['a=1', 'b=2']);
      res.setHeader('x-slack-req-id', 'req-1');
      res.writeHead(200, 'Fine').end('{"ok":true,"ts":"1.2"}');
    }, seen);
    const response = await webApiFetch(`${base}/api/chat.postMessage`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: 'Bearer xoxb-1' },
      body: 'channel=C1&text=caf%C3%A9',
      redirect: 'error',
    });
    expect(seen).toEqual([
      expect.objectContaining({
        method: 'POST',
        url: '/api/chat.postMessage',
        body: 'channel=C1&text=caf%C3%A9',
        headers: expect.objectContaining({
          'content-type': 'application/x-www-form-urlencoded',
          authorization: 'Bearer xoxb-1',
        }),
      }),
    ]);
    expect(response.status).toBe(200);
    expect(response.statusText).toBe('Fine');
    expect(response.headers.get('x-slack-req-id')).toBe('req-1');
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(await response.json()).toEqual({ ok: true, ts: '1.2' });
  });

  it('reuses its connections instead of opening one per call', async () => {
    const connections = { count: 0 };
    const base = await serve((_req, res) => res.end('{"ok":true}'), [], connections);
    for (let i = 0; i < 10; i++) {
      const response = await webApiFetch(`${base}/api/auth.test`, {
        method: 'POST',
        body: '',
        redirect: 'error',
      });
      expect(await response.json()).toEqual({ ok: true });
    }
    // The second call may find the first connection not yet handed back and open another.
    expect(connections.count).toBeLessThanOrEqual(2);
  });

  it('answers a status that has no body with an empty one, and a 3xx as it came', async () => {
    const base = await serve((req, res) => {
      if (req.url === '/moved') res.writeHead(302, { location: '/elsewhere' }).end('see elsewhere');
      else res.writeHead(204).end();
    });
    const empty = await webApiFetch(`${base}/nothing`, { method: 'POST', body: 'x=1', redirect: 'error' });
    expect(empty.status).toBe(204);
    expect(await empty.text()).toBe('');
    const moved = await webApiFetch(`${base}/moved`, { method: 'POST', body: 'x=1', redirect: 'error' });
    expect(moved.status).toBe(302);
    expect(moved.headers.get('location')).toBe('/elsewhere');
  });

  it('leaves a call that follows redirects (Bolt’s respond() to a response_url) to the global fetch', async () => {
    const seen: Seen[] = [];
    const base = await serve((req, res) => {
      if (req.url === '/moved') res.writeHead(307, { location: '/there' }).end();
      else res.end('{"ok":true}');
    }, seen);
    const followed = await webApiFetch(`${base}/moved`, { method: 'POST', body: '{"text":"hi"}' });
    expect(followed.status).toBe(200);
    expect(seen.map((s) => [s.url, s.body])).toEqual([
      ['/moved', '{"text":"hi"}'],
      ['/there', '{"text":"hi"}'],
    ]);
  });

  it('refuses an answer that came compressed, which it did not ask for', async () => {
    const seen: Seen[] = [];
    const base = await serve((_req, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'application/json' });
      res.end(gzipSync('{"ok":true}'));
    }, seen);
    const failure = await webApiFetch(`${base}/api/auth.test`, {
      method: 'POST',
      body: '',
      redirect: 'error',
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(seen).toHaveLength(1);
    expect(String(failure)).toContain('content-encoding: gzip');
  });

  it('gives up when its signal aborts, with the signal’s reason, while the server still has not answered', async () => {
    const seen: Seen[] = [];
    const controller = new AbortController();
    const base = await serve(() => controller.abort(new DOMException('too slow', 'TimeoutError')), seen);
    const failure = await failureOf(postWith(base, controller.signal));
    expect(seen).toHaveLength(1);
    expect(failure).toMatchObject({ name: 'TimeoutError' });
  });

  it('gives up in the middle of the body when its signal aborts there', async () => {
    const controller = new AbortController();
    const base = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"ok":tr');
      controller.abort(new DOMException('too slow', 'TimeoutError'));
    });
    const failure = await failureOf(postWith(base, controller.signal));
    expect(failure).toMatchObject({ name: 'TimeoutError' });
  });

  it('rejects when nobody listens, and the Slack client reads that as an outcome it cannot know', async () => {
    const base = await serve((_req, res) => res.end('{"ok":true}'));
    server?.close();
    await new Promise((resolve) => setImmediate(resolve));
    const client = new WebClient('xoxb-1', {
      slackApiUrl: `${base}/api/`,
      retryConfig: { retries: 0 },
      fetch: webApiFetch,
    });
    const failure = await client.chat.postMessage({ channel: 'C1', text: 'hi' }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(describeSlackError(failure)).toMatchObject({ outcomeUnknown: true, code: undefined });
  });

  it('times out through the Slack client when Slack holds the answer, and the post it made is still there', async () => {
    double = await SlackDouble.start({ channels: ['C0LEADS'] });
    double.answerSlowly('chat.postMessage', 600);
    const client = new WebClient('xoxb-1', {
      slackApiUrl: double.apiUrl,
      retryConfig: { retries: 0 },
      timeout: 100,
      fetch: webApiFetch,
    });
    const failure = await client.chat.postMessage({ channel: 'C0LEADS', text: 'hi' }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(describeSlackError(failure)).toMatchObject({ outcomeUnknown: true });
    expect(double.takePost({ to: 'C0LEADS', textIncludes: 'hi' })).toBeDefined();
    const next = await client.chat.postMessage({ channel: 'C0LEADS', text: 'next' });
    expect(next.ok).toBe(true);
    expect(double.takePost({ to: 'C0LEADS', textIncludes: 'next' })).toBeDefined();
  });
});
