import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../log.js';
import { BodyGate, refuse } from './body-gate.js';

export interface Route {
  path: string;
  method: string[];
  handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;
  /** Bounds this route's bodies being read at once (default: the server's gate for every route). */
  gate?: BodyGate;
  /** A refusal decided from the request line and headers alone, before the body is read or admitted. */
  refuse?: (req: IncomingMessage) => { status: number; error: string } | undefined;
}

/**
 * Intake, the CRM and SMS webhooks: bodies of 100 kB at most (intake's cap), from senders that
 * post a lead in well under a second. 64 at once is far above a CRM's burst (the bench sends 16 at
 * a time) and holds at most 6.4 MB; 10 s is generous for 100 kB on any link that can post a lead.
 */
export const DEFAULT_BODY_LIMITS = { concurrent: 64, timeoutMs: 10_000, retryAfterSeconds: 5 };

/**
 * The HTTP server for everything: intake, health, the webhooks and, in HTTP mode, Slack's
 * requests, which it hands to Bolt's listener after its own checks (Bolt's server reads any body
 * up to 4 MB before checking who sent it, and cannot bind a host or report a busy port).
 */
export class RouteServer {
  private readonly server: Server;

  constructor(
    routes: Route[],
    private readonly log: Logger,
    gate = new BodyGate(DEFAULT_BODY_LIMITS),
  ) {
    this.server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      const route = routes.find((r) => matches(r.path, path) && r.method.includes(req.method ?? ''));
      if (!route) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'not found' }));
        return;
      }
      const refusal = route.refuse?.(req);
      if (refusal) return refuse(res, refusal.status, refusal.error);
      if (hasBody(req) && !(route.gate ?? gate).admit(req, res)) return;
      Promise.resolve(route.handler(req, res)).catch((error: unknown) => {
        this.log.error('route failed', { path, error: String(error) });
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
    // Backstops under the gate's own timeout: a client that never finishes its headers, or keeps
    // a request open for minutes, loses its connection (Node's defaults: 60 s and 5 minutes).
    this.server.headersTimeout = 10_000;
    this.server.requestTimeout = 60_000;
  }

  /** Listens and resolves with the port, or rejects (e.g. EADDRINUSE) instead of crashing. */
  async listen(port: number, host?: string): Promise<number> {
    const failed = once(this.server, 'error').then(([error]) => Promise.reject(error));
    const listening = once(this.server, 'listening');
    this.server.listen(port, host);
    await Promise.race([listening, failed]);
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    if (!this.server.listening) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** GET and HEAD carry no body to read; anything else may. */
function hasBody(req: IncomingMessage): boolean {
  return req.method !== 'GET' && req.method !== 'HEAD';
}

/** `/leads/:source` matches `/leads/zillow`: a `:name` segment is any one non-empty segment, as in Bolt. */
function matches(pattern: string, path: string): boolean {
  const want = pattern.split('/');
  const got = path.split('/');
  return (
    want.length === got.length && want.every((w, i) => (w.startsWith(':') ? got[i] !== '' : w === got[i]))
  );
}
