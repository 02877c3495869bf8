import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { ApiError } from './api-error.js';
import { formatProblem, validateBlocks } from './block-kit.js';
import {
  allText,
  type Block,
  type ButtonInfo,
  buttons,
  findButton,
  type HasContent,
  isRecord,
  str,
} from './blocks.js';
import { FileStore, type UploadedFile, uploadedBytes } from './files.js';
import { readHistory } from './history.js';
import { parseBody, readBody, truthy } from './http-body.js';
import type {
  EmulatorUser,
  Ephemeral,
  Failure,
  PostedMessage,
  RecordedCall,
  RecordedView,
  Refusal,
  ResponseUrlContext,
  SlackEmulatorOptions,
} from './types.js';
import { dndInfo, userInfo } from './users.js';
import { ViewStore } from './views.js';

export type { UploadedFile } from './files.js';
export * from './types.js';

interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body: Record<string, unknown> | string;
}

const MAX_RESPONSE_URL_USES = 5;

/** Whether an injected fault for `pattern` (a method name, or `*` for every one) applies to `method`. */
function matches(pattern: string, method: string): boolean {
  return pattern === '*' || pattern === method;
}

/**
 * A stateful stand-in for the Slack Web API on 127.0.0.1: it keeps every message, update, ephemeral
 * and view the app makes, refuses what Slack refuses (Block Kit included, see block-kit.ts), and
 * serves response_urls. The tests drive the real Bolt app and @slack/web-api client against it
 * (test/support/slack-double.ts adds their expectations and Socket Mode); `lead-dispatch demo` shows
 * it in a browser. `onChange` tells a viewer that something changed.
 */
export class SlackEmulator {
  readonly calls: RecordedCall[] = [];
  readonly messages: PostedMessage[] = [];
  readonly ephemerals: Ephemeral[] = [];
  readonly views: RecordedView[] = [];
  /** Every call refused for invalid blocks or views, so a test that times out can say why. */
  readonly refusals: Refusal[] = [];
  readonly channels: Set<string>;
  readonly users: Map<string, EmulatorUser>;
  readonly botUserId: string;
  readonly botId: string;
  readonly teamId: string;
  readonly appId = 'A0DOUBLE';

  protected readonly server = createServer((req, res) => void this.handle(req, res));
  /** What each message said when first posted, before any update. */
  protected readonly originals = new WeakMap<PostedMessage, HasContent>();
  private port = 0;
  private readonly listeners = new Set<() => void>();
  private readonly dmByUser = new Map<string, string>();
  private readonly userByDm = new Map<string, string>();
  private failures: Array<Failure & { method: string; remaining: number }> = [];
  private readonly responseUrls = new Map<string, ResponseUrlContext & { uses: number }>();
  private readonly viewStore = new ViewStore(this.views, (prefix) => this.nextId(prefix));
  private readonly fileStore = new FileStore(
    () => this.baseUrl,
    (prefix) => this.nextId(prefix),
    () => !this.scopes || this.scopes.has('files:write'),
  );
  /** Every file an upload URL was asked for, by id, uploaded and shared or not. */
  get files(): Map<string, UploadedFile> {
    return this.fileStore.files;
  }

  /** The files shared in a conversation (a thread's when `threadTs` is given), oldest first. */
  sharedFiles(channel: string, threadTs?: string): UploadedFile[] {
    return this.fileStore.sharedIn(channel, threadTs);
  }
  private lastTsMicros = 0;
  private readonly now: () => number;
  readonly scopes: Set<string> | undefined;
  private slowAnswers: Array<{ method: string; delayMs: number; remaining: number }> = [];
  private hangs: Array<{ method: string; remaining: number }> = [];
  private readonly held = new Set<ServerResponse>();
  private idSeq = 0;

  protected constructor(options: SlackEmulatorOptions) {
    this.now = options.now ?? Date.now;
    this.scopes = options.scopes ? new Set(options.scopes) : undefined;
    this.botUserId = options.botUserId ?? 'U0BOT';
    this.botId = options.botId ?? 'B0BOT';
    this.teamId = options.teamId ?? 'T0DOUBLE';
    this.channels = new Set(options.channels ?? []);
    this.users = new Map(Object.entries(options.users ?? {}));
  }

  static async start(options: SlackEmulatorOptions = {}): Promise<SlackEmulator> {
    const emulator = new SlackEmulator(options);
    await emulator.listen();
    return emulator;
  }

  /** Loopback only, on a free port: the emulator is never reachable from another machine. */
  protected async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', resolve);
    });
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.listeners.clear();
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

  /** Calls `listener` after every request the emulator answered; returns the unsubscribe. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Slack does the work but answers only after `delayMs` (the next `times` calls of `method`): what
   * a client that times out sees as an unknown outcome.
   */
  answerSlowly(method: string, delayMs: number, times = 1): void {
    this.slowAnswers.push({ method, delayMs, remaining: times });
  }

  /** `method` may be `*`: every Web API method fails (an outage, a workspace-wide rate limit). */
  fail(method: string, failure: Failure): void {
    this.failures.push({ ...failure, method, remaining: failure.times ?? 1 });
  }

  /**
   * The next `times` calls of `method` (`*`: any) are read and never answered, and do nothing: a
   * network partition or a load balancer that holds connections open. The client must time out.
   * The held connections close on clearFailures (as a reset) or stop.
   */
  answerNever(method: string, times = 1): void {
    this.hangs.push({ method, remaining: times });
  }

  /** Slack is healthy again: drops injected failures, slow answers and hangs, keeps recordings. */
  clearFailures(): void {
    this.failures = [];
    this.slowAnswers = [];
    this.hangs = [];
    for (const res of this.held) res.destroy();
    this.held.clear();
  }

  /** Clears recordings and injected failures; DM channels, response_urls and trigger_ids stay valid. */
  reset(): void {
    this.calls.length = 0;
    this.messages.length = 0;
    this.ephemerals.length = 0;
    this.views.length = 0;
    this.refusals.length = 0;
    this.failures = [];
  }

  /** Adds a user or changes what users.info and dnd.info say of them. */
  setUser(id: string, patch: EmulatorUser): void {
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

  /** Mints a trigger_id that views.open / views.push accept once; a modal it opens is `user`'s. */
  triggerId(user?: string): string {
    return this.viewStore.mintTrigger(user);
  }

  /** What the first post of `message` said, before any update. */
  originalOf(message: PostedMessage): HasContent | undefined {
    return this.originals.get(message);
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
      const args = req.method === 'POST' && !uploadId ? parseBody(bytes.toString('utf8'), contentType) : {};
      if (req.method === 'POST' && uploadId) {
        this.calls.push({ method: 'upload', args: { id: uploadId }, at: Date.now() });
        reply =
          this.injectedFailure('upload', { id: uploadId }) ??
          this.fileStore.upload(uploadId, await uploadedBytes(bytes, contentType));
      } else if (req.method === 'POST' && api) {
        const hang = this.hangs.find((h) => matches(h.method, api) && h.remaining > 0);
        if (hang) {
          hang.remaining -= 1;
          this.held.add(res);
          res.once('close', () => this.held.delete(res));
          return;
        }
        reply = this.api(api, args, req.headers.authorization);
        const slow = this.slowAnswers.find((s) => matches(s.method, api) && s.remaining > 0);
        if (slow) {
          slow.remaining -= 1;
          await delay(slow.delayMs);
        }
      } else if (req.method === 'POST' && respondId) reply = this.respond(respondId, args);
      else reply = { status: 404, body: 'not found' };
    } catch (err) {
      // A bug in the double itself: make it loud rather than a quiet Slack error.
      console.error('SlackEmulator internal error', err);
      reply = { status: 500, body: `SlackEmulator internal error: ${String(err)}` };
    }
    const isJson = typeof reply.body !== 'string';
    res.writeHead(reply.status ?? 200, {
      'content-type': isJson ? 'application/json; charset=utf-8' : 'text/plain',
      ...reply.headers,
    });
    res.end(isJson ? JSON.stringify(reply.body) : reply.body);
    if (req.method === 'POST') for (const listener of this.listeners) listener();
  }

  /** Slack's side of Socket Mode; only the test double serves it. */
  protected openSocketConnection(): Record<string, unknown> | undefined {
    return undefined;
  }

  private injectedFailure(method: string, args: Record<string, unknown>): Reply | undefined {
    const failure = this.failures.find(
      (f) => matches(f.method, method) && f.remaining > 0 && (!f.when || f.when(args)),
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
    const token = authorization?.startsWith('Bearer ') ? authorization.slice(7) : str(args.token);
    this.calls.push({ method, args, at, ...(token ? { token } : {}) });
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
        return this.openSocketConnection();
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
        return { user: userInfo(this.users, this.teamId, str(args.user)) };
      case 'conversations.history':
      case 'conversations.replies':
        return this.history(method, args);
      case 'dnd.info':
        return dndInfo(this.users, str(args.user));
      case 'views.open':
      case 'views.push':
      case 'views.publish':
      case 'views.update':
        return { view: this.view(method, args, at) };
      case 'files.getUploadURLExternal':
        return this.fileStore.uploadUrl(args);
      case 'files.completeUploadExternal':
        return this.fileStore.complete(
          args,
          at,
          (id) => this.resolveConversation(id).channel,
          (channel, ts) => this.messages.some((m) => m.channel === channel && m.ts === ts),
        );
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
    const { view, id, hash } = this.viewStore.record(method, args, at);
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
