import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { type BlockKitProblem, formatProblem, validateBlocks, validateView } from './block-kit.js';
import {
  allText,
  type Block,
  type ButtonInfo,
  blockText,
  buttons,
  findButton,
  type HasContent,
  isRecord,
  str,
} from './blocks.js';
import { readHistory } from './slack-history.js';
import { SocketModeDouble } from './socket-mode-double.js';

export * from './blocks.js';
export type {
  Envelope,
  EnvelopeType,
  SendOptions,
  SocketAck,
  SocketConnection,
} from './socket-mode-double.js';

export interface PostedMessage {
  channel: string;
  ts: string;
  /** The human the DM is with, for D channels. */
  user?: string;
  text?: string;
  blocks: Block[];
  thread_ts?: string;
  metadata?: unknown;
  postedAt: number;
  updates: MessageUpdate[];
  /** Set when a response_url call used `delete_original`. */
  deleted?: boolean;
}

export interface MessageUpdate {
  text?: string;
  blocks: Block[];
  at: number;
}

export interface Ephemeral {
  via: 'response_url' | 'chat.postEphemeral';
  channel?: string;
  user?: string;
  text?: string;
  blocks: Block[];
  replaceOriginal?: boolean;
  deleteOriginal?: boolean;
  responseType?: string;
  at: number;
}

export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  at: number;
}

/** A call Slack would refuse for its Block Kit, with Slack's messages naming where. */
export interface Refusal {
  method: string;
  error: string;
  messages: string[];
  at: number;
}

export interface RecordedView {
  method: 'views.open' | 'views.push' | 'views.publish' | 'views.update';
  id: string;
  hash: string;
  userId?: string;
  view: Record<string, unknown>;
  at: number;
}

/** A file uploaded through files.getUploadURLExternal → upload URL → files.completeUploadExternal. */
export interface UploadedFile {
  id: string;
  filename: string;
  /** The length announced in getUploadURLExternal; the bytes sent must match it. */
  length: number;
  altText?: string;
  bytes?: Buffer;
  /** Set by completeUploadExternal: where it was shared, and under which title. */
  shared?: { channel: string; threadTs?: string; title?: string; comment?: string; at: number };
}

export interface Failure {
  error?: string;
  status?: number;
  retryAfter?: number;
  times?: number;
  when?: (args: Record<string, unknown>) => boolean;
}

export interface DoubleUser {
  name?: string;
  realName?: string;
  tz?: string;
  deleted?: boolean;
  status?: { text: string; emoji: string; expiration?: number };
  /** What dnd.info answers for the user (Unix seconds), as Slack spells it. */
  dnd?: {
    dnd_enabled?: boolean;
    next_dnd_start_ts?: number;
    next_dnd_end_ts?: number;
    snooze_enabled?: boolean;
    snooze_endtime?: number;
  };
}

export interface SlackDoubleOptions {
  /** Where message timestamps come from (the test's clock, so ts and the app's "now" agree). */
  now?: () => number;
  /** Bot scopes granted; default: every scope the app asks for. */
  scopes?: string[];
  botUserId?: string;
  botId?: string;
  teamId?: string;
  channels?: string[];
  users?: Record<string, DoubleUser>;
}

export interface PostFilter {
  /** A user id (matches the DM with that user) or a channel id. */
  to?: string;
  textIncludes?: string;
  /** true: only thread replies; false: only top-level posts. */
  thread?: boolean;
}

export interface EphemeralFilter {
  user?: string;
  textIncludes?: string;
}

export interface ResponseUrlContext {
  user?: string;
  channel?: string;
  /** The message a button was clicked on; `replace_original` / `delete_original` apply to it. */
  message?: PostedMessage;
}

interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body: Record<string, unknown> | string;
}

class ApiError extends Error {
  /** Block Kit problems, answered as Slack does in `response_metadata.messages`. */
  constructor(
    readonly error: string,
    readonly problems: BlockKitProblem[] = [],
  ) {
    super(error);
  }
}

// @slack/web-api JSON-encodes object arguments inside form bodies; only these are known to be objects,
// so a text such as "[1]" is never mistaken for JSON.
const JSON_FIELDS = new Set(['blocks', 'attachments', 'metadata', 'view']);
const MAX_RESPONSE_URL_USES = 5;

function parseBody(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (contentType?.includes('application/json')) {
    const parsed: unknown = raw ? JSON.parse(raw) : {};
    return isRecord(parsed) ? parsed : {};
  }
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    if (!JSON_FIELDS.has(key)) {
      args[key] = value;
      continue;
    }
    try {
      args[key] = JSON.parse(value);
    } catch {
      args[key] = value;
    }
  }
  return args;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks);
}

/** The file's bytes as an upload URL receives them: a multipart form's file part, or the raw body. */
async function uploadedBytes(raw: Buffer, contentType: string | undefined): Promise<Buffer | undefined> {
  if (!contentType?.includes('multipart/form-data')) return raw;
  const form = await new Request('http://upload.invalid/', {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: raw,
  }).formData();
  for (const value of form.values())
    if (typeof value !== 'string') return Buffer.from(await value.arrayBuffer());
  return undefined;
}

const truthy = (value: unknown): boolean => value === true || value === 'true';
function clip(s = ''): string {
  return JSON.stringify(s.length > 100 ? `${s.slice(0, 100)}…` : s);
}

/**
 * A stateful stand-in for the Slack Web API on 127.0.0.1, for driving the real Bolt app and
 * @slack/web-api client in tests. Every post, update and ephemeral must be claimed with a take or waitFor
 * helper, so `assertNothingUnexpected()` catches duplicates and stray messages. `socket` is Slack's side of
 * Socket Mode (`apps.connections.open` and the WebSocket, on the same port).
 */
export class SlackDouble {
  readonly calls: RecordedCall[] = [];
  readonly messages: PostedMessage[] = [];
  readonly ephemerals: Ephemeral[] = [];
  readonly views: RecordedView[] = [];
  /** Every call refused for invalid blocks or views, so a test that times out can say why. */
  readonly refusals: Refusal[] = [];
  readonly channels: Set<string>;
  readonly users: Map<string, DoubleUser>;
  readonly botUserId: string;
  readonly botId: string;
  readonly teamId: string;
  readonly appId = 'A0DOUBLE';
  readonly socket: SocketModeDouble = new SocketModeDouble(this);
  /** Every file an upload URL was asked for, by id, uploaded and shared or not. */
  readonly files = new Map<string, UploadedFile>();

  private port = 0;
  private readonly server = createServer((req, res) => void this.handle(req, res));
  private readonly seen = new WeakSet<object>();
  private readonly originals = new WeakMap<PostedMessage, HasContent>();
  private readonly dmByUser = new Map<string, string>();
  private readonly userByDm = new Map<string, string>();
  private readonly homeViewIds = new Map<string, string>();
  private failures: Array<Failure & { method: string; remaining: number }> = [];
  private readonly responseUrls = new Map<string, ResponseUrlContext & { uses: number }>();
  private readonly triggers = new Map<string, boolean>();
  private lastTsMicros = 0;
  private readonly now: () => number;
  readonly scopes: Set<string> | undefined;
  private slowAnswers: Array<{ method: string; delayMs: number; remaining: number }> = [];
  private idSeq = 0;

  private constructor(options: SlackDoubleOptions) {
    this.now = options.now ?? Date.now;
    this.scopes = options.scopes ? new Set(options.scopes) : undefined;
    this.botUserId = options.botUserId ?? 'U0BOT';
    this.botId = options.botId ?? 'B0BOT';
    this.teamId = options.teamId ?? 'T0DOUBLE';
    this.channels = new Set(options.channels ?? []);
    this.users = new Map(Object.entries(options.users ?? {}));
    this.server.on('upgrade', (req, socket, head) => this.socket.handleUpgrade(req, socket, head));
  }

  static async start(options: SlackDoubleOptions = {}): Promise<SlackDouble> {
    const double = new SlackDouble(options);
    await new Promise<void>((resolve, reject) => {
      double.server.once('error', reject);
      double.server.listen(0, '127.0.0.1', resolve);
    });
    double.port = (double.server.address() as AddressInfo).port;
    return double;
  }

  async stop(): Promise<void> {
    this.socket.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Pass as Bolt's `clientOptions.slackApiUrl` / SLACK_API_URL (trailing slash included). */
  get apiUrl(): string {
    return `${this.baseUrl}/api/`;
  }

  /**
   * Slack does the work but answers only after `delayMs` (the next `times` calls of `method`): what
   * a client that times out sees as an unknown outcome.
   */
  answerSlowly(method: string, delayMs: number, times = 1): void {
    this.slowAnswers.push({ method, delayMs, remaining: times });
  }

  fail(method: string, failure: Failure): void {
    this.failures.push({ ...failure, method, remaining: failure.times ?? 1 });
  }

  /** Slack is healthy again: drops injected failures and slow answers, keeps recordings. */
  clearFailures(): void {
    this.failures = [];
    this.slowAnswers = [];
  }

  /** Clears recordings and injected failures; DM channels, response_urls and trigger_ids stay valid. */
  reset(): void {
    this.calls.length = 0;
    this.messages.length = 0;
    this.ephemerals.length = 0;
    this.views.length = 0;
    this.refusals.length = 0;
    this.failures = [];
    this.socket.reset();
  }

  /** Adds a user or changes what users.info and dnd.info say of them. */
  setUser(id: string, patch: DoubleUser): void {
    this.users.set(id, { ...this.users.get(id), ...patch });
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  dmChannelFor(userId: string): string {
    let channel = this.dmByUser.get(userId);
    if (!channel) {
      channel = `D${String(this.dmByUser.size + 1).padStart(8, '0')}`;
      this.dmByUser.set(userId, channel);
      this.userByDm.set(channel, userId);
    }
    return channel;
  }

  responseUrl(context: ResponseUrlContext = {}): string {
    const id = this.nextId('R');
    this.responseUrls.set(id, { ...context, uses: 0 });
    return `${this.baseUrl}/respond/${id}`;
  }

  /** Mints a trigger_id that views.open / views.push accept once. */
  triggerId(): string {
    const id = `${Date.now()}.${this.nextId('')}.trigger`;
    this.triggers.set(id, false);
    return id;
  }

  buttons(message: HasContent): ButtonInfo[] {
    return buttons(message);
  }

  findButton(message: HasContent, actionId: string): ButtonInfo {
    return findButton(message, actionId);
  }

  allText(message: HasContent): string {
    return allText(message);
  }

  // ---- expectations ------------------------------------------------------------------------

  findPost(filter: PostFilter = {}): PostedMessage | undefined {
    return this.messages.find((m) => {
      if (this.seen.has(m)) return false;
      if (filter.to && m.channel !== filter.to && m.user !== filter.to) return false;
      if (filter.thread !== undefined && (m.thread_ts !== undefined) !== filter.thread) return false;
      if (!filter.textIncludes) return true;
      const original = this.originals.get(m);
      return `${allText(m)}\n${original ? allText(original) : ''}`.includes(filter.textIncludes);
    });
  }

  takePost(filter: PostFilter = {}): PostedMessage {
    const message = this.findPost(filter);
    if (!message)
      throw new Error(`No unseen Slack post matching ${JSON.stringify(filter)}.\n${this.describe()}`);
    this.seen.add(message);
    return message;
  }

  findUpdate(message: PostedMessage, textIncludes?: string): MessageUpdate | undefined {
    return message.updates.find(
      (u) => !this.seen.has(u) && (!textIncludes || allText(u).includes(textIncludes)),
    );
  }

  takeUpdate(message: PostedMessage, textIncludes?: string): MessageUpdate {
    const update = this.findUpdate(message, textIncludes);
    if (!update) {
      const what = textIncludes ? ` containing ${JSON.stringify(textIncludes)}` : '';
      throw new Error(
        `No unseen update${what} of message ${message.channel}/${message.ts}.\n${this.describe()}`,
      );
    }
    this.seen.add(update);
    return update;
  }

  findEphemeral(filter: EphemeralFilter = {}): Ephemeral | undefined {
    return this.ephemerals.find(
      (e) =>
        !this.seen.has(e) &&
        (!filter.user || e.user === filter.user) &&
        (!filter.textIncludes || allText(e).includes(filter.textIncludes)),
    );
  }

  takeEphemeral(filter: EphemeralFilter = {}): Ephemeral {
    const ephemeral = this.findEphemeral(filter);
    if (!ephemeral) {
      throw new Error(`No unseen ephemeral matching ${JSON.stringify(filter)}.\n${this.describe()}`);
    }
    this.seen.add(ephemeral);
    return ephemeral;
  }

  /** For setup phases whose output a test does not care about. */
  markAllSeen(): void {
    for (const m of this.messages) {
      this.seen.add(m);
      for (const u of m.updates) this.seen.add(u);
    }
    for (const e of this.ephemerals) this.seen.add(e);
  }

  assertNothingUnexpected(): void {
    const lines = [...this.describeItems(), ...this.socket.unexpected()].filter((l) =>
      l.startsWith('  UNSEEN'),
    );
    if (lines.length > 0) {
      throw new Error(`${lines.length} unexpected Slack output(s):\n${lines.join('\n')}`);
    }
  }

  /** Polls every 5 ms for async delivery; counts iterations so it also works under fake timers. */
  async waitFor<T>(probe: () => T | undefined | false, timeoutMs = 2000, what = 'condition'): Promise<T> {
    for (let waited = 0; ; waited += 5) {
      const value = probe();
      if (value !== undefined && value !== false) return value;
      if (waited >= timeoutMs)
        throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.\n${this.describe()}`);
      await delay(5);
    }
  }

  async waitForPost(filter: PostFilter = {}, timeoutMs?: number): Promise<PostedMessage> {
    const message = await this.waitFor(
      () => this.findPost(filter),
      timeoutMs,
      `post ${JSON.stringify(filter)}`,
    );
    this.seen.add(message);
    return message;
  }

  async waitForUpdate(
    message: PostedMessage,
    textIncludes?: string,
    timeoutMs?: number,
  ): Promise<MessageUpdate> {
    const what = `update of ${message.channel}/${message.ts}${textIncludes ? ` containing "${textIncludes}"` : ''}`;
    const update = await this.waitFor(() => this.findUpdate(message, textIncludes), timeoutMs, what);
    this.seen.add(update);
    return update;
  }

  async waitForEphemeral(filter: EphemeralFilter = {}, timeoutMs?: number): Promise<Ephemeral> {
    const what = `ephemeral ${JSON.stringify(filter)}`;
    const ephemeral = await this.waitFor(() => this.findEphemeral(filter), timeoutMs, what);
    this.seen.add(ephemeral);
    return ephemeral;
  }

  /** Everything recorded, with seen/UNSEEN marks, for error messages. */
  describe(): string {
    const items = [...this.describeItems(), ...this.socket.unexpected()];
    const calls = this.calls.slice(-10).map((c) => c.method);
    const socket = this.socket.describe();
    const refused = this.refusals.map((r) => `  ${r.method} refused: ${r.error} ${r.messages.join(' ')}`);
    return [
      items.length ? `Slack output so far:\n${items.join('\n')}` : 'No Slack output so far.',
      `Last API calls: ${calls.join(', ') || 'none'}`,
      ...(refused.length ? [`Refused as Slack would:\n${refused.join('\n')}`] : []),
      ...(socket ? [socket] : []),
    ].join('\n');
  }

  private describeItems(): string[] {
    const mark = (item: object) => (this.seen.has(item) ? '  seen  ' : '  UNSEEN');
    const describeContent = (c: HasContent) => `text=${clip(c.text)} block0=${clip(blockText(c.blocks[0]))}`;
    const lines: string[] = [];
    for (const m of this.messages) {
      const dm = m.user ? ` (DM with ${m.user})` : '';
      const thread = m.thread_ts ? ` thread=${m.thread_ts}` : '';
      lines.push(
        `${mark(m)} post ${m.channel}${dm} ts=${m.ts}${thread} ${describeContent(this.originals.get(m) ?? m)}`,
      );
      for (const u of m.updates)
        lines.push(`${mark(u)} update of ${m.channel}/${m.ts} ${describeContent(u)}`);
    }
    for (const e of this.ephemerals) {
      lines.push(
        `${mark(e)} ephemeral via ${e.via} to ${e.user ?? '?'} in ${e.channel ?? '?'} ${describeContent(e)}`,
      );
    }
    return lines;
  }

  // ---- HTTP ----------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let reply: Reply;
    try {
      const bytes = await readBody(req);
      const path = new URL(req.url ?? '/', this.baseUrl).pathname;
      const api = /^\/api\/([\w.]+)$/.exec(path)?.[1];
      const respondId = /^\/respond\/(\w+)$/.exec(path)?.[1];
      const uploadId = /^\/upload\/(\w+)$/.exec(path)?.[1];
      const contentType = req.headers['content-type'];
      const raw = uploadId ? '' : bytes.toString('utf8');
      const args = req.method === 'POST' && !uploadId ? parseBody(raw, contentType) : {};
      if (req.method === 'POST' && uploadId) {
        reply = this.upload(uploadId, await uploadedBytes(bytes, contentType));
      } else if (req.method === 'POST' && api) {
        reply = this.api(api, args, req.headers.authorization);
        const slow = this.slowAnswers.find((s) => s.method === api && s.remaining > 0);
        if (slow) {
          slow.remaining -= 1;
          await delay(slow.delayMs);
        }
      } else if (req.method === 'POST' && respondId) reply = this.respond(respondId, args);
      else reply = { status: 404, body: 'not found' };
    } catch (err) {
      // A bug in the double itself: make it loud rather than a quiet Slack error.
      console.error('SlackDouble internal error', err);
      reply = { status: 500, body: `SlackDouble internal error: ${String(err)}` };
    }
    const isJson = typeof reply.body !== 'string';
    res.writeHead(reply.status ?? 200, {
      'content-type': isJson ? 'application/json; charset=utf-8' : 'text/plain',
      ...reply.headers,
    });
    res.end(isJson ? JSON.stringify(reply.body) : reply.body);
  }

  private injectedFailure(method: string, args: Record<string, unknown>): Reply | undefined {
    const failure = this.failures.find(
      (f) => f.method === method && f.remaining > 0 && (!f.when || f.when(args)),
    );
    if (!failure) return undefined;
    failure.remaining -= 1;
    if (failure.status === 429) {
      return {
        status: 429,
        headers: { 'retry-after': String(failure.retryAfter ?? 1) },
        body: { ok: false, error: 'ratelimited' },
      };
    }
    if (failure.status !== undefined && failure.status !== 200) {
      return { status: failure.status, body: failure.error ?? `injected HTTP ${failure.status}` };
    }
    return { body: { ok: false, error: failure.error ?? 'internal_error' } };
  }

  private api(method: string, args: Record<string, unknown>, authorization: string | undefined): Reply {
    const at = Date.now();
    this.calls.push({ method, args, at });
    const token = authorization?.startsWith('Bearer ') ? authorization.slice(7) : str(args.token);
    if (!token) return { body: { ok: false, error: 'not_authed' } };
    if (!/^(xox[bp]|xapp)-/.test(token)) return { body: { ok: false, error: 'invalid_auth' } };
    // apps.connections.open takes only the app-level token, and every other method refuses it.
    if (token.startsWith('xapp-') !== (method === 'apps.connections.open')) {
      return { body: { ok: false, error: 'not_allowed_token_type' } };
    }
    const injected = this.injectedFailure(method, args);
    if (injected) return injected;
    try {
      const result = this.dispatch(method, args, at);
      return { body: result ? { ok: true, ...result } : { ok: false, error: 'unknown_method' } };
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      if (err.problems.length === 0) return { body: { ok: false, error: err.error } };
      const messages = err.problems.map(formatProblem);
      this.refusals.push({ method, error: err.error, messages, at });
      return { body: { ok: false, error: err.error, response_metadata: { messages } } };
    }
  }

  private dispatch(
    method: string,
    args: Record<string, unknown>,
    at: number,
  ): Record<string, unknown> | undefined {
    switch (method) {
      case 'apps.connections.open':
        return { url: this.socket.openConnectionUrl() };
      case 'auth.test':
        return {
          url: 'https://double.slack.test/',
          team: 'Double Team',
          team_id: this.teamId,
          user: 'dispatch',
          user_id: this.botUserId,
          bot_id: this.botId,
          is_enterprise_install: false,
        };
      case 'chat.postMessage':
        return this.postMessage(args, at);
      case 'chat.update':
        return this.update(args, at);
      case 'chat.postEphemeral': {
        const user = str(args.user);
        if (!user) throw new ApiError('user_not_found');
        const { channel } = this.resolveConversation(str(args.channel));
        const blocks = this.validBlocks(args.blocks);
        this.ephemerals.push({ via: 'chat.postEphemeral', channel, user, text: str(args.text), blocks, at });
        return { message_ts: this.nextTs() };
      }
      case 'conversations.open': {
        const users = (str(args.users) ?? '').split(',').filter(Boolean);
        const [user] = users;
        if (!user) throw new ApiError('users_list_not_supplied');
        if (users.length > 1) throw new ApiError('double_does_not_support_mpim');
        this.assertActive(user);
        return { channel: { id: this.dmChannelFor(user) } };
      }
      case 'users.info':
        return { user: this.userInfo(str(args.user)) };
      case 'conversations.history':
      case 'conversations.replies':
        return this.history(method, args);
      case 'dnd.info': {
        const id = str(args.user);
        const user = id ? this.users.get(id) : undefined;
        if (!user) throw new ApiError('user_not_found');
        // As Slack does: snooze_* is only told about the caller, never about another user.
        const { snooze_enabled: _snoozed, snooze_endtime: _until, ...schedule } = user.dnd ?? {};
        return { dnd_enabled: false, next_dnd_start_ts: 1, next_dnd_end_ts: 1, ...schedule };
      }
      case 'views.open':
      case 'views.push':
      case 'views.publish':
      case 'views.update':
        return { view: this.view(method, args, at) };
      case 'files.getUploadURLExternal':
        return this.uploadUrl(args);
      case 'files.completeUploadExternal':
        return this.completeUpload(args, at);
      default:
        return undefined;
    }
  }

  private postMessage(args: Record<string, unknown>, at: number): Record<string, unknown> {
    const { channel, user } = this.resolveConversation(str(args.channel));
    const text = str(args.text);
    const blocks = this.validBlocks(args.blocks);
    if (!text && blocks.length === 0 && args.attachments === undefined) throw new ApiError('no_text');
    if (text && text.length > 40000) throw new ApiError('msg_too_long');
    if (args.metadata !== undefined && !validMetadata(args.metadata))
      throw new ApiError('invalid_metadata_format');
    const message: PostedMessage = {
      channel,
      ts: this.nextTs(),
      user,
      text,
      blocks,
      thread_ts: str(args.thread_ts),
      metadata: args.metadata,
      postedAt: at,
      updates: [],
    };
    this.messages.push(message);
    this.originals.set(message, { text, blocks });
    return { channel, ts: message.ts, message: this.asSlackMessage(message) };
  }

  private update(args: Record<string, unknown>, at: number): Record<string, unknown> {
    const message = this.messages.find((m) => m.channel === args.channel && m.ts === args.ts && !m.deleted);
    if (!message) throw new ApiError('message_not_found');
    // Slack keeps the previous text/blocks when a field is omitted; `blocks: []` removes them.
    const text = args.text === undefined ? message.text : str(args.text);
    const blocks = args.blocks === undefined ? message.blocks : this.validBlocks(args.blocks);
    message.text = text;
    message.blocks = blocks;
    if (args.metadata !== undefined) message.metadata = args.metadata;
    message.updates.push({ text, blocks, at });
    return {
      channel: message.channel,
      ts: message.ts,
      text: text ?? '',
      message: this.asSlackMessage(message),
    };
  }

  private respond(id: string, args: Record<string, unknown>): Reply {
    this.calls.push({ method: 'response_url', args, at: Date.now() });
    const context = this.responseUrls.get(id);
    if (!context) return { status: 404, body: 'no_such_response_url' };
    const injected = this.injectedFailure('response_url', args);
    if (injected) return injected;
    if (context.uses >= MAX_RESPONSE_URL_USES) return { status: 404, body: 'used_url' };
    // Like an incoming webhook, a response_url answers bad blocks with a bare 400 and no pointer.
    const problems = args.blocks === undefined ? [] : validateBlocks(args.blocks, 'message');
    if (problems.length > 0) {
      const messages = problems.map(formatProblem);
      this.refusals.push({ method: 'response_url', error: 'invalid_blocks', messages, at: Date.now() });
      return { status: 400, body: 'invalid_blocks' };
    }
    context.uses += 1;
    const ephemeral: Ephemeral = {
      via: 'response_url',
      channel: context.channel,
      user: context.user,
      text: str(args.text),
      blocks: Array.isArray(args.blocks) ? args.blocks.filter(isRecord) : [],
      replaceOriginal: truthy(args.replace_original),
      deleteOriginal: truthy(args.delete_original),
      responseType: str(args.response_type),
      at: Date.now(),
    };
    this.ephemerals.push(ephemeral);
    // Reflect replace/delete on the clicked message so later clicks only see what the user sees.
    const original = context.message;
    if (original && ephemeral.deleteOriginal) {
      original.deleted = true;
      original.blocks = [];
    } else if (original && ephemeral.replaceOriginal) {
      original.text = ephemeral.text;
      original.blocks = ephemeral.blocks;
    }
    return { body: 'ok' };
  }

  private view(
    method: RecordedView['method'],
    args: Record<string, unknown>,
    at: number,
  ): Record<string, unknown> {
    const view = args.view;
    if (!isRecord(view)) throw new ApiError('invalid_arguments');
    const problems = validateView(view);
    // A Home tab is only published; a modal is only opened, pushed or updated.
    const expected = method === 'views.publish' ? 'home' : 'modal';
    if (problems.length === 0 && view.type !== expected) {
      problems.push({ pointer: '/view/type', reason: `must be ${expected} for ${method}` });
    }
    if (problems.length > 0) throw new ApiError('invalid_arguments', problems);
    let id: string;
    let userId: string | undefined;
    if (method === 'views.open' || method === 'views.push') {
      const trigger = str(args.trigger_id) ?? '';
      const used = this.triggers.get(trigger);
      if (used === undefined) throw new ApiError('invalid_trigger_id');
      if (used) throw new ApiError('expired_trigger_id');
      this.triggers.set(trigger, true);
      id = this.nextId('V');
    } else if (method === 'views.publish') {
      userId = str(args.user_id);
      if (!userId) throw new ApiError('user_not_found');
      id = this.homeViewIds.get(userId) ?? this.nextId('V');
      this.homeViewIds.set(userId, id);
    } else {
      const previous = this.views.findLast(
        (v) =>
          v.id === args.view_id ||
          (args.external_id !== undefined && v.view.external_id === args.external_id),
      );
      if (!previous) throw new ApiError('not_found');
      if (args.hash !== undefined && args.hash !== previous.hash) throw new ApiError('hash_conflict');
      id = previous.id;
      userId = previous.userId;
    }
    const hash = `${Math.floor(at / 1000)}.${this.nextId('H')}`;
    this.views.push({ method, id, hash, userId, view, at });
    return {
      ...view,
      id,
      hash,
      team_id: this.teamId,
      app_id: this.appId,
      bot_id: this.botId,
      state: { values: {} },
    };
  }

  private userInfo(id: string | undefined): Record<string, unknown> {
    const user = id ? this.users.get(id) : undefined;
    if (!id || !user) throw new ApiError('user_not_found');
    const name = user.name ?? id.toLowerCase();
    const realName = user.realName ?? name;
    return {
      id,
      team_id: this.teamId,
      name,
      real_name: realName,
      deleted: user.deleted ?? false,
      is_bot: false,
      tz: user.tz ?? 'America/New_York',
      profile: {
        real_name: realName,
        display_name: name,
        status_text: user.status?.text ?? '',
        status_emoji: user.status?.emoji ?? '',
        status_expiration: user.status?.expiration ?? 0,
      },
    };
  }

  private history(method: string, args: Record<string, unknown>): Record<string, unknown> {
    const channel = str(args.channel);
    if (!channel || !(this.userByDm.has(channel) || this.channels.has(channel)))
      throw new ApiError('channel_not_found');
    const needed = channel.startsWith('D')
      ? 'im:history'
      : channel.startsWith('G')
        ? 'groups:history'
        : 'channels:history';
    if (this.scopes && !this.scopes.has(needed)) throw new ApiError('missing_scope');
    const threadTs = method === 'conversations.replies' ? str(args.ts) : undefined;
    if (method === 'conversations.replies' && !threadTs) throw new ApiError('thread_not_found');
    return readHistory(this.messages, {
      channel,
      threadTs,
      oldest: str(args.oldest),
      latest: str(args.latest),
      limit: str(args.limit),
      cursor: str(args.cursor) || undefined,
      inclusive: truthy(args.inclusive),
      includeAllMetadata: truthy(args.include_all_metadata),
    });
  }

  // ---- files.uploadV2: getUploadURLExternal → POST the bytes → completeUploadExternal ---------

  private uploadUrl(args: Record<string, unknown>): Record<string, unknown> {
    if (this.scopes && !this.scopes.has('files:write')) throw new ApiError('missing_scope');
    const filename = str(args.filename);
    const length = Number(str(args.length) ?? Number.NaN);
    if (!filename || !Number.isInteger(length) || length < 1) throw new ApiError('invalid_arguments');
    const id = this.nextId('F');
    this.files.set(id, { id, filename, length, altText: str(args.alt_text) });
    return { upload_url: `${this.baseUrl}/upload/${id}`, file_id: id };
  }

  /** Slack's upload URL answers 200 "OK - <bytes>"; an unknown URL 404, the wrong size 400. */
  private upload(id: string, bytes: Buffer | undefined): Reply {
    this.calls.push({ method: 'upload', args: { id }, at: Date.now() });
    const injected = this.injectedFailure('upload', { id });
    if (injected) return injected;
    const file = this.files.get(id);
    if (!file || file.shared) return { status: 404, body: 'not found' };
    if (!bytes || bytes.length !== file.length) return { status: 400, body: 'length does not match' };
    file.bytes = bytes;
    return { body: `OK - ${bytes.length}` };
  }

  private completeUpload(args: Record<string, unknown>, at: number): Record<string, unknown> {
    if (this.scopes && !this.scopes.has('files:write')) throw new ApiError('missing_scope');
    const raw = str(args.files);
    let listed: unknown;
    try {
      listed = raw ? JSON.parse(raw) : undefined;
    } catch {
      throw new ApiError('invalid_arguments');
    }
    if (!Array.isArray(listed) || listed.length === 0) throw new ApiError('invalid_arguments');
    const files = listed.map((entry) => {
      const file = isRecord(entry) ? this.files.get(str(entry.id) ?? '') : undefined;
      // A file whose bytes never arrived cannot be completed.
      if (!file?.bytes || file.shared) throw new ApiError('file_not_found');
      return { file, title: isRecord(entry) ? str(entry.title) : undefined };
    });
    const channelId = str(args.channel_id);
    const channel = channelId ? this.resolveConversation(channelId).channel : undefined;
    const threadTs = str(args.thread_ts);
    if (threadTs && !this.messages.some((m) => m.channel === channel && m.ts === threadTs))
      throw new ApiError('thread_not_found');
    for (const { file, title } of files)
      file.shared = channel
        ? { channel, threadTs, title, comment: str(args.initial_comment), at }
        : { channel: '', title, at };
    return {
      files: files.map(({ file, title }) => ({
        id: file.id,
        name: file.filename,
        title: title ?? file.filename,
      })),
    };
  }

  /** The files shared in a conversation (a thread's when `threadTs` is given), oldest first. */
  sharedFiles(channel: string, threadTs?: string): UploadedFile[] {
    return [...this.files.values()].filter(
      (f) => f.shared?.channel === channel && (threadTs === undefined || f.shared.threadTs === threadTs),
    );
  }

  private resolveConversation(channel: string | undefined): { channel: string; user?: string } {
    if (!channel) throw new ApiError('channel_not_found');
    if (/^[UW]/.test(channel)) {
      this.assertActive(channel);
      return { channel: this.dmChannelFor(channel), user: channel };
    }
    const dmUser = this.userByDm.get(channel);
    if (dmUser) return { channel, user: dmUser };
    if (this.channels.has(channel)) return { channel };
    throw new ApiError('channel_not_found');
  }

  private assertActive(userId: string): void {
    if (this.users.get(userId)?.deleted) throw new ApiError('user_disabled');
  }

  /** Refuses blocks Slack would refuse (see block-kit.ts), and fills in the block_ids Slack adds. */
  private validBlocks(value: unknown): Block[] {
    if (value === undefined || value === '') return [];
    const problems = validateBlocks(value, 'message');
    if (problems.length > 0 || !Array.isArray(value)) throw new ApiError('invalid_blocks', problems);
    return value
      .filter(isRecord)
      .map((block) => ({ ...block, block_id: str(block.block_id) ?? this.nextId('b') }));
  }

  private asSlackMessage(m: PostedMessage): Record<string, unknown> {
    const { ts, text, blocks, thread_ts, metadata } = m;
    return {
      type: 'message',
      user: this.botUserId,
      bot_id: this.botId,
      app_id: this.appId,
      ts,
      text,
      blocks,
      thread_ts,
      metadata,
    };
  }

  /** Slack's ts: the posting time in seconds with microseconds, unique and increasing per workspace here. */
  private nextTs(): string {
    this.lastTsMicros = Math.max(this.lastTsMicros + 100, this.now() * 1000);
    const seconds = Math.floor(this.lastTsMicros / 1_000_000);
    return `${seconds}.${String(this.lastTsMicros % 1_000_000).padStart(6, '0')}`;
  }

  private nextId(prefix: string): string {
    this.idSeq += 1;
    return `${prefix}${String(this.idSeq).padStart(6, '0')}`;
  }
}

/** Message metadata needs an `event_type` and an `event_payload` object, as Slack checks. */
function validMetadata(value: unknown): boolean {
  return isRecord(value) && typeof value.event_type === 'string' && isRecord(value.event_payload);
}
