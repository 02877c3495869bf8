import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { knownTypes } from '../core/classify.js';
import type { DispatchContext } from '../dispatch/context.js';
import { receiveTask } from '../dispatch/receive.js';
import { sendJson } from '../http/json.js';
import { type LeadIssue, validateLead } from './lead-schema.js';
import { BodyTooLarge, readBody } from './read-body.js';

export const MAX_LEAD_BYTES = 100 * 1024;

export interface IntakeOptions {
  token: string;
  /** Called after the 202 is written: the engine routes the task and posts its offer (engine.taskReceived). */
  taskReceived: (taskId: number) => void;
}

/** `POST /leads`: authenticate, validate, store, answer — in that order, and nothing stored unless valid. */
export function leadIntakeHandler(ctx: DispatchContext, options: IntakeOptions) {
  const expected = digest(`Bearer ${options.token}`);
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      if (!timingSafeEqual(digest(req.headers.authorization ?? ''), expected)) {
        return sendJson(res, 401, {
          error: 'missing or wrong intake token: send Authorization: Bearer <INTAKE_TOKEN>',
        });
      }
      const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
      if (type !== 'application/json') {
        return sendJson(res, 415, { error: 'send the lead as JSON with Content-Type: application/json' });
      }
      let raw: string;
      try {
        raw = await readBody(req, MAX_LEAD_BYTES);
      } catch (error) {
        if (error instanceof BodyTooLarge)
          return sendJson(res, 413, { error: `body is larger than ${MAX_LEAD_BYTES / 1024} kB` });
        throw error;
      }
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch (error) {
        return invalid(res, 'malformed JSON', [{ path: '(body)', message: (error as Error).message }]);
      }
      const checked = validateLead(body, knownTypes(ctx.config), ctx.clock.now());
      if (!checked.ok) return invalid(res, 'invalid lead', checked.issues);
      const result = receiveTask(ctx, checked.lead);
      if (result.duplicate) {
        ctx.log.info('duplicate lead ignored', { taskId: result.id, source: checked.lead.source });
        return sendJson(res, 200, { id: result.id, duplicate: true });
      }
      ctx.log.info('lead received', { taskId: result.id, source: checked.lead.source });
      sendJson(res, 202, { id: result.id });
      options.taskReceived(result.id);
    } catch (error) {
      ctx.log.error('intake failed', { error: error instanceof Error ? error.message : String(error) });
      if (!res.headersSent)
        sendJson(res, 500, { error: 'internal error; the lead was not stored, please retry' });
    }
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function invalid(res: ServerResponse, error: string, issues: LeadIssue[]): void {
  sendJson(res, 400, { error, issues });
}
