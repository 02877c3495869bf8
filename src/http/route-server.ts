import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../log.js';

export interface Route {
  path: string;
  method: string[];
  handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;
}

/**
 * The HTTP server for intake and health in Socket Mode, where Slack traffic goes over the
 * socket. (Bolt's own Socket Mode server hides its port and cannot bind a host or report a
 * busy port, so we run this one and keep both under our control.)
 */
export class RouteServer {
  private readonly server: Server;

  constructor(
    routes: Route[],
    private readonly log: Logger,
  ) {
    this.server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      const route = routes.find((r) => matches(r.path, path) && r.method.includes(req.method ?? ''));
      if (!route) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'not found' }));
        return;
      }
      Promise.resolve(route.handler(req, res)).catch((error: unknown) => {
        this.log.error('route failed', { path, error: String(error) });
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
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

/** `/leads/:source` matches `/leads/zillow`: a `:name` segment is any one non-empty segment, as in Bolt. */
function matches(pattern: string, path: string): boolean {
  const want = pattern.split('/');
  const got = path.split('/');
  return (
    want.length === got.length && want.every((w, i) => (w.startsWith(':') ? got[i] !== '' : w === got[i]))
  );
}
