import { PermanentFailure, RetryLater } from '../../engine/outbox/outbox.js';
import { retryAfterSeconds } from '../../http/retry-after.js';
import { describeTwilioCode, maskPhone, type SmsProblem, smsProblem } from './errors.js';

export interface TwilioClientOptions {
  accountSid: string;
  authToken: string;
  /** `https://api.twilio.com` unless `TWILIO_API_URL` (a double in tests) says otherwise. */
  baseUrl?: string;
  timeoutMs?: number;
}

export interface SmsToSend {
  /** E.164, e.g. +15558675310. */
  to: string;
  /** One of the account's numbers; or give `messagingServiceSid` and Twilio picks the sender. */
  from?: string;
  messagingServiceSid?: string;
  body: string;
  /** Where Twilio POSTs delivery status (queued → sent → delivered / undelivered / failed). */
  statusCallback?: string;
}

/** Twilio's answer: `status` is "queued" with a From number, "accepted" with a messaging service. */
export interface SentSms {
  sid: string;
  status: string;
  /** Twilio's error code on a text that failed or was not delivered (from the Messages list). */
  errorCode?: number | undefined;
}

/** Which earlier text to look for: to this number, from our sender, created at or after `since`. */
export interface SentSmsQuery {
  to: string;
  from?: string | undefined;
  messagingServiceSid?: string | undefined;
  since: Date;
}

export interface TwilioClient {
  sendSms(msg: SmsToSend): Promise<SentSms>;
  /**
   * A text Twilio already has (GET Messages.json, newest first), for a send whose answer never
   * came: Twilio acts on a request before it answers, so "no answer" may still mean "sent".
   */
  findSent(query: SentSmsQuery): Promise<SentSms | undefined>;
  /** Fetches the account (GET /Accounts/{sid}.json): throws unless the credentials work and it is active. */
  checkAccount(): Promise<void>;
}

/** Twilio refused this text for good (a 4xx about the message): `code` says why, `problem` in our words. */
export class SmsRefused extends PermanentFailure {
  readonly problem: SmsProblem;

  constructor(
    message: string,
    readonly code: number,
    readonly status: number,
  ) {
    super(message);
    this.problem = smsProblem(code);
  }
}

/** Twilio did not answer in time: it may or may not have the text, so look before sending again. */
export class TwilioNoAnswer extends Error {}

/** How far back of `since` a text still counts as ours: Twilio's clock and ours differ a little. */
const CLOCK_SKEW_MS = 60_000;

/**
 * Twilio refused our account (401 bad SID/token, 403, 404 unknown account): not the item's fault,
 * so it is retried with backoff and waits until the operator fixes the environment.
 */
export class TwilioAccountRefused extends Error {
  constructor(
    message: string,
    readonly code: number,
    readonly status: number,
  ) {
    super(message);
  }
}

const DEFAULT_BASE_URL = 'https://api.twilio.com';
const TIMEOUT_MS = 10_000;

/**
 * A thin client for Twilio's Messages resource (POST /2010-04-01/Accounts/{sid}/Messages.json,
 * form-encoded, Basic auth SID:token). Failures are thrown as the outbox reads them. Messages name
 * the status, Twilio's code and the last two digits of the number, never the body.
 */
export function createTwilioClient(opts: TwilioClientOptions): TwilioClient {
  const base = (opts.baseUrl ?? process.env.TWILIO_API_URL ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
  const accountUrl = `${base}/2010-04-01/Accounts/${encodeURIComponent(opts.accountSid)}`;
  const url = `${accountUrl}/Messages.json`;
  const authorization = `Basic ${Buffer.from(`${opts.accountSid}:${opts.authToken}`).toString('base64')}`;
  const timeoutMs = opts.timeoutMs ?? TIMEOUT_MS;

  return {
    async sendSms(msg: SmsToSend): Promise<SentSms> {
      const what = `the text to ${maskPhone(msg.to)}`;
      const form = new URLSearchParams({ To: msg.to, Body: msg.body });
      if (msg.from) form.set('From', msg.from);
      if (msg.messagingServiceSid) form.set('MessagingServiceSid', msg.messagingServiceSid);
      if (msg.statusCallback) form.set('StatusCallback', msg.statusCallback);
      let res: Response;
      try {
        res = await fetch(url, {
          method: 'POST',
          headers: {
            authorization,
            accept: 'application/json',
            'content-type': 'application/x-www-form-urlencoded',
          },
          body: form,
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        const timedOut = error instanceof Error && error.name === 'TimeoutError';
        if (timedOut) throw new TwilioNoAnswer(`Twilio did not answer ${what} within ${timeoutMs / 1000} s`);
        throw new Error(`Twilio could not be reached for ${what}`);
      }
      const answer = readJson(await res.text());
      if (res.ok) {
        if (typeof answer.sid !== 'string' || typeof answer.status !== 'string')
          throw new Error(`Twilio answered ${what} with ${res.status} but no message sid`);
        return { sid: answer.sid, status: answer.status };
      }
      const code = typeof answer.code === 'number' ? answer.code : 0;
      const why = `${res.status}${code ? ` ${code} (${describeTwilioCode(code)})` : ''}`;
      const retryAfter = res.headers.get('retry-after');
      if (res.status === 429 || (res.status === 503 && retryAfter !== null))
        throw new RetryLater(
          `Twilio answered ${why} to ${what}`,
          retryAfterSeconds(retryAfter, res.headers.get('date'), Date.now()),
        );
      if (res.status >= 500) throw new Error(`Twilio answered ${why} to ${what}`);
      if (res.status === 401 || res.status === 403 || res.status === 404)
        throw new TwilioAccountRefused(
          `Twilio refused the account for ${what} with ${why}: check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN`,
          code,
          res.status,
        );
      throw new SmsRefused(`Twilio refused ${what} with ${why}`, code, res.status);
    },

    async findSent(query: SentSmsQuery): Promise<SentSms | undefined> {
      const params = new URLSearchParams({ To: query.to, PageSize: '20' });
      if (query.from) params.set('From', query.from);
      let res: Response;
      try {
        res = await fetch(`${url}?${params}`, {
          headers: { authorization, accept: 'application/json' },
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch {
        throw new Error(`Twilio could not be asked about the text to ${maskPhone(query.to)}`);
      }
      if (!res.ok)
        throw new Error(`Twilio answered ${res.status} when asked about the text to ${maskPhone(query.to)}`);
      const answer = readJson(await res.text());
      const messages = Array.isArray(answer.messages)
        ? (answer.messages as Array<Record<string, unknown>>)
        : [];
      const earliest = query.since.getTime() - CLOCK_SKEW_MS;
      const found = messages.find(
        (m) =>
          typeof m.sid === 'string' &&
          (!query.messagingServiceSid || m.messaging_service_sid === query.messagingServiceSid) &&
          Date.parse(String(m.date_created)) >= earliest,
      );
      return found && typeof found.sid === 'string'
        ? { sid: found.sid, status: String(found.status) }
        : undefined;
    },

    async checkAccount(): Promise<void> {
      let res: Response;
      try {
        res = await fetch(`${accountUrl}.json`, {
          headers: { authorization, accept: 'application/json' },
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch {
        throw new Error('Twilio could not be reached');
      }
      const answer = readJson(await res.text());
      const code = typeof answer.code === 'number' ? answer.code : 0;
      if (res.status === 401 || res.status === 403 || res.status === 404)
        throw new TwilioAccountRefused(
          `Twilio refused the account with ${res.status}${code ? ` ${code}` : ''}: check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN`,
          code,
          res.status,
        );
      if (!res.ok) throw new Error(`Twilio answered ${res.status} to the account check`);
      if (answer.status !== 'active')
        throw new Error(`The Twilio account is ${String(answer.status)}, not active`);
    },
  };
}

function readJson(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
