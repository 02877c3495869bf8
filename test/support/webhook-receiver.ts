import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One POST the receiver took, with what its own signature check made of it. */
export interface Delivery {
  id: string;
  timestamp: number;
  signatureValid: boolean;
  body: { id: string; type: string; task: { id: number } | null; [key: string]: unknown };
  raw: string;
}

/** How the receiver answers: accept, a status of our choosing, drop the connection, or answer late. */
export type ReceiverMode =
  | { kind: 'up' }
  | { kind: 'status'; status: number; retryAfter?: string }
  | { kind: 'drop' }
  | { kind: 'slow'; ms: number };

/**
 * A team's webhook receiver (a Zapier catch hook, say) on 127.0.0.1: a real HTTP server that
 * checks each signature with its own code, written from the README's description rather than
 * imported from the app, so a change to how the app signs fails here.
 */
export class WebhookReceiver {
  /** Every POST answered 2xx, in arrival order. */
  readonly accepted: Delivery[] = [];
  /** Every POST that arrived, whatever the answer. */
  readonly seen: Delivery[] = [];
  mode: ReceiverMode = { kind: 'up' };
  private readonly server: Server;

  constructor(private readonly secret: string) {
    this.server = createServer((req, res) => this.handle(req, res));
  }

  static async start(secret: string): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver(secret);
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks/catch`;
  }

  clear(): void {
    this.accepted.length = 0;
    this.seen.length = 0;
    this.mode = { kind: 'up' };
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** `v1=` hex HMAC-SHA256 of "<id>.<timestamp>.<body>", compared in constant time. */
  verify(id: string, timestamp: string, raw: string, header: string): boolean {
    const expected = `v1=${createHmac('sha256', this.secret).update(`${id}.${timestamp}.${raw}`).digest('hex')}`;
    const a = Buffer.from(expected);
    const b = Buffer.from(header);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const mode = this.mode;
      if (mode.kind === 'drop') {
        req.socket.destroy();
        return;
      }
      const raw = Buffer.concat(chunks).toString('utf8');
      const id = String(req.headers['webhook-id'] ?? '');
      const timestamp = String(req.headers['webhook-timestamp'] ?? '');
      const delivery: Delivery = {
        id,
        timestamp: Number(timestamp),
        signatureValid: this.verify(id, timestamp, raw, String(req.headers['webhook-signature'] ?? '')),
        body: JSON.parse(raw) as Delivery['body'],
        raw,
      };
      this.seen.push(delivery);
      if (mode.kind === 'status') {
        const headers = mode.retryAfter ? { 'retry-after': mode.retryAfter } : {};
        res.writeHead(mode.status, headers).end(`status ${mode.status}`);
        return;
      }
      const answer = () => {
        this.accepted.push(delivery);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ received: id }));
      };
      if (mode.kind === 'slow') setTimeout(answer, mode.ms);
      else answer();
    });
  }
}
