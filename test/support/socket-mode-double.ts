import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { isRecord, str } from './blocks.js';
import type { SlackDouble } from './slack-double.js';
import { type ClickButtonArgs, clickButtonPayload } from './slack-requests.js';

export type EnvelopeType = 'interactive' | 'slash_commands' | 'events_api';

/** What Slack pushes over the socket for each event, interaction or slash command. */
export interface Envelope {
  envelope_id: string;
  type: EnvelopeType;
  payload: Record<string, unknown>;
  accepts_response_payload: boolean;
  retry_attempt?: number;
  retry_reason?: string;
}

/** The client's acknowledgement, as sent on the wire: `{ envelope_id, payload? }`. */
export interface SocketAck {
  envelope_id: string;
  payload?: Record<string, unknown>;
}

export interface SocketConnection {
  /** The single-use ticket from the `apps.connections.open` URL the client connected with. */
  ticket: string;
  openedAt: number;
  closed?: { code: number; reason: string; at: number };
}

export interface SendOptions {
  /** Defaults to what Slack sends: true for slash commands, view submissions and option requests. */
  acceptsResponsePayload?: boolean;
  /** Reject if no ack arrives in time; Slack gives the app 3 seconds. */
  timeoutMs?: number;
  /** For events_api redeliveries. */
  retryAttempt?: number;
  retryReason?: string;
}

interface PendingAck {
  resolve: (ack: SocketAck) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
  connection: SocketConnection;
  sentAt: number;
}

const ACK_DEADLINE_MS = 3000;
const WANTS_RESPONSE_PAYLOAD = new Set(['view_submission', 'block_suggestion']);

/**
 * Slack's side of Socket Mode, served by the SlackDouble: `apps.connections.open` mints a single-use
 * `ws://…/link/?ticket=…` URL, the WebSocket gets a `hello`, and `send()` pushes envelopes and resolves
 * with the client's ack. The `ws` server answers the client's pings with pongs automatically.
 * Acks nobody waits for (unknown, duplicate or late) and non-ack messages are reported by the double's
 * `assertNothingUnexpected()`.
 */
export class SocketModeDouble {
  readonly connections: SocketConnection[] = [];
  readonly sent: Envelope[] = [];
  readonly acks: SocketAck[] = [];

  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly tickets = new Set<string>();
  private readonly sockets = new Map<SocketConnection, WebSocket>();
  private readonly pending = new Map<string, PendingAck>();
  /** Every envelope id ever sent, to tell a duplicate or late ack from an unknown one. */
  private readonly issued = new Set<string>();
  private problems: string[] = [];

  constructor(private readonly double: SlackDouble) {}

  /** True while at least one client connection is open. */
  get connected(): boolean {
    return this.sockets.size > 0;
  }

  /** The `apps.connections.open` answer's `url`. */
  openConnectionUrl(): string {
    const ticket = randomUUID();
    this.tickets.add(ticket);
    const base = this.double.baseUrl.replace(/^http/, 'ws');
    return `${base}/link/?ticket=${ticket}&app_id=${this.double.appId}`;
  }

  /** Called for the double's HTTP `upgrade` events. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://double');
    const ticket = url.searchParams.get('ticket') ?? '';
    if (url.pathname !== '/link/' || !this.tickets.delete(ticket)) {
      this.problems.push(`WebSocket upgrade refused for ${req.url ?? '?'} (unknown or reused ticket)`);
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, ticket));
  }

  /** Pushes an envelope over the newest open connection; resolves with the client's ack. */
  send(type: EnvelopeType, payload: Record<string, unknown>, options: SendOptions = {}): Promise<SocketAck> {
    const open = [...this.sockets.entries()].at(-1);
    if (!open) {
      return Promise.reject(
        new Error(`No open Socket Mode connection (${this.connections.length} so far).\n${this.describe()}`),
      );
    }
    const [connection, ws] = open;
    const envelope: Envelope = {
      envelope_id: randomUUID(),
      type,
      payload,
      accepts_response_payload:
        options.acceptsResponsePayload ??
        (type === 'slash_commands' || WANTS_RESPONSE_PAYLOAD.has(str(payload.type) ?? '')),
      ...(type === 'events_api'
        ? { retry_attempt: options.retryAttempt ?? 0, retry_reason: options.retryReason ?? '' }
        : {}),
    };
    const timeoutMs = options.timeoutMs ?? ACK_DEADLINE_MS;
    this.sent.push(envelope);
    this.issued.add(envelope.envelope_id);
    return new Promise<SocketAck>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(envelope.envelope_id);
        reject(
          new Error(
            `No ack within ${timeoutMs} ms for ${type} envelope ${envelope.envelope_id}.\n${this.describe()}`,
          ),
        );
      }, timeoutMs);
      this.pending.set(envelope.envelope_id, { resolve, reject, timer, connection, sentAt: Date.now() });
      ws.send(JSON.stringify(envelope), (error) => {
        if (!error) return;
        clearTimeout(timer);
        this.pending.delete(envelope.envelope_id);
        reject(error);
      });
    });
  }

  sendInteractive(payload: Record<string, unknown>, options?: SendOptions): Promise<SocketAck> {
    return this.send('interactive', payload, options);
  }

  /** `SlackSender.clickButton` over the socket: the same block_actions payload, as an interactive envelope. */
  clickButton(args: ClickButtonArgs, options?: SendOptions): Promise<SocketAck> {
    return this.sendInteractive(clickButtonPayload(this.double, args), options);
  }

  /** Resolves with the newest connection once no connection is open, e.g. after the app stopped. */
  async waitForDisconnect(timeoutMs = 2000): Promise<SocketConnection> {
    return this.double.waitFor(
      () => !this.connected && this.connections.at(-1),
      timeoutMs,
      'the Socket Mode client to close its connection',
    );
  }

  /** Lines for `assertNothingUnexpected()`. */
  unexpected(): string[] {
    return this.problems.map((p) => `  UNSEEN socket: ${p}`);
  }

  /** One line for the double's `describe()`, empty when Socket Mode was never used. */
  describe(): string {
    if (this.connections.length === 0 && this.sent.length === 0) return '';
    return (
      `Socket Mode: ${this.sockets.size} open of ${this.connections.length} connection(s), ` +
      `${this.sent.length} envelope(s) sent, ${this.acks.length} acked, ${this.pending.size} awaiting ack`
    );
  }

  /** Clears recordings; open connections and pending acks stay. */
  reset(): void {
    this.sent.length = 0;
    this.acks.length = 0;
    this.problems = [];
  }

  /** Terminates every connection (the client sees an abnormal closure) and fails pending sends. */
  close(): void {
    for (const ws of this.sockets.values()) ws.terminate();
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(new Error(`SlackDouble stopped before envelope ${id} was acked`));
    }
    this.pending.clear();
    this.wss.close();
  }

  private accept(ws: WebSocket, ticket: string): void {
    const connection: SocketConnection = { ticket, openedAt: Date.now() };
    this.connections.push(connection);
    this.sockets.set(connection, ws);
    ws.on('message', (data, isBinary) => this.receive(connection, data, isBinary));
    ws.on('error', (error) => this.problems.push(`WebSocket error: ${error.message}`));
    ws.on('close', (code, reason) => {
      connection.closed = { code, reason: reason.toString('utf8'), at: Date.now() };
      this.sockets.delete(connection);
      for (const [id, pending] of this.pending) {
        if (pending.connection !== connection) continue;
        clearTimeout(pending.timer);
        this.pending.delete(id);
        pending.reject(new Error(`Socket Mode connection closed (${code}) before envelope ${id} was acked`));
      }
    });
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.sockets.size,
        debug_info: { host: 'applink-double', build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: this.double.appId },
      }),
    );
  }

  private receive(connection: SocketConnection, data: RawData, isBinary: boolean): void {
    const text = isBinary ? undefined : rawText(data);
    let message: unknown;
    try {
      message = text === undefined ? undefined : JSON.parse(text);
    } catch {
      message = undefined;
    }
    const id = isRecord(message) ? str(message.envelope_id) : undefined;
    if (!isRecord(message) || id === undefined) {
      this.problems.push(
        `unexpected client message: ${text === undefined ? '<binary>' : text.slice(0, 200)}`,
      );
      return;
    }
    const pending = this.pending.get(id);
    if (!pending || pending.connection !== connection) {
      const why = this.issued.has(id) ? 'duplicate or late' : 'unknown';
      this.problems.push(`${why} ack for envelope ${id}: ${text?.slice(0, 200)}`);
      return;
    }
    clearTimeout(pending.timer);
    this.pending.delete(id);
    const ack: SocketAck = isRecord(message.payload)
      ? { envelope_id: id, payload: message.payload }
      : { envelope_id: id };
    this.acks.push(ack);
    pending.resolve(ack);
  }
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
