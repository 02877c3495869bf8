import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { readBody } from '../slack-emulator/http-body.js';

/** The page's files, beside this module's source (dist/demo/ and src/demo/ both sit two levels down). */
const WEB = join(import.meta.dirname, '../../src/demo/web');
const FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/demo.js': { file: 'demo.js', type: 'text/javascript; charset=utf-8' },
  '/block-kit.js': { file: 'block-kit.js', type: 'text/javascript; charset=utf-8' },
  '/time.js': { file: 'time.js', type: 'text/javascript; charset=utf-8' },
  '/modal.js': { file: 'modal.js', type: 'text/javascript; charset=utf-8' },
  '/demo.css': { file: 'demo.css', type: 'text/css; charset=utf-8' },
};

export interface PageHandlers {
  state(): unknown;
  /** POST /lead, /clock, /act: a JSON body in, a status and JSON out. */
  post(path: string, body: unknown): Promise<{ status: number; body: unknown }>;
  /** Calls `listener` whenever what the page shows may have changed; returns the unsubscribe. */
  subscribe(listener: () => void): () => void;
}

export interface PageServer {
  url: string;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

/**
 * The demo page on 127.0.0.1 only: its files, the state as JSON, a server-sent event each
 * time something changes, and POSTs for what a person does. Requests for another host name and POSTs
 * from another origin are refused, so a web page elsewhere cannot read or drive the demo.
 */
export async function startPageServer(port: number, handlers: PageHandlers): Promise<PageServer> {
  const streams = new Set<ServerResponse>();
  let origin = '';
  const server: Server = createServer((req, res) => void handle(req, res));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    // Only this machine's own names: a site that points its name at 127.0.0.1 (DNS rebinding) gets nothing.
    const host = `http://${req.headers.host ?? ''}`;
    if (host !== origin && host !== origin.replace('127.0.0.1', 'localhost')) {
      return send(res, 421, { error: 'open the demo at its own address' });
    }
    try {
      if (req.method === 'GET' && FILES[path]) {
        const { file, type } = FILES[path];
        res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
        res.end(readFileSync(join(WEB, file)));
      } else if (req.method === 'GET' && path === '/state') send(res, 200, handlers.state());
      else if (req.method === 'GET' && path === '/events') {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
        res.write('retry: 1000\n\n');
        streams.add(res);
        req.on('close', () => streams.delete(res));
      } else if (req.method === 'POST') {
        const from = req.headers.origin;
        if (from && from !== origin && from !== origin.replace('127.0.0.1', 'localhost')) {
          return send(res, 403, { error: 'the demo takes requests from its own page only' });
        }
        let body: unknown;
        try {
          body = JSON.parse((await readBody(req)).toString('utf8') || '{}');
        } catch {
          return send(res, 400, { error: 'the body is not JSON' });
        }
        const answer = await handlers.post(path, body);
        send(res, answer.status, answer.body);
      } else send(res, 404, { error: 'not found' });
    } catch (error) {
      send(res, 500, { error: String(error) });
    }
  }

  // Coalesced: a burst of Slack calls (a sweep that updates ten messages) is one refresh for the page.
  let pending: NodeJS.Timeout | undefined;
  const unsubscribe = handlers.subscribe(() => {
    pending ??= setTimeout(() => {
      pending = undefined;
      for (const stream of streams) stream.write('data: changed\n\n');
    }, 50);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${origin}/`,
    async close() {
      unsubscribe();
      clearTimeout(pending);
      for (const stream of streams) stream.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
