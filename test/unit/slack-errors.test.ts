import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Logger, LogLevel, WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeSlackError } from '../../src/slack/errors.js';

/** Answers each path the way Slack can fail, so the real client raises its real error classes. */
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const method = req.url?.split('/').pop();
    if (method === 'slow.method') {
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'), 300);
    } else if (method === 'down.method') {
      res.writeHead(503).end('upstream unavailable');
    } else if (method === 'troubled.method') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":false,"error":"internal_error"}');
    } else if (method === 'limited.method') {
      res.writeHead(429, { 'retry-after': '7', 'content-type': 'application/json' }).end('{"ok":false}');
    } else {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":false,"error":"invalid_blocks"}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const quiet: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  setLevel() {},
  getLevel: () => LogLevel.ERROR,
  setName() {},
};

async function failureOf(method: string, url = base): Promise<unknown> {
  const client = new WebClient('xoxb-test', {
    slackApiUrl: url,
    timeout: 100,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logger: quiet,
  });
  return client.apiCall(method).then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
}

describe('describeSlackError: did Slack act on the call?', () => {
  it('a timeout leaves the outcome unknown: the post may be in Slack', async () => {
    expect(describeSlackError(await failureOf('slow.method'))).toMatchObject({
      failure: 'transient',
      outcomeUnknown: true,
    });
  });

  it('a 5xx leaves the outcome unknown as well', async () => {
    expect(describeSlackError(await failureOf('down.method'))).toMatchObject({
      failure: 'transient',
      outcomeUnknown: true,
    });
  });

  it('a refused connection is reported as unknown too (the lookup then finds nothing and posts)', async () => {
    expect(describeSlackError(await failureOf('x', 'http://127.0.0.1:9/api/'))).toMatchObject({
      outcomeUnknown: true,
    });
  });

  it('Slack answering ok:false means nothing was posted, with its code', async () => {
    expect(describeSlackError(await failureOf('chat.postMessage'))).toEqual({
      code: 'invalid_blocks',
      failure: 'content',
      outcomeUnknown: false,
      retryAfter: undefined,
    });
  });

  it("Slack's own internal_error may have half-done the post (as its docs say): outcome unknown", async () => {
    expect(describeSlackError(await failureOf('troubled.method'))).toMatchObject({
      code: 'internal_error',
      failure: 'transient',
      outcomeUnknown: true,
    });
  });

  it('a 429 means nothing was posted, and says how long to wait', async () => {
    expect(describeSlackError(await failureOf('limited.method'))).toMatchObject({
      failure: 'transient',
      outcomeUnknown: false,
      retryAfter: 7,
    });
  });
});
