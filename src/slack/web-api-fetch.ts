import { Agent, request } from 'undici';

/**
 * The `fetch` our Slack Web API clients call with: undici's `request` over one keep-alive pool,
 * not the global fetch (undici too, but built on WHATWG streams). Why, measured with
 * bench/dispatch-latency.ts and --trace-gc: each global fetch left stream and signal objects that
 * outlived a young-generation collection, so V8's scavenges on the app's one thread took 5–12 ms
 * (one every half second at 50 leads/s), run as V8 tasks between our callbacks; a DM whose request
 * was about to leave waited them out, and they were the tail of "lead accepted → DM posted". With
 * `request` the same calls cost a third less CPU and their scavenges 1–2 ms.
 *
 * It answers what @slack/web-api asks of a fetch: POST, a string body, headers, a signal (its
 * timeout, which covers reading the body too), and a Response whose status, headers and body it
 * reads. No redirect is followed (web-api asks for redirect: 'error'; a 3xx is a failed call either
 * way). No Accept-Encoding is sent, so the body arrives as it is. Anything else (a FormData upload,
 * a Request object) goes to the global fetch unchanged.
 */
export const webApiFetch: typeof fetch = async (input, init) => {
  const body = init?.body;
  if ((typeof input !== 'string' && !(input instanceof URL)) || (body != null && typeof body !== 'string'))
    return fetch(input, init);
  const response = await request(input, {
    method: methodOf(init?.method),
    headers: Object.fromEntries(new Headers(init?.headers)),
    body: body ?? null,
    signal: init?.signal ?? undefined,
    dispatcher: pool,
  });
  const bytes = await response.body.arrayBuffer();
  return new Response(NULL_BODY_STATUSES.has(response.statusCode) ? null : bytes, {
    status: response.statusCode,
    statusText: response.statusText,
    headers: headersOf(response.headers),
  });
};

/** One pool for every Slack call of the process: connections are kept and reused between posts. */
const pool = new Agent({ keepAliveTimeout: 30_000 });

/** Statuses a Response may not have a body with (the constructor throws). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

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
