import type { IncomingHttpHeaders, IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { BufferedIncomingMessage } from '@slack/bolt';
import { type BodyGate, refuse } from '../http/body-gate.js';
import type { Route } from '../http/route-server.js';
import { BodyTooLarge, readBodyBytes } from '../intake/read-body.js';
import type { Logger } from '../log.js';

export const SLACK_EVENTS_PATH = '/slack/events';

/**
 * The largest Slack request we read (Bolt's default is 4 MB). Slack's biggest payloads are the
 * interactions that carry a whole surface back: a block_actions from a message (at most 50 blocks)
 * or from App Home, and a view_submission (a view has at most 100 blocks, each text at most 3,000
 * characters, private_metadata 3,000, plus the state of its inputs, a plain_text_input at most
 * 3,000 characters). Our own surfaces are far smaller: the App Home and the modals we render
 * stay under 50 blocks of short text and a handful of inputs, about 30 kB as JSON. Sent as a form
 * (`payload=` plus URL-encoded JSON, where every quote and brace takes 3 bytes) that roughly
 * doubles. 1 MB leaves more than ten times that headroom, and is a quarter of what one slow
 * upload could hold before.
 */
export const SLACK_MAX_BODY_BYTES = 1024 * 1024;

/** Slack's replay window: a request whose timestamp is further from our clock than this is refused. */
const WINDOW_SECONDS = 5 * 60;

/**
 * Why a request to the Slack endpoint is refused before its body is read, or undefined when it
 * may be read. Slack signs every request it sends (ssl_check included) and stamps it with the
 * time; one without both headers, or from outside Slack's 5-minute window, cannot pass the
 * signature check that reading its body would be for. Bolt checks only the past side of the
 * window; a timestamp from the future is as unusable.
 */
export function slackHeadersProblem(headers: IncomingHttpHeaders, nowMs: number): string | undefined {
  const signature = headers['x-slack-signature'];
  const timestamp = headers['x-slack-request-timestamp'];
  if (typeof signature !== 'string' || !signature.startsWith('v0='))
    return 'missing X-Slack-Signature: only Slack may post here';
  if (typeof timestamp !== 'string' || !/^\d{1,12}$/.test(timestamp))
    return 'missing X-Slack-Request-Timestamp: only Slack may post here';
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > WINDOW_SECONDS)
    return 'X-Slack-Request-Timestamp is more than 5 minutes from our clock';
  return undefined;
}

/**
 * `POST /slack/events` in HTTP mode: refused (401) on its headers alone, then its body read under
 * `gate` and the size cap, then handed to Bolt's own listener, which checks the signature over the
 * body we read (Bolt reads no body that is already buffered on the request).
 */
export function slackEventsRoute(
  boltListener: RequestListener,
  gate: BodyGate,
  log: Logger,
  /** Wall-clock seconds, as Bolt's signature check uses: Slack stamps requests with real time. */
  nowMs: () => number = Date.now,
): Route {
  return {
    path: SLACK_EVENTS_PATH,
    method: ['POST'],
    gate,
    refuse: (req) => {
      const problem = slackHeadersProblem(req.headers, nowMs());
      return problem ? { status: 401, error: problem } : undefined;
    },
    async handler(req: IncomingMessage, res: ServerResponse) {
      let body: Buffer;
      try {
        body = await readBodyBytes(req, SLACK_MAX_BODY_BYTES);
      } catch (error) {
        if (error instanceof BodyTooLarge)
          return refuse(res, 413, `body is larger than ${SLACK_MAX_BODY_BYTES / 1024} kB`);
        // The sender went away or the gate cut a slow upload off; nothing to answer.
        log.debug('Slack request body not read', { error: String(error) });
        return refuse(res, 400, 'the request body could not be read');
      }
      (req as BufferedIncomingMessage).rawBody = body;
      boltListener(req, res);
    },
  };
}
