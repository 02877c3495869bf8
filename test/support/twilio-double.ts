import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { twilioSignature } from '../../src/integrations/twilio/signature.js';

export const TWILIO_ACCOUNT_SID = `AC${'0a1b2c3d'.repeat(4)}`;
export const TWILIO_AUTH_TOKEN = 'twilio-auth-token-test-0123456789';
export const TWILIO_NUMBER = '+15005550006';
export const TWILIO_SERVICE_SID = `MG${'9f8e7d6c'.repeat(4)}`;

export type DoubleSmsStatus =
  | 'accepted'
  | 'queued'
  | 'sending'
  | 'sent'
  | 'delivered'
  | 'undelivered'
  | 'failed';

export interface DoubleSms {
  sid: string;
  to: string;
  /** Null until Twilio picks a sender from the messaging service (on the first `advance`). */
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
  status: DoubleSmsStatus;
  statusCallback: string | null;
  errorCode: number | null;
  createdAt: Date;
}

/** What our app answered to a request the double made to it (status callback or inbound text). */
export interface AppAnswer {
  status: number;
  body: string;
  contentType: string;
}

export interface TwilioDoubleOptions {
  accountSid?: string;
  authToken?: string;
  /** The account's SMS-capable numbers. */
  numbers?: string[];
  /** The account's numbers that cannot send texts (Twilio answers 21606). */
  voiceOnlyNumbers?: string[];
  /** Messaging services and their sender pools; an opt-out from one number covers the whole pool. */
  services?: Record<string, string[]>;
  /** The double's clock (the test's), for message times; the real time by default. */
  now?: () => Date;
  /** Advanced Opt-Out adds `OptOutType` to inbound keyword texts; without it the app sees only the body. */
  advancedOptOut?: boolean;
}

interface Injected {
  status: number;
  code: number;
  retryAfter: string | undefined;
}

// Twilio's default English keywords; a text is a keyword only when it is the whole (trimmed) body.
const OPT_OUT = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT']);
const OPT_IN = new Set(['START', 'YES', 'UNSTOP']);
const HELP = new Set(['HELP', 'INFO']);
const E164 = /^\+[1-9]\d{6,14}$/;
const MESSAGES_PATH = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/;
const ACCOUNT_PATH = /^\/2010-04-01\/Accounts\/([^/]+)\.json$/;

/**
 * Twilio's REST API for texts on 127.0.0.1, stateful and as strict as the real one: Basic auth
 * (401/20003), E.164 `To` (21211), a sender of this account (21659/21606/21705), a body (21602) of at
 * most 1600 characters (21617), and no texts to a number that texted STOP to that sender (21610)
 * until it texts START. It drives status callbacks and inbound texts the way Twilio does, each
 * signed with X-Twilio-Signature, and can be told to fail or to answer slowly.
 */
export class TwilioDouble {
  readonly messages: DoubleSms[] = [];
  /** Milliseconds to wait before answering each API call (to test timeouts). */
  delayMs = 0;
  readonly accountSid: string;
  readonly authToken: string;
  private readonly numbers: Set<string>;
  private readonly voiceOnly: Set<string>;
  private readonly services: Map<string, string[]>;
  private readonly advancedOptOut: boolean;
  private readonly now: () => Date;
  /** `${sender scope}|${recipient}` for each recipient that opted out of a sender. */
  private readonly optedOut = new Set<string>();
  private injected: Injected[] = [];
  private readonly server: Server;

  private constructor(opts: TwilioDoubleOptions) {
    this.accountSid = opts.accountSid ?? TWILIO_ACCOUNT_SID;
    this.authToken = opts.authToken ?? TWILIO_AUTH_TOKEN;
    this.numbers = new Set(opts.numbers ?? [TWILIO_NUMBER]);
    this.voiceOnly = new Set(opts.voiceOnlyNumbers ?? []);
    this.services = new Map(Object.entries(opts.services ?? { [TWILIO_SERVICE_SID]: [...this.numbers] }));
    this.advancedOptOut = opts.advancedOptOut ?? true;
    this.now = opts.now ?? (() => new Date());
    this.server = createServer((req, res) => {
      void this.handle(req, res);
    });
  }

  static async start(opts: TwilioDoubleOptions = {}): Promise<TwilioDouble> {
    const double = new TwilioDouble(opts);
    await new Promise<void>((resolve) => double.server.listen(0, '127.0.0.1', resolve));
    return double;
  }

  /** The base URL to give the client instead of https://api.twilio.com. */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The next `n` message creations fail with `status` and Twilio's `code` (and a Retry-After, if given). */
  failNext(n: number, status: number, code?: number, retryAfter?: string): void {
    const fallback = status === 429 ? 20429 : status === 401 ? 20003 : status >= 500 ? 20500 : 21000;
    for (let i = 0; i < n; i++) this.injected.push({ status, code: code ?? fallback, retryAfter });
  }

  /** Between tests: the texts, injected failures, opt-outs and slowness of the last one are gone. */
  reset(): void {
    this.messages.length = 0;
    this.injected = [];
    this.optedOut.clear();
    this.delayMs = 0;
  }

  /** Twilio is healthy again: injected failures and slowness end; texts and opt-outs stay. */
  clearFailures(): void {
    this.injected = [];
    this.delayMs = 0;
  }

  isOptedOut(recipient: string, sender: string): boolean {
    return this.optedOut.has(`${this.scope(sender)}|${recipient}`);
  }

  message(sid: string): DoubleSms {
    const found = this.messages.find((m) => m.sid === sid);
    if (!found) throw new Error(`the Twilio double has no message ${sid}`);
    return found;
  }

  /**
   * Moves a message on as the carrier would and POSTs the status callback Twilio sends, signed.
   * Returns what the app answered, or null when the message has no StatusCallback.
   */
  async advance(
    sid: string,
    status: 'sending' | 'sent' | 'delivered' | 'undelivered' | 'failed',
    errorCode?: number,
  ): Promise<AppAnswer | null> {
    const msg = this.message(sid);
    if (msg.from === null) msg.from = this.services.get(msg.messagingServiceSid ?? '')?.[0] ?? null;
    msg.status = status;
    if (errorCode !== undefined) msg.errorCode = errorCode;
    if (!msg.statusCallback) return null;
    const params: Record<string, string> = {
      AccountSid: this.accountSid,
      ApiVersion: '2010-04-01',
      From: msg.from ?? '',
      To: msg.to,
      MessageSid: msg.sid,
      MessageStatus: status,
      SmsSid: msg.sid,
      SmsStatus: status,
    };
    if (msg.messagingServiceSid) params.MessagingServiceSid = msg.messagingServiceSid;
    if (msg.errorCode !== null) params.ErrorCode = String(msg.errorCode);
    return this.post(msg.statusCallback, params);
  }

  /**
   * A text from a contact to one of our numbers: applies Twilio's default STOP/START handling to its
   * own opt-out list, then POSTs the inbound webhook to `webhookUrl`, signed.
   */
  async inbound(text: { from: string; to: string; body: string }, webhookUrl: string): Promise<AppAnswer> {
    const keyword = text.body.trim().toUpperCase();
    const key = `${this.scope(text.to)}|${text.from}`;
    let optOutType: string | null = null;
    if (OPT_OUT.has(keyword)) {
      this.optedOut.add(key);
      optOutType = 'STOP';
    } else if (OPT_IN.has(keyword)) {
      this.optedOut.delete(key);
      optOutType = 'START';
    } else if (HELP.has(keyword)) optOutType = 'HELP';
    const sid = newSid('SM');
    const params: Record<string, string> = {
      ToCountry: 'US',
      FromCountry: 'US',
      SmsMessageSid: sid,
      SmsSid: sid,
      MessageSid: sid,
      SmsStatus: 'received',
      AccountSid: this.accountSid,
      From: text.from,
      To: text.to,
      Body: text.body,
      NumMedia: '0',
      NumSegments: '1',
      ApiVersion: '2010-04-01',
    };
    const service = [...this.services].find(([, pool]) => pool.includes(text.to))?.[0];
    if (service) params.MessagingServiceSid = service;
    if (optOutType && this.advancedOptOut) params.OptOutType = optOutType;
    return this.post(webhookUrl, params);
  }

  /** A messaging service's numbers share one opt-out list; a lone number has its own. */
  private scope(sender: string): string {
    for (const [sid, pool] of this.services) if (pool.includes(sender) || sid === sender) return sid;
    return sender;
  }

  private async post(url: string, params: Record<string, string>): Promise<AppAnswer> {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded; charset=UTF-8',
        'user-agent': 'TwilioProxy/1.1',
        'i-twilio-idempotency-token': randomBytes(16).toString('hex'),
        'x-twilio-signature': twilioSignature(this.authToken, url, params),
      },
      body: new URLSearchParams(params),
    });
    return { status: res.status, body: await res.text(), contentType: res.headers.get('content-type') ?? '' };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    // Twilio acts on a request before it answers: a client that gives up on a slow answer has
    // still sent the text, which is what the sender's "look before sending again" is for.
    const out = this.answer(req, chunks);
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (res.destroyed || req.socket.destroyed) return;
    res
      .writeHead(out.status, { 'content-type': 'application/json; charset=utf-8', ...out.headers })
      .end(JSON.stringify(out.body));
  }

  private answer(req: IncomingMessage, chunks: Buffer[]): Answer {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (!this.authorized(req.headers.authorization))
      return refusal(401, 20003, 'Authentication Error - invalid username');
    const account = MESSAGES_PATH.exec(path)?.[1] ?? ACCOUNT_PATH.exec(path)?.[1];
    if (account !== this.accountSid)
      return refusal(404, 20404, `The requested resource ${path} was not found`);
    if (req.method === 'GET' && ACCOUNT_PATH.test(path))
      return answer(200, { sid: this.accountSid, status: 'active', friendly_name: 'Test account' });
    if (req.method === 'GET' && MESSAGES_PATH.test(path))
      return this.list(new URL(req.url ?? '/', 'http://x'));
    if (req.method !== 'POST' || !MESSAGES_PATH.test(path)) return refusal(405, 20004, 'Method not allowed');
    const injected = this.injected.shift();
    if (injected) {
      const failure = refusal(injected.status, injected.code, 'Injected failure');
      return injected.retryAfter === undefined
        ? failure
        : { ...failure, headers: { 'retry-after': injected.retryAfter } };
    }
    return this.create(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
  }

  private create(form: URLSearchParams): Answer {
    const to = form.get('To') ?? '';
    const from = form.get('From');
    const serviceSid = form.get('MessagingServiceSid');
    const body = form.get('Body') ?? '';
    if (!to) return refusal(400, 21604, "A 'To' phone number is required.");
    if (!E164.test(to)) return refusal(400, 21211, `The 'To' number ${to} is not a valid phone number.`);
    if (!from && !serviceSid) return refusal(400, 21603, "A 'From' phone number is required.");
    if (serviceSid && !this.services.has(serviceSid))
      return refusal(400, 21705, 'The Messaging Service Sid is invalid.');
    if (from && this.voiceOnly.has(from))
      return refusal(
        400,
        21606,
        `The From phone number ${from} is not a valid, SMS-capable inbound phone number or short code for your account.`,
      );
    if (from && !this.numbers.has(from))
      return refusal(
        400,
        21659,
        `'From' ${from} is not a Twilio phone number or Short Code country mismatch`,
      );
    if (!body) return refusal(400, 21602, 'Message body is required.');
    if ([...body].length > 1600)
      return refusal(400, 21617, 'The concatenated message body exceeds the 1600 character limit.');
    if (this.isOptedOut(to, from ?? serviceSid ?? ''))
      return refusal(400, 21610, 'Attempt to send to unsubscribed recipient');
    const msg: DoubleSms = {
      sid: newSid('SM'),
      to,
      from: serviceSid && !from ? null : from,
      messagingServiceSid: serviceSid,
      body,
      status: serviceSid && !from ? 'accepted' : 'queued',
      statusCallback: form.get('StatusCallback'),
      errorCode: null,
      createdAt: this.now(),
    };
    this.messages.push(msg);
    return answer(201, this.resource(msg));
  }

  /** GET Messages.json: newest first, filtered by To and From as Twilio's list resource is. */
  private list(url: URL): Answer {
    const to = url.searchParams.get('To');
    const from = url.searchParams.get('From');
    const size = Math.min(1000, Number(url.searchParams.get('PageSize') ?? 50) || 50);
    const found = this.messages
      .filter((m) => (!to || m.to === to) && (!from || m.from === from))
      .reverse()
      .slice(0, size);
    return answer(200, {
      messages: found.map((m) => this.resource(m)),
      page: 0,
      page_size: size,
      next_page_uri: null,
      uri: `${url.pathname}${url.search}`,
    });
  }

  private resource(msg: DoubleSms): Record<string, unknown> {
    return {
      sid: msg.sid,
      account_sid: this.accountSid,
      to: msg.to,
      from: msg.from,
      messaging_service_sid: msg.messagingServiceSid,
      body: msg.body,
      status: msg.status,
      direction: 'outbound-api',
      num_segments: msg.messagingServiceSid ? '0' : String(Math.ceil([...msg.body].length / 153) || 1),
      api_version: '2010-04-01',
      date_created: msg.createdAt.toUTCString().replace('GMT', '+0000'),
      date_sent: null,
      error_code: msg.errorCode,
      error_message: null,
      price: null,
      uri: `/2010-04-01/Accounts/${this.accountSid}/Messages/${msg.sid}.json`,
    };
  }

  private authorized(header: string | undefined): boolean {
    const [scheme, encoded] = (header ?? '').split(' ');
    if (scheme !== 'Basic' || !encoded) return false;
    return Buffer.from(encoded, 'base64').toString('utf8') === `${this.accountSid}:${this.authToken}`;
  }
}

function newSid(prefix: string): string {
  return prefix + randomBytes(16).toString('hex');
}

interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

function answer(status: number, body: unknown): Answer {
  return { status, body };
}

/** Twilio's error body: `{ code, message, more_info, status }`. */
function refusal(status: number, code: number, message: string): Answer {
  return answer(status, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });
}
