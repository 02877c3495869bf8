import type { IncomingMessage, ServerResponse } from 'node:http';

export interface BodyGateLimits {
  /** How many request bodies may be read at once; the next one is refused with 503. */
  concurrent: number;
  /** How long a body may take to arrive in full; a slower one is refused with 408 and cut off. */
  timeoutMs: number;
  /** Seconds a refused sender is asked to wait (Retry-After). */
  retryAfterSeconds: number;
}

/**
 * Bounds the request bodies being read at once. Each body a handler reads is held in memory until
 * it is complete, so without a bound a flood of slow uploads (each trickling in under its size cap)
 * holds as much memory as the flood has connections. With it, memory is at most `concurrent` × the
 * route's size cap, and a trickle is cut off after `timeoutMs` instead of holding its place.
 * Refusals close the connection, so the rest of an upload is never read.
 */
export class BodyGate {
  private reading = 0;

  constructor(readonly limits: BodyGateLimits) {}

  /** Bodies being read now. */
  get busy(): number {
    return this.reading;
  }

  /**
   * Takes a place for this request's body, released when the body has arrived or the exchange
   * ends. False when the gate is full: the request has been answered 503 and must not be handled.
   */
  admit(req: IncomingMessage, res: ServerResponse): boolean {
    if (this.reading >= this.limits.concurrent) {
      refuse(res, 503, 'too many requests are being received at once; retry shortly', {
        'retry-after': String(this.limits.retryAfterSeconds),
      });
      return false;
    }
    this.reading += 1;
    let held = true;
    const release = () => {
      if (!held) return;
      held = false;
      this.reading -= 1;
      clearTimeout(timer);
    };
    const timer = setTimeout(() => {
      if (req.complete) return release();
      refuse(res, 408, `the request body did not arrive within ${this.limits.timeoutMs / 1000} s`);
      release();
      // Whatever the handler was waiting for will not come: end the connection under it.
      req.socket.destroySoon();
    }, this.limits.timeoutMs);
    timer.unref();
    req.once('end', release);
    res.once('finish', release);
    res.once('close', release);
    return true;
  }
}

/**
 * Answers a request whose body is not wanted, closing the connection right after the answer:
 * left open, Node would read (and drop) the rest of the upload to reuse the connection, which for
 * 300 uploads of 3 MB is the app's CPU spent on an attacker's bytes. A sender still uploading may
 * then see the connection reset instead of the answer (the kernel resets a connection closed with
 * unread data); a real sender's body is small and sent by then, and a CRM retries either way.
 */
export function refuse(
  res: ServerResponse,
  status: number,
  error: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    connection: 'close',
    ...headers,
  });
  res.end(JSON.stringify({ error }));
}
