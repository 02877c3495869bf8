import type { Duplex } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { allText, blockText, type HasContent } from '../../src/slack-emulator/blocks.js';
import {
  type EmulatorUser,
  type Ephemeral,
  type MessageUpdate,
  type PostedMessage,
  SlackEmulator,
  type SlackEmulatorOptions,
} from '../../src/slack-emulator/emulator.js';
import { SocketModeDouble } from './socket-mode-double.js';

export * from '../../src/slack-emulator/blocks.js';
export * from '../../src/slack-emulator/types.js';
export type {
  Envelope,
  EnvelopeType,
  SendOptions,
  SocketAck,
  SocketConnection,
} from './socket-mode-double.js';

/** The tests' names for the emulator's options and users. */
export type SlackDoubleOptions = SlackEmulatorOptions;
export type DoubleUser = EmulatorUser;

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

function clip(s = ''): string {
  return JSON.stringify(s.length > 100 ? `${s.slice(0, 100)}…` : s);
}

/**
 * The Slack emulator (src/slack-emulator/, shared with `lead-dispatch demo`) plus what tests need:
 * every post, update and ephemeral must be claimed with a take or waitFor helper, so
 * `assertNothingUnexpected()` catches duplicates and stray messages. `socket` is Slack's side of
 * Socket Mode (`apps.connections.open` and the WebSocket, on the same port).
 */
export class SlackDouble extends SlackEmulator {
  readonly socket: SocketModeDouble = new SocketModeDouble(this);
  private readonly seen = new WeakSet<object>();

  private constructor(options: SlackDoubleOptions) {
    super(options);
    this.server.on('upgrade', (req, socket: Duplex, head) => this.socket.handleUpgrade(req, socket, head));
  }

  static override async start(options: SlackDoubleOptions = {}): Promise<SlackDouble> {
    const double = new SlackDouble(options);
    await double.listen();
    return double;
  }

  override async stop(): Promise<void> {
    this.socket.close();
    await super.stop();
  }

  override reset(): void {
    super.reset();
    this.socket.reset();
  }

  protected override openSocketConnection(): Record<string, unknown> {
    return { url: this.socket.openConnectionUrl() };
  }

  // ---- expectations ------------------------------------------------------------------------

  findPost(filter: PostFilter = {}): PostedMessage | undefined {
    return this.messages.find((m) => {
      if (this.seen.has(m)) return false;
      if (filter.to && m.channel !== filter.to && m.user !== filter.to) return false;
      if (filter.thread !== undefined && (m.thread_ts !== undefined) !== filter.thread) return false;
      if (!filter.textIncludes) return true;
      const original = this.originalOf(m);
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
        `${mark(m)} post ${m.channel}${dm} ts=${m.ts}${thread} ${describeContent(this.originalOf(m) ?? m)}`,
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
}
