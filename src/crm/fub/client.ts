import { PermanentFailure, RetryLater } from '../../engine/outbox/outbox.js';
import { retryAfterSeconds } from '../../http/retry-after.js';

export interface FubCredentials {
  apiKey: string;
  system: string;
  systemKey: string;
  /** `https://api.followupboss.com/v1/`, or a double's URL in tests; ends in '/'. */
  baseUrl: string;
}

/** FUB answered 404: the person (or user) is gone, which no retry changes. */
export class FubNotFound extends PermanentFailure {}

/** FUB refused the call (a 4xx other than 404 and 429); `status` tells a permission refusal from a bad request. */
export class FubRefused extends PermanentFailure {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

const TIMEOUT_MS = 10_000;

/**
 * A thin client for the Follow Up Boss API: Basic auth with the API key as the user name, plus
 * the X-System headers FUB requires of registered systems. Failures are thrown as the outbox reads
 * them: 429 as RetryLater with FUB's Retry-After, 5xx and timeouts as plain errors (backed off),
 * other 4xx as permanent. Messages name the status only, never what we sent about a lead.
 */
export class FubClient {
  private readonly headers: Record<string, string>;

  constructor(
    private readonly creds: FubCredentials,
    private readonly timeoutMs = TIMEOUT_MS,
  ) {
    this.headers = {
      authorization: `Basic ${Buffer.from(`${creds.apiKey}:`).toString('base64')}`,
      'x-system': creds.system,
      'x-system-key': creds.systemKey,
      accept: 'application/json',
    };
  }

  get(path: string): Promise<unknown> {
    return this.request('GET', path);
  }

  post(path: string, body: unknown): Promise<unknown> {
    return this.request('POST', path, body);
  }

  put(path: string, body: unknown): Promise<unknown> {
    return this.request('PUT', path, body);
  }

  async request(method: string, path: string, body?: unknown): Promise<unknown> {
    const what = `${method} ${path.split('?')[0]?.replace(/\d+/g, '{id}')}`;
    let res: Response;
    try {
      res = await fetch(new URL(path, this.creds.baseUrl), {
        method,
        headers: body === undefined ? this.headers : { ...this.headers, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      throw new Error(
        timedOut
          ? `Follow Up Boss did not answer ${what} within ${this.timeoutMs / 1000} s`
          : `Follow Up Boss could not be reached for ${what}`,
      );
    }
    const text = await res.text();
    if (res.status === 429)
      throw new RetryLater(
        `Follow Up Boss answered 429 to ${what}`,
        retryAfterSeconds(res.headers.get('retry-after'), res.headers.get('date'), Date.now()),
      );
    if (res.status === 404) throw new FubNotFound(`Follow Up Boss answered 404 to ${what}`);
    if (res.status >= 500) throw new Error(`Follow Up Boss answered ${res.status} to ${what}`);
    if (!res.ok) throw new FubRefused(`Follow Up Boss refused ${what} with ${res.status}`, res.status);
    if (!text) return {};
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new Error(`Follow Up Boss answered ${what} with something other than JSON`);
    }
  }
}
