import { Agent, request } from 'undici';

/**
 * The `fetch` our Slack clients call the Web API with: undici's `request` over one keep-alive
 * pool, not the global fetch (Node's bundled undici, built on WHATWG streams). Why, measured with
 * bench/dispatch-latency.ts, bench/slack-transport.ts and --trace-gc: each global fetch left stream
 * and signal objects that outlived a young-generation collection, so V8's scavenges on the app's
 * one thread took 5–12 ms (one every half second at 50 leads/s), run as V8 tasks between our
 * callbacks; a DM whose request was about to leave waited them out, and they were the tail of
 * "lead accepted → DM posted". Over `request` a call costs about a third less CPU, and fewer,
 * shorter scavenges follow.
 *
 * It does what @slack/web-api asks of a fetch: a POST with a string body, headers, a signal (the
 * client's timeout, which covers reading the body too), answered with a Response whose status,
 * headers and body it reads (its `url` is empty: web-api reads it only for admin.analytics.getFile).
 * web-api asks for redirect: 'error', and none is followed: a 3xx is a failed call either way. No
 * Accept-Encoding is sent, so a compressed answer is refused rather than misread. Anything else (a
 * FormData upload, a Request object, a call that would follow redirects, such as Bolt's respond()
 * to a response_url) goes to the global fetch unchanged.
 */
export const webApiFetch: typeof fetch = async (input, init) => {
  const body = init?.body;
  const ours =
    (typeof input === 'string' || input instanceof URL) &&
    (body == null || typeof body === 'string') &&
    init?.redirect === 'error';
  if (!ours) return fetch(input, init);
  const response = await request(input, {
    method: methodOf(init.method),
    headers: Object.fromEntries(new Headers(init.headers)),
    body: body ?? null,
    signal: init.signal ?? undefined,
    dispatcher: pool,
  });
  const encoding = response.headers['content-encoding'];
  if (encoding !== undefined && encoding !== 'identity') {
    await response.body.dump();
    throw new TypeError(
      `the answer came compressed (content-encoding: ${encoding}), which was not asked for`,
    );
  }
  const bytes = await response.body.arrayBuffer();
  return new Response(NULL_BODY_STATUSES.has(response.statusCode) ? null : bytes, {
    status: response.statusCode,
    statusText: response.statusText,
    headers: headersOf(response.headers),
  });
};

/**
 * One pool for every Slack call of the process, with undici's defaults (an idle connection is
 * kept 4 s, or as long as the server's Keep-Alive says). It is never closed: idle sockets do not
 * keep the process alive, and apps started side by side in one process (the tests) share it.
 */
const pool = new Agent();

/** Statuses undici hands over that a Response may not have a body with (the constructor throws). */
const NULL_BODY_STATUSES = new Set([204, 205, 304]);

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const;
type Method = (typeof METHODS)[number];

function methodOf(method: string | undefined): Method {
  const upper = (method ?? 'GET').toUpperCase();
  const known = METHODS.find((m) => m === upper);
  if (!known) throw new TypeError(`unsupported method ${method}`);
  return known;
}

function headersOf(raw: Record<string, string | string[] | undefined>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  return headers;
}
